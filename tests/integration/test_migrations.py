"""Alembic migrations on a real PostgreSQL: round trip, schema == code, concurrent upgrades."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import psycopg
import pytest

from hippo.adapters.alembic_migrations import AlembicMigrator
from hippo.adapters.postgres import asyncpg_dsn, psycopg_url
from hippo.adapters.postgres_schema import TABLES, metadata
from tests.integration.postgres_fixtures import MIGRATIONS

CATALOG = """
SELECT 'column', table_name || '.' || column_name || ' ' || data_type || ' '
       || coalesce(character_maximum_length::text, '') || ' ' || is_nullable || ' '
       || coalesce(column_default, '') || ' ' || is_identity
FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'alembic_version'
UNION ALL
SELECT 'constraint', conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
FROM pg_constraint
WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> 'alembic_version'
UNION ALL
SELECT 'index', indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> 'alembic_version'
ORDER BY 1, 2
"""


def catalog(url: str) -> list[tuple[str, str]]:
    with psycopg.connect(asyncpg_dsn(url)) as con:
        return [(kind, text) for kind, text in con.execute(CATALOG).fetchall()]


def tables(url: str) -> set[str]:
    with psycopg.connect(asyncpg_dsn(url)) as con:
        rows = con.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
    return {r[0] for r in rows}


@pytest.fixture
def empty_url(new_database: Callable[[str], str]) -> str:
    return new_database("mig")


def test_upgrade_downgrade_upgrade_round_trip(empty_url: str) -> None:
    migrator = AlembicMigrator(empty_url, MIGRATIONS)
    migrator.upgrade()
    assert migrator.current() == migrator.head()
    assert set(TABLES) <= tables(empty_url)
    first = catalog(empty_url)
    migrator.downgrade("base")
    assert migrator.current() is None
    assert tables(empty_url) == {"alembic_version"}
    migrator.upgrade()
    assert catalog(empty_url) == first


def test_migrated_schema_is_exactly_the_code_schema(new_database: Callable[[str], str]) -> None:
    migrated = new_database("migrated")
    AlembicMigrator(migrated, MIGRATIONS).upgrade()
    AlembicMigrator(migrated, MIGRATIONS).check()  # alembic check: no pending operations

    from sqlalchemy import create_engine

    created = new_database("created")
    engine = create_engine(psycopg_url(created))
    metadata.create_all(engine)
    engine.dispose()
    # Indexes on collated expressions are outside alembic check; the catalogs compare everything.
    assert catalog(migrated) == catalog(created)


def test_concurrent_upgrades_are_serialised(empty_url: str) -> None:
    # Separate processes (alembic's context is process-global), as two deploys or app starts would be.
    code = (
        "import logging, sys; logging.basicConfig(level=logging.INFO);"
        "from hippo.adapters.alembic_migrations import AlembicMigrator as M; M(*sys.argv[1:]).upgrade()"
    )
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", code, empty_url, str(MIGRATIONS)], stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outcomes = [(run.wait(timeout=120), run.stderr.read() if run.stderr else "") for run in runs]
    assert [code for code, _ in outcomes] == [0, 0], outcomes
    assert sum("Running upgrade  -> " in err for _, err in outcomes) == 1
    migrator = AlembicMigrator(empty_url, MIGRATIONS)
    assert migrator.current() == migrator.head()

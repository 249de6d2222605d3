"""Alembic environment: sync psycopg 3, one advisory lock per run, Neon's direct host.

The database URL comes from `config.attributes["database_url"]` (set by `hippo db ...`) or the
`DATABASE_URL` variable, in any form a user pastes; a shared SQLAlchemy Connection or Engine in
`config.attributes["connection"]` is used as is (tests, pytest-alembic).
"""

from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection, Engine, create_engine, pool, text

from hippo.adapters.postgres import psycopg_url
from hippo.adapters.postgres_schema import metadata
from hippo.adapters.postgres_schema_compare import collated_indexes  # also registers its comparator

MIGRATION_LOCK = 7240418
"""Key of the transaction-level advisory lock that serialises concurrent migration runs."""

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = metadata


def database_url() -> str:
    url = config.attributes.get("database_url") or os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError(
            "No database URL: set DATABASE_URL (or run `hippo db upgrade`, which starts the embedded server)"
        )
    return psycopg_url(url, direct=True)


COMPARED_SEPARATELY = frozenset(str(index.name) for index in collated_indexes(metadata))
"""Indexes with collated elements: compared by `postgres_schema_compare` (alembic's reflection loses
the collations), so alembic's own index comparison leaves them out."""


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    return not (type_ == "index" and name in COMPARED_SEPARATELY)


def run_with(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        # Serialise concurrent runs (two deploys, two app starts): the second waits, then sees head.
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        context.run_migrations()


def run_migrations_online() -> None:
    shared = config.attributes.get("connection")
    if isinstance(shared, Connection):
        run_with(shared)
        return
    engine = shared if isinstance(shared, Engine) else create_engine(database_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        run_with(connection)


def run_migrations_offline() -> None:
    context.configure(url=database_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

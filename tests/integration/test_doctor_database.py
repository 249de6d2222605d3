"""PostgresInspector against a real PostgreSQL: reachable and migrated, empty, unreachable."""

from __future__ import annotations

import time

import psycopg
import pytest

from hippo.adapters.alembic_migrations import AlembicMigrator
from hippo.adapters.postgres_diagnostics import PostgresInspector, redacted
from tests.integration.postgres_fixtures import MIGRATIONS


def test_a_migrated_database_is_at_head(database_url):
    state = PostgresInspector(database_url, MIGRATIONS).inspect()
    head = AlembicMigrator(database_url, MIGRATIONS).head()
    assert head is not None
    assert state.current_revision == state.head_revision == head
    assert state.server_version.split(".")[0].isdigit()
    assert not state.pooled


def test_an_empty_database_has_no_revision(new_database):
    state = PostgresInspector(new_database("doctor_empty"), MIGRATIONS).inspect()
    assert state.current_revision is None
    assert state.head_revision is not None


def test_an_unreachable_server_fails_fast_with_the_drivers_reason():
    started = time.monotonic()
    with pytest.raises(psycopg.OperationalError, match=r"127\.0\.0\.1"):
        PostgresInspector(
            "postgresql://hippo:secret@127.0.0.1:9/hippo", MIGRATIONS, connect_timeout=3
        ).inspect()
    assert time.monotonic() - started < 10


def test_passwords_are_hidden_in_the_location():
    assert redacted("postgresql://alex:AbC@ep-x-pooler.neon.tech/db?sslmode=require") == (
        "postgresql://alex:***@ep-x-pooler.neon.tech/db?sslmode=require"
    )
    assert (
        redacted("postgresql://postgres:@/hippo?host=/tmp/x")
        == "postgresql://postgres:***@/hippo?host=/tmp/x"
    )

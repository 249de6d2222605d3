"""Integration fixtures: a real PostgreSQL for the session (see postgres_fixtures)."""

from tests.integration.postgres_fixtures import *  # noqa: F403

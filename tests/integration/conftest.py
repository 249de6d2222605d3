"""Integration fixtures: a real PostgreSQL for the session (see postgres_fixtures), the loopback Hub."""

from tests.integration.api_server import *  # noqa: F403
from tests.integration.hub_fixtures import *  # noqa: F403
from tests.integration.postgres_fixtures import *  # noqa: F403

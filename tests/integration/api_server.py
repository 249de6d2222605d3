"""A real `hippo serve` process on 127.0.0.1 over the session's PostgreSQL, for the API tests.

The server runs exactly as in production (granian, one worker, the app factory, the shipped default
model) with its own migrated database; `api` empties the dictionary tables before each test and hands
out an `httpx.Client` bound to the server.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import pytest

from hippo.adapters.alembic_migrations import AlembicMigrator
from hippo.adapters.postgres import asyncpg_dsn
from hippo.adapters.postgres_schema import TABLES
from tests.integration.postgres_fixtures import MIGRATIONS

TOKEN = "integration-admin-token-5f1c9a"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ORIGIN = "https://app.example.org"
ROOT = Path(__file__).resolve().parents[2]
_CONFIG_VARIABLES = (
    "DATABASE_URL",
    "HF_MODEL_REPO",
    "DEFAULT_MODEL",
    "ALLOWED_ORIGINS",
    "HIPPO_ENV",
    "HIPPO_ADMIN_TOKEN",
    "RAILWAY_ENVIRONMENT",
    "PORT",
    "HOST",
)

__all__ = ["AUTH", "ORIGIN", "TOKEN", "LiveServer", "api", "api_server", "free_port", "start_server"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    base_url: str
    database_url: str
    log: Path
    process: subprocess.Popen[bytes]

    def logs(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(
    env: dict[str, str],
    log: Path,
    *,
    ready: Callable[[httpx.Response], bool] | None = None,
    options: Sequence[str] = (),
) -> LiveServer:
    """Start `hippo serve [options]` with `env` added to a clean environment; wait until `ready(/healthz)`."""
    port = free_port()
    full = {k: v for k, v in os.environ.items() if k not in _CONFIG_VARIABLES}
    full.update({"LOG_LEVEL": "WARNING", **env})
    command = [sys.executable, "-m", "hippo", "serve", "--host", "127.0.0.1", "--port", str(port), *options]
    with log.open("ab") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=full, stdout=out, stderr=subprocess.STDOUT)
    server = LiveServer(f"http://127.0.0.1:{port}", env.get("DATABASE_URL", ""), log, process)
    check = ready or (lambda r: r.json()["status"] == "healthy")
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"hippo serve exited with {process.returncode}:\n{server.logs()}")
        try:
            response = httpx.get(f"{server.base_url}/healthz", timeout=2.0)
            if response.status_code == 200 and check(response):
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    server.stop()
    raise AssertionError(f"hippo serve did not become ready:\n{server.logs()}")


@pytest.fixture(scope="session")
def api_server(
    new_database: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The server over its own migrated database, with an admin token and one allowed origin."""
    url = new_database("api")
    AlembicMigrator(url, MIGRATIONS).upgrade()
    home = tmp_path_factory.mktemp("api-server")
    env = {
        "DATABASE_URL": url,
        "HIPPO_ADMIN_TOKEN": TOKEN,
        "ALLOWED_ORIGINS": ORIGIN,
        "HIPPO_DATA_DIR": str(home / "data"),
        "HIPPO_MODEL_DIR": str(home / "models"),
    }
    server = start_server(env, home / "server.log")
    yield server
    server.stop()


@pytest.fixture
def api(api_server: LiveServer) -> Iterator[httpx.Client]:
    """A client of the live server, over empty dictionary tables."""
    with psycopg.connect(asyncpg_dsn(api_server.database_url), autocommit=True) as con:
        con.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
    with httpx.Client(base_url=api_server.base_url, timeout=30.0) as client:
        yield client

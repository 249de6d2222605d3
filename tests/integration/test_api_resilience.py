"""The database goes away and comes back under a running server: inference never notices, the
dictionary answers 503 meanwhile and recovers by itself; health says `degraded`, never fails."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import httpx
import pytest

from hippo.adapters.alembic_migrations import AlembicMigrator
from hippo.adapters.embedded_postgres import EmbeddedPostgres
from tests.integration.api_server import AUTH, TOKEN, free_port, start_server
from tests.integration.postgres_fixtures import MIGRATIONS


def wait_for(check, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.1)


@pytest.fixture
def own_database():
    # Outside pytest's 0700 basetemp: the server drops root and must traverse the path.
    parent = Path(tempfile.mkdtemp(prefix="hippo-api-pg-"))
    database = EmbeddedPostgres(parent / "pgdata", database="resilience")
    try:
        yield database
    finally:
        database.stop()
        shutil.rmtree(parent, ignore_errors=True)


def test_outages_of_the_database_never_stop_inference_and_heal_by_themselves(own_database, tmp_path):
    url = own_database.start()
    AlembicMigrator(url, MIGRATIONS).upgrade()
    own_database.stop()
    env = {"DATABASE_URL": url, "HIPPO_ADMIN_TOKEN": TOKEN, "HIPPO_DATA_DIR": str(tmp_path / "data")}
    # The server starts while its database is down: it serves inference at once.
    server = start_server(env, tmp_path / "server.log", ready=lambda r: r.json()["network_loaded"])
    try:
        with httpx.Client(base_url=server.base_url, timeout=60.0) as api:
            pixels = {"pixels": [0.0] * 784}
            assert api.get("/healthz").json()["status"] == "degraded"
            assert api.post("/v1/predict", json=pixels).status_code == 200
            wait_for(lambda: api.get("/v1/dictionary/tags").status_code == 503)

            # The database comes up: the dictionary follows without a restart.
            own_database.start()
            wait_for(lambda: api.get("/v1/dictionary/tags").status_code == 200, timeout=60)
            word = {"word_text": "still", "language_code": "en"}
            assert api.post("/v1/dictionary/words", json=word, headers=AUTH).status_code == 201
            wait_for(lambda: api.get("/healthz").json()["status"] == "healthy")

            # It goes away under the running server: 503 with a clear message, health degraded.
            own_database.stop()
            wait_for(lambda: api.get("/healthz").json()["database_connected"] is False)
            health = api.get("/healthz")
            assert (health.status_code, health.json()["status"]) == (200, "degraded")
            down = api.get("/v1/dictionary/words/en/still")
            assert down.status_code == 503, down.text
            assert "database" in down.json()["detail"]
            assert api.post("/v1/predict", json=pixels).status_code == 200

            # And back again.
            own_database.start()
            wait_for(lambda: api.get("/v1/dictionary/words/en/still").status_code == 200)
            wait_for(lambda: api.get("/healthz").json()["status"] == "healthy")
        assert "unhandled error" not in server.logs()  # no 500 (asyncpg itself logs its reconnects)
    finally:
        server.stop()


@pytest.mark.parametrize("interface", ["rsgi", "asgi"])
def test_stopping_while_the_database_is_unreachable_is_clean_and_quiet(interface, tmp_path):
    # Nothing listens on a port just released: every connection attempt is refused, and the pool's
    # opening is still retrying (with backoff) when the server is told to stop.
    url = f"postgresql://hippo:hippo@127.0.0.1:{free_port()}/hippo"
    env = {"DATABASE_URL": url, "HIPPO_ADMIN_TOKEN": TOKEN, "HIPPO_DATA_DIR": str(tmp_path / "data")}
    server = start_server(
        env,
        tmp_path / "server.log",
        ready=lambda r: r.json()["network_loaded"],
        options=["--interface", interface],
    )
    try:
        wait_for(lambda: "not reachable" in server.logs())  # the opening is retrying
        assert httpx.get(f"{server.base_url}/healthz").json()["status"] == "degraded"
    finally:
        server.stop()
    assert server.process.returncode == 0
    logs = server.logs()
    assert "Traceback" not in logs, logs
    assert "InvalidStateError" not in logs, logs
    assert "ERROR" not in logs, logs

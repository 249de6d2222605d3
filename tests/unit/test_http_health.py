"""`GET /healthz` and the dictionary while the database is down: inference keeps working, 503, recovery."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from tests.fakes import InMemoryVocabularyRepository
from tests.http_support import make_app


class SwitchableDatabase:
    """Opens the in-memory repository only while `up` is true (an unreachable database otherwise)."""

    def __init__(self) -> None:
        self.up = False
        self.repository = InMemoryVocabularyRepository()
        self.attempts = 0

    def __call__(self) -> InMemoryVocabularyRepository:
        self.attempts += 1
        if not self.up:
            raise ConnectionRefusedError("connection refused (test)")
        return self.repository


async def test_healthy_when_the_model_is_loaded_and_the_database_answers(models):
    async with AsyncTestClient(make_app(models=models, vocabulary=InMemoryVocabularyRepository())) as client:
        response = await client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "status": "healthy",
        "network_loaded": True,
        "database_connected": True,
        "model": models.default_name,
    }


async def test_database_down_degrades_health_answers_503_and_recovers_by_itself(models):
    database = SwitchableDatabase()
    app = make_app(models=models, vocabulary=database, database_retry_seconds=0.0)
    async with AsyncTestClient(app) as client:
        health = (await client.get("/healthz")).json()
        assert (health["status"], health["network_loaded"], health["database_connected"]) == (
            "degraded",
            True,
            False,
        )
        words = await client.get("/v1/dictionary/words")
        assert words.status_code == 503
        assert "database is unavailable" in words.json()["detail"]
        assert "refused" not in words.text
        assert words.headers["retry-after"]
        assert (await client.post("/v1/predict", json={"pixels": [0.0] * 784})).status_code == 200

        database.up = True
        assert (await client.get("/v1/dictionary/words")).status_code == 200
        assert (await client.get("/healthz")).json()["status"] == "healthy"


async def test_failed_attempts_are_spaced_out(models):
    database = SwitchableDatabase()
    app = make_app(models=models, vocabulary=database, database_retry_seconds=60.0)
    async with AsyncTestClient(app) as client:
        for _ in range(5):
            assert (await client.get("/v1/dictionary/tags")).status_code == 503
            await client.get("/healthz")
    assert database.attempts == 1

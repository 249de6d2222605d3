"""Bearer token on dictionary writes, production refusal, CORS only for the listed origins."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient

from hippo.entrypoints.http.app import create_app
from hippo.entrypoints.http.security import StartupRefusedError
from tests.fakes import InMemoryVocabularyRepository
from tests.http_support import AUTH, TOKEN, make_app, make_container

WORD = {"word_text": "pear", "language_code": "en"}


@pytest.fixture
async def client(models):
    app = make_app(models=models, vocabulary=InMemoryVocabularyRepository(), env={"HIPPO_ADMIN_TOKEN": TOKEN})
    async with AsyncTestClient(app) as client:
        yield client


async def test_writes_without_a_token_are_401_with_a_bearer_challenge(client):
    response = await client.post("/v1/dictionary/words", json=WORD)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "Authorization" in response.json()["detail"]


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer ", TOKEN])
async def test_a_malformed_authorization_header_is_401(client, header):
    response = await client.post("/v1/dictionary/words", json=WORD, headers={"Authorization": header})
    assert response.status_code == 401


@pytest.mark.parametrize("token", ["wrong", TOKEN[:-1], TOKEN + "x", TOKEN.upper()])
async def test_a_wrong_token_is_403(client, token):
    response = await client.post(
        "/v1/dictionary/words", json=WORD, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 403


async def test_every_kind_of_write_is_guarded_and_reads_stay_anonymous(client):
    created = await client.post("/v1/dictionary/words", json=WORD, headers=AUTH)
    assert created.status_code == 201
    word_id = created.json()["id"]
    assert (await client.patch(f"/v1/dictionary/words/{word_id}", json={})).status_code == 401
    assert (await client.delete(f"/v1/dictionary/words/{word_id}")).status_code == 401
    assert (await client.post("/v1/dictionary/tags", json={"name": "t"})).status_code == 401
    assert (await client.get(f"/v1/dictionary/words/{word_id}")).status_code == 200
    assert (await client.get("/v1/dictionary/words/en/pear")).status_code == 200
    assert (await client.post("/v1/predict", json={"pixels": [0.0] * 784})).status_code == 200
    assert (await client.get("/healthz")).status_code == 200
    assert (await client.delete(f"/v1/dictionary/words/{word_id}", headers=AUTH)).status_code == 204


async def test_without_a_token_in_development_writes_are_open(models):
    app = make_app(models=models, vocabulary=InMemoryVocabularyRepository())
    async with AsyncTestClient(app) as client:
        assert (await client.post("/v1/dictionary/words", json=WORD)).status_code == 201


@pytest.mark.parametrize("env", [{"HIPPO_ENV": "production"}, {"RAILWAY_ENVIRONMENT": "production"}])
def test_production_without_a_token_refuses_to_start_saying_why(models, env):
    container = make_container(models=models, vocabulary=InMemoryVocabularyRepository(), env=env)
    with pytest.raises(StartupRefusedError, match="HIPPO_ADMIN_TOKEN"):
        create_app(container)


async def test_cors_answers_only_the_listed_origins_and_never_with_credentials(models):
    env = {"ALLOWED_ORIGINS": "https://app.example.org, https://other.example.org"}
    app = make_app(models=models, vocabulary=InMemoryVocabularyRepository(), env=env)
    async with AsyncTestClient(app) as client:
        preflight = {
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        }
        allowed = await client.options(
            "/v1/predict", headers={"Origin": "https://app.example.org", **preflight}
        )
        assert allowed.status_code in (200, 204)
        assert allowed.headers["access-control-allow-origin"] == "https://app.example.org"
        assert "access-control-allow-credentials" not in allowed.headers
        evil = await client.options(
            "/v1/predict", headers={"Origin": "https://evil.example.com", **preflight}
        )
        assert evil.headers.get("access-control-allow-origin") is None
        simple = await client.get("/healthz", headers={"Origin": "https://evil.example.com"})
        assert simple.headers.get("access-control-allow-origin") is None


async def test_without_allowed_origins_there_is_no_cors_at_all(models):
    app = make_app(models=models, vocabulary=InMemoryVocabularyRepository())
    async with AsyncTestClient(app) as client:
        response = await client.get("/healthz", headers={"Origin": "https://app.example.org"})
        assert "access-control-allow-origin" not in response.headers

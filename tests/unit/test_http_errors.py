"""One JSON error shape for everything; 500s are generic and carry a request id found in the log."""

from __future__ import annotations

import logging

import pytest
from litestar.testing import AsyncTestClient

from hippo.entrypoints.http.app import MAX_BODY_BYTES
from tests.fakes import InMemoryVocabularyRepository
from tests.http_support import make_app


class ExplodingRepository(InMemoryVocabularyRepository):
    """A repository with a bug: listing tags fails with internals in the message."""

    async def list_tags(self, **_: object):
        raise RuntimeError("secret: password=hunter2 at /srv/db.py line 42")


@pytest.fixture
async def client(models):
    async with AsyncTestClient(make_app(models=models, vocabulary=ExplodingRepository())) as client:
        yield client


def assert_error_shape(response, status):
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["status_code"] == status
    assert isinstance(body["detail"], str)
    assert body["detail"]
    return body


async def test_unknown_path_is_a_json_404(client):
    assert_error_shape(await client.get("/v1/nothing-here"), 404)


async def test_wrong_method_is_a_json_405(client):
    assert_error_shape(await client.get("/v1/predict"), 405)


async def test_a_body_above_the_limit_is_a_json_413(client):
    response = await client.post("/v1/predict", content=b"[" + b"0," * (MAX_BODY_BYTES // 2) + b"0]")
    assert_error_shape(response, 413)


async def test_an_unexpected_error_is_a_generic_500_whose_request_id_is_in_the_log(client, caplog):
    with caplog.at_level(logging.ERROR, logger="hippo.http"):
        response = await client.get("/v1/dictionary/tags")
    body = assert_error_shape(response, 500)
    assert "hunter2" not in response.text
    assert "RuntimeError" not in response.text
    assert body["request_id"] == response.headers["x-request-id"]
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert body["request_id"] in logged
    assert any(r.exc_info and "hunter2" in str(r.exc_info[1]) for r in caplog.records)


async def test_a_given_request_id_is_reused(client):
    response = await client.get("/v1/dictionary/tags", headers={"X-Request-ID": "abc-123"})
    assert response.json()["request_id"] == "abc-123"


async def test_validation_errors_name_the_field_and_never_echo_the_input(client):
    response = await client.post("/v1/predict", json={"pixels": [0.5] * 783 + [7.25]})
    body = assert_error_shape(response, 422)
    assert body["errors"] == [{"message": "Expected `float` <= 1.0", "key": "pixels[783]", "source": "body"}]
    assert "0.5" not in response.text
    assert "7.25" not in response.text


@pytest.mark.parametrize(
    "content",
    [b"", b"not json", b'{"pixels": [NaN]}', b'{"pixels": [Infinity]}', b"[]", b'"pixels"', b"{"],
)
async def test_malformed_bodies_are_422(client, content):
    assert_error_shape(await client.post("/v1/predict", content=content), 422)

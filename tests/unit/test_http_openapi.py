"""The OpenAPI 3.1 description at `/docs`: every operation documented, request bodies strict and exact."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient

from tests.fakes import InMemoryVocabularyRepository
from tests.http_support import make_app


@pytest.fixture
async def schema(models):
    async with AsyncTestClient(make_app(models=models, vocabulary=InMemoryVocabularyRepository())) as client:
        assert (await client.get("/docs")).status_code == 200
        response = await client.get("/docs/openapi.json")
        assert response.status_code == 200
        yield response.json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "patch", "delete", "put"}:
                yield path, method, operation


def test_every_operation_has_a_unique_id_a_summary_and_a_tag(schema):
    assert schema["openapi"].startswith("3.1")
    seen = [op["operationId"] for _, _, op in operations(schema)]
    assert len(seen) == len(set(seen)) >= 25
    for path, method, operation in operations(schema):
        assert operation.get("summary"), (method, path)
        assert operation.get("tags"), (method, path)


def test_every_body_taking_operation_documents_its_body_with_an_example(schema):
    for path, method, operation in operations(schema):
        if method in {"post", "patch"}:
            content = operation["requestBody"]["content"]["application/json"]
            assert content["schema"], (method, path)
            assert content["examples"], (method, path)


def test_the_pixel_bounds_and_strictness_are_in_the_schema(schema):
    body = schema["components"]["schemas"]["PredictRequest"]
    pixels = body["properties"]["pixels"]
    assert (pixels["minItems"], pixels["maxItems"]) == (784, 784)
    assert (pixels["items"]["minimum"], pixels["items"]["maximum"]) == (0.0, 1.0)
    assert body["additionalProperties"] is False
    assert body["required"] == ["pixels"]


def test_writes_declare_the_bearer_token_and_reads_do_not(schema):
    assert schema["components"]["securitySchemes"]["AdminToken"]["scheme"] == "bearer"
    for path, method, operation in operations(schema):
        if path.startswith("/v1/dictionary"):
            assert bool(operation.get("security")) == (method != "get"), (method, path)

"""Path segments of the dictionary routes: non-integer ids are 422, and no route shadows a word's text."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient

from tests.fakes import InMemoryVocabularyRepository
from tests.http_support import AUTH, TOKEN, make_app

DEFINITION = {"definition_text": "A meaning.", "part_of_speech": "noun"}


@pytest.fixture
async def client(models):
    app = make_app(models=models, vocabulary=InMemoryVocabularyRepository(), env={"HIPPO_ADMIN_TOKEN": TOKEN})
    async with AsyncTestClient(app) as client:
        yield client


@pytest.mark.parametrize(
    ("method", "path", "key"),
    [
        ("GET", "/words/abc", "word_id"),
        ("GET", "/words/1.5", "word_id"),
        ("PATCH", "/words/abc", "word_id"),
        ("DELETE", "/words/abc", "word_id"),
        ("POST", "/words/abc/definitions", "word_id"),
        ("GET", "/definitions/x", "definition_id"),
        ("PATCH", "/definitions/x", "definition_id"),
        ("DELETE", "/definitions/x", "definition_id"),
        ("POST", "/definitions/x/examples", "definition_id"),
        ("GET", "/examples/x", "example_id"),
        ("PATCH", "/examples/x", "example_id"),
        ("DELETE", "/examples/x", "example_id"),
        ("GET", "/tags/x", "tag_id"),
        ("PATCH", "/tags/x", "tag_id"),
        ("DELETE", "/tags/x", "tag_id"),
        ("DELETE", "/relations/a/2/synonym", "word_id_1"),
        ("DELETE", "/relations/1/b/synonym", "word_id_2"),
    ],
)
async def test_a_non_integer_id_is_422_naming_the_parameter(client, method, path, key):
    body = {"example_text": "x"} if path.endswith("examples") else DEFINITION
    response = await client.request(
        method, f"/v1/dictionary{path}", headers=AUTH, json=body if method in ("POST", "PATCH") else None
    )
    assert response.status_code == 422, response.text
    answer = response.json()
    assert answer["errors"][0]["key"] == key
    assert answer["errors"][0]["source"] == "path"
    assert key in answer["detail"]


async def test_ids_out_of_range_are_simply_not_found(client):
    for path in ("/words/99999999999", "/words/-1", "/definitions/0", "/tags/99999999999"):
        assert (await client.get(f"/v1/dictionary{path}")).status_code == 404


async def test_the_word_definitions_is_found_by_its_text_like_any_other(client):
    await client.post(
        "/v1/dictionary/words", json={"word_text": "definitions", "language_code": "en"}, headers=AUTH
    )
    found = await client.get("/v1/dictionary/words/en/definitions")
    assert found.status_code == 200
    assert found.json()["word_text"] == "definitions"
    assert "definitions" in found.json()  # the full word by default, as for any text
    short = await client.get("/v1/dictionary/words/en/definitions", params={"include_all": "false"})
    assert "definitions" not in short.json()
    assert (await client.get("/v1/dictionary/words/fr/definitions")).status_code == 404

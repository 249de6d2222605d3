"""`/v1/dictionary`: the contract's routes and shapes, and the §8-§9 fixes, over the in-memory repository."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from litestar.testing import AsyncTestClient

from tests.fakes import InMemoryVocabularyRepository
from tests.http_support import make_app

D = "/v1/dictionary"


@pytest.fixture
async def client(models):
    app = make_app(models=models, vocabulary=InMemoryVocabularyRepository())
    async with AsyncTestClient(app) as client:
        yield client


async def create(client, body, status=201):
    response = await client.post(f"{D}/words", json=body)
    assert response.status_code == status, response.text
    return response.json()


APPLE = {
    "word_text": "apple",
    "language_code": "en",
    "definitions": [
        {
            "definition_text": "A round fruit.",
            "part_of_speech": "noun",
            "examples": [{"example_text": "An apple a day.", "source": "proverb"}],
        },
        {"definition_text": "A tech company.", "part_of_speech": "noun"},
    ],
    "tags": ["fruit", "food", "fruit"],
    "word_forms": [{"form_text": "apples", "form_type": "plural"}],
}


async def test_creating_a_plain_word_answers_201_with_the_word(client):
    word = await create(client, {"word_text": "pear", "language_code": "en"})
    assert {"id", "word_text", "language_code", "created_at", "updated_at"} <= word.keys()
    assert word["word_text"] == "pear"
    assert word["created_at"].endswith("Z")


async def test_nested_create_orders_definitions_and_dedupes_tags(client):
    word = await create(client, APPLE)
    assert [d["order"] for d in word["definitions"]] == [0, 1]
    assert word["definitions"][0]["examples"][0]["source"] == "proverb"
    assert sorted(t["name"] for t in word["tags"]) == ["food", "fruit"]
    assert word["word_forms"][0]["form_text"] == "apples"


async def test_duplicate_word_is_409_and_a_bulk_with_one_is_atomic(client):
    await create(client, {"word_text": "pear", "language_code": "en"})
    duplicate = await create(client, {"word_text": "pear", "language_code": "en"}, status=409)
    assert "already exists" in duplicate["detail"]
    body = [{"word_text": "plum", "language_code": "en"}, {"word_text": "pear", "language_code": "en"}]
    await create(client, body, status=409)
    listing = (await client.get(f"{D}/words")).json()
    assert [w["word_text"] for w in listing["data"]] == ["pear"]


async def test_bulk_create_returns_the_words_in_input_order(client):
    body = [{"word_text": t, "language_code": "en"} for t in ("b", "a", "c")]
    created = await create(client, body)
    assert [w["word_text"] for w in created] == ["b", "a", "c"]
    await create(client, [], status=422)


async def test_list_envelope_pagination_and_prefix_search_through_forms(client):
    await create(client, APPLE)
    for text in ("apricot", "banana", "Apex", "100%", "1_0"):
        await create(client, {"word_text": text, "language_code": "en"})
    page = (await client.get(f"{D}/words", params={"page_size": 2, "page": 2})).json()
    assert (page["total"], page["page"], page["page_size"], page["total_pages"], page["has_more"]) == (
        6,
        2,
        2,
        3,
        True,
    )
    assert len(page["data"]) == 2
    found = (await client.get(f"{D}/words", params={"search": "AP"})).json()
    assert [w["word_text"] for w in found["data"]] == ["Apex", "apple", "apricot"]
    through_form = (await client.get(f"{D}/words", params={"search": "apples"})).json()
    assert [w["word_text"] for w in through_form["data"]] == ["apple"]
    literal = (await client.get(f"{D}/words", params={"search": "1_"})).json()
    assert [w["word_text"] for w in literal["data"]] == ["1_0"]
    assert (await client.get(f"{D}/words", params={"search": "%"})).json()["total"] == 0
    past_end = (await client.get(f"{D}/words", params={"page": 99})).json()
    assert (past_end["data"], past_end["has_more"]) == ([], False)
    full = (await client.get(f"{D}/words", params={"include_definitions": "true", "search": "apple"})).json()
    assert full["data"][0]["definitions"]


@pytest.mark.parametrize("params", [{"page": 0}, {"page_size": 0}, {"page_size": 1001}, {"page": "x"}])
async def test_bad_pagination_is_422(client, params):
    response = await client.get(f"{D}/words", params=params)
    assert response.status_code == 422
    assert response.json()["errors"][0]["source"] == "query"


async def test_get_by_id_honours_include_flags_and_by_text_defaults_to_full(client):
    word = await create(client, APPLE)
    plain = (await client.get(f"{D}/words/{word['id']}")).json()
    assert "definitions" not in plain
    with_tags = (await client.get(f"{D}/words/{word['id']}", params={"include_tags": "true"})).json()
    assert {t["name"] for t in with_tags["tags"]} == {"food", "fruit"}
    by_text = (await client.get(f"{D}/words/en/apple")).json()
    assert len(by_text["definitions"]) == 2
    short = (await client.get(f"{D}/words/EN/apple", params={"include_all": "false"})).json()
    assert "definitions" not in short
    missing = await client.get(f"{D}/words/en/Apple")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "Word 'Apple' not found for language 'en'"


async def test_a_text_with_a_slash_is_found_with_the_query_lookup(client):
    await create(client, {"word_text": "and/or", "language_code": "en"})
    found = await client.get(f"{D}/words/lookup", params={"language": "en", "text": "and/or"})
    assert found.status_code == 200
    assert found.json()["word_text"] == "and/or"


@pytest.mark.parametrize("word_id", [0, -1, 2**31, 10**20])
async def test_ids_out_of_range_are_simply_not_found(client, word_id):
    response = await client.get(f"{D}/words/{word_id}")
    assert response.status_code == 404
    assert response.json()["detail"] == f"Word {word_id} not found"


async def test_patch_is_partial_and_applies_tag_ids_and_word_forms(client):
    word = await create(client, APPLE)
    tag = (await client.post(f"{D}/tags", json={"name": "red"})).json()
    patched = await client.patch(
        f"{D}/words/{word['id']}", json={"tag_ids": [tag["id"]], "word_forms": [{"form_text": "apple's"}]}
    )
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert [t["name"] for t in body["tags"]] == ["red"]
    assert [f["form_text"] for f in body["word_forms"]] == ["apple's"]
    assert body["word_text"] == "apple"
    assert body["updated_at"] > word["updated_at"]
    first = body["definitions"][0]
    edited = await client.patch(
        f"{D}/words/{word['id']}",
        json={"definitions": [{"id": first["id"], "definition_text": "A pome.", "part_of_speech": "noun"}]},
    )
    kept = edited.json()["definitions"][0]
    assert (kept["definition_text"], kept["order"], len(kept["examples"])) == ("A pome.", 0, 1)
    assert (await client.patch(f"{D}/words/{word['id']}", json={"tag_ids": [999]})).status_code == 404


async def test_patch_onto_an_existing_word_is_409(client):
    await create(client, {"word_text": "pear", "language_code": "en"})
    plum = await create(client, {"word_text": "plum", "language_code": "en"})
    response = await client.patch(f"{D}/words/{plum['id']}", json={"word_text": "pear"})
    assert response.status_code == 409


@pytest.mark.parametrize(
    "body",
    [
        {"word_text": "x", "language_code": "en", "tag_ids": [1]},
        {"word_text": 123, "language_code": "en"},
        {"word_text": "   ", "language_code": "en"},
        {"word_text": "x", "language_code": "e"},
        {"word_text": "x" * 256, "language_code": "en"},
        {
            "word_text": "x",
            "language_code": "en",
            "definitions": [{"definition_text": "d", "part_of_speech": "NOUN"}],
        },
        {
            "word_text": "x",
            "language_code": "en",
            "definitions": [{"definition_text": "d", "part_of_speech": None}],
        },
        {"word_text": "x", "language_code": "en", "tags": ["t"] * 101},
    ],
)
async def test_invalid_word_bodies_are_422_naming_the_problem_without_echoing_it(client, body):
    response = await client.post(f"{D}/words", json=body)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail
    assert "x" * 50 not in response.text


async def test_delete_answers_204_with_an_empty_body_and_cascades(client):
    apple = await create(client, APPLE)
    pear = await create(client, {"word_text": "pear", "language_code": "en"})
    relation = {"word_id_1": pear["id"], "word_id_2": apple["id"], "relation_type": "related"}
    assert (await client.post(f"{D}/relations", json=relation)).status_code == 201
    deleted = await client.delete(f"{D}/words/{apple['id']}")
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert (await client.delete(f"{D}/words/{apple['id']}")).status_code == 404
    definition_id = apple["definitions"][0]["id"]
    assert (await client.get(f"{D}/definitions/{definition_id}")).status_code == 404
    assert (await client.get(f"{D}/relations", params={"word_id": pear["id"]})).json()["total"] == 0
    assert (await client.get(f"{D}/tags")).json()["total"] == 2


async def test_definitions_append_order_reject_collisions_and_patch_partially(client):
    word = await create(client, APPLE)
    added = await client.post(
        f"{D}/words/{word['id']}/definitions", json={"definition_text": "x", "part_of_speech": "verb"}
    )
    assert (added.status_code, added.json()["order"]) == (201, 2)
    clash = await client.post(
        f"{D}/words/{word['id']}/definitions",
        json={"definition_text": "y", "part_of_speech": "verb", "order": 0},
    )
    assert clash.status_code == 409
    definition = word["definitions"][0]
    patched = (
        await client.patch(f"{D}/definitions/{definition['id']}", json={"definition_text": "Fruit."})
    ).json()
    assert (patched["order"], patched["part_of_speech"], len(patched["examples"])) == (0, "noun", 1)
    cleared = (await client.patch(f"{D}/definitions/{definition['id']}", json={"examples": []})).json()
    assert cleared["examples"] == []
    assert (
        await client.post(
            f"{D}/words/999/definitions", json={"definition_text": "z", "part_of_speech": "noun"}
        )
    ).status_code == 404


async def test_examples_are_partial_and_null_clears_the_source(client):
    word = await create(client, APPLE)
    definition_id = word["definitions"][1]["id"]
    example = (
        await client.post(f"{D}/definitions/{definition_id}/examples", json={"example_text": "Shares rose."})
    ).json()
    assert example["source"] is None
    with_source = (await client.patch(f"{D}/examples/{example['id']}", json={"source": "news"})).json()
    assert (with_source["example_text"], with_source["source"]) == ("Shares rose.", "news")
    cleared = (await client.patch(f"{D}/examples/{example['id']}", json={"source": None})).json()
    assert cleared["source"] is None
    assert (await client.delete(f"{D}/examples/{example['id']}")).status_code == 204
    assert (await client.get(f"{D}/examples/{example['id']}")).status_code == 404


async def test_tags_conflict_with_409_and_descriptions_can_be_cleared(client):
    tag = (await client.post(f"{D}/tags", json={"name": "fruit", "description": "Edible"})).json()
    assert (await client.post(f"{D}/tags", json={"name": "fruit"})).status_code == 409
    other = (await client.post(f"{D}/tags", json={"name": "veg"})).json()
    assert (await client.patch(f"{D}/tags/{other['id']}", json={"name": "fruit"})).status_code == 409
    cleared = (await client.patch(f"{D}/tags/{tag['id']}", json={"description": None})).json()
    assert (cleared["name"], cleared["description"]) == ("fruit", None)
    listing = (await client.get(f"{D}/tags", params={"search": "F"})).json()
    assert [t["name"] for t in listing["data"]] == ["fruit"]
    assert (await client.delete(f"{D}/tags/{tag['id']}")).status_code == 204


async def test_relations_are_directional_listed_from_either_side_and_keyed_by_the_triple(client):
    a = await create(client, {"word_text": "big", "language_code": "en"})
    b = await create(client, {"word_text": "large", "language_code": "en"})
    body = {"word_id_1": a["id"], "word_id_2": b["id"], "relation_type": "synonym"}
    assert (await client.post(f"{D}/relations", json=body)).status_code == 201
    assert (await client.post(f"{D}/relations", json=body)).status_code == 409
    assert (await client.post(f"{D}/relations", json={**body, "relation_type": "related"})).status_code == 201
    self_relation = await client.post(f"{D}/relations", json={**body, "word_id_2": a["id"]})
    assert self_relation.status_code == 422
    missing = await client.post(f"{D}/relations", json={**body, "word_id_2": 999})
    assert (missing.status_code, missing.json()["detail"]) == (404, "Word 999 not found")
    from_b = (await client.get(f"{D}/relations", params={"word_id": b["id"]})).json()
    assert [r["relation_type"] for r in from_b["data"]] == ["related", "synonym"]
    assert (await client.get(f"{D}/relations", params={"word_id": 0})).json()["total"] == 0
    assert (await client.get(f"{D}/relations", params={"relation_type": "SYNONYM"})).status_code == 422
    reversed_ = await client.delete(f"{D}/relations/{b['id']}/{a['id']}/synonym")
    assert reversed_.status_code == 404
    assert (await client.delete(f"{D}/relations/{a['id']}/{b['id']}/synonym")).status_code == 204
    assert (await client.delete(f"{D}/relations/{a['id']}/{b['id']}/nonsense")).status_code == 422


async def test_numbers_sent_as_strings_and_unknown_fields_are_rejected(client):
    word = await create(client, {"word_text": "pear", "language_code": "en"})
    response = await client.post(
        f"{D}/words/{word['id']}/definitions",
        json={"definition_text": "d", "part_of_speech": "noun", "order": "1"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["key"] == "order"
    unknown = await client.patch(f"{D}/words/{word['id']}", json={"colour": "red"})
    assert unknown.status_code == 422
    assert "colour" in unknown.json()["detail"]


@pytest.mark.parametrize(
    ("language", "text"), [("he", "שלום"), ("en", "what?"), ("en", "ice cream"), ("fr", "50%")]
)
async def test_url_encoded_texts_are_found_by_the_path_lookup(client, language, text):
    await create(client, {"word_text": text, "language_code": language})
    response = await client.get(f"{D}/words/{language}/{quote(text, safe='')}")
    assert response.status_code == 200, response.text
    assert response.json()["word_text"] == text

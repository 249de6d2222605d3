"""The API over real HTTP: a `hippo serve` process, real PostgreSQL, the shipped model, real digits."""

from __future__ import annotations

import math

import numpy as np

from hippo.adapters.mnist_samples import PackagedMnistSamples
from tests.integration.api_server import AUTH

D = "/v1/dictionary"


def test_health_is_healthy_with_the_shipped_model_and_the_database(api):
    body = api.get("/healthz").json()
    assert body["status"] == "healthy"
    assert body["network_loaded"] is True
    assert body["database_connected"] is True
    assert body["model"]


def test_real_test_digits_are_recognised_with_and_without_mnist_framing(api):
    sample = PackagedMnistSamples().samples()
    right = framed_right = 0
    for image, label in zip(sample.images[:60], sample.labels[:60], strict=True):
        answer = api.post("/v1/predict", json={"pixels": image.tolist()}).json()
        assert math.isclose(sum(answer["probabilities"]), 1.0, abs_tol=1e-5)
        right += answer["predicted_digit"] == label
        framed = api.post("/v1/predict", json={"pixels": image.tolist(), "preprocess": "mnist"}).json()
        framed_right += framed["predicted_digit"] == label
    assert right >= 54  # the shipped model is ~97% accurate on the test set
    assert framed_right >= 51


def test_a_digit_drawn_small_in_a_corner_is_recognised_once_framed(api):
    sample = PackagedMnistSamples().samples()
    wins = 0
    for image, label in zip(sample.images[:30], sample.labels[:30], strict=True):
        digit = image.reshape(28, 28)
        rows, cols = np.flatnonzero(digit.any(axis=1)), np.flatnonzero(digit.any(axis=0))
        crop = digit[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
        small = crop[::2, ::2]  # half size, drawn in the top-left corner of the canvas
        canvas = np.zeros((28, 28), dtype=np.float32)
        canvas[1 : 1 + small.shape[0], 1 : 1 + small.shape[1]] = small
        answer = api.post("/v1/predict", json={"pixels": canvas.ravel().tolist(), "preprocess": "mnist"})
        wins += answer.json()["predicted_digit"] == label
    assert wins >= 21


def test_activations_batch_models_and_samples(api):
    image = PackagedMnistSamples().samples().images[0].tolist()
    layers = api.post("/v1/activations", json={"pixels": image}).json()
    assert layers["layer_sizes"][0] == 784
    assert layers["layer_sizes"][-1] == 10
    assert [len(a) for a in layers["activations"]] == layers["layer_sizes"]
    batch = api.post("/v1/predict/batch", json={"images": [image, image]}).json()
    assert len(batch["predictions"]) == 2
    models = api.get("/v1/models").json()
    assert models["default"] in {m["name"] for m in models["models"]}
    samples = api.get("/v1/mnist/samples", params={"count": 2}).json()["samples"]
    assert len(samples) == 2
    again = api.post("/v1/predict", json={"pixels": samples[0]["pixels"]})
    assert again.status_code == 200


def test_dictionary_flow_of_the_frontend(api):
    created = api.post(f"{D}/words", json={"word_text": "apple", "language_code": "en"}, headers=AUTH)
    assert created.status_code == 201
    word = created.json()
    definition = api.post(
        f"{D}/words/{word['id']}/definitions",
        json={"definition_text": "A fruit.", "part_of_speech": "noun", "order": 0},
        headers=AUTH,
    ).json()
    api.post(
        f"{D}/definitions/{definition['id']}/examples",
        json={"example_text": "Eat it.", "source": None},
        headers=AUTH,
    )
    tag = api.post(f"{D}/tags", json={"name": "fruit", "description": None}, headers=AUTH).json()
    pear = api.post(f"{D}/words", json={"word_text": "pear", "language_code": "en"}, headers=AUTH).json()
    relation = {"word_id_1": pear["id"], "word_id_2": word["id"], "relation_type": "related"}
    assert api.post(f"{D}/relations", json=relation, headers=AUTH).status_code == 201

    listing = api.get(f"{D}/words", params={"language": "en", "page_size": 50, "page": 1}).json()
    assert (listing["total"], listing["total_pages"], listing["has_more"]) == (2, 1, False)
    full = api.get(f"{D}/words/en/apple", params={"include_all": "true"}).json()
    assert full["definitions"][0]["examples"][0]["example_text"] == "Eat it."
    related = api.get(f"{D}/relations", params={"word_id": word["id"], "page_size": 1000}).json()
    assert related["data"] == [relation]

    # the frontend's definition edit (text + part of speech only) keeps order and examples
    edited = api.patch(
        f"{D}/definitions/{definition['id']}",
        json={"definition_text": "A round fruit.", "part_of_speech": "noun"},
        headers=AUTH,
    ).json()
    assert (edited["order"], len(edited["examples"])) == (0, 1)
    # the frontend's tag add via tag_ids is applied
    tagged = api.patch(f"{D}/words/{word['id']}", json={"tag_ids": [tag["id"]]}, headers=AUTH).json()
    assert [t["name"] for t in tagged["tags"]] == ["fruit"]
    assert tagged["updated_at"] > word["updated_at"]
    reread = api.get(f"{D}/words/{word['id']}", params={"include_tags": "true"}).json()
    assert reread["updated_at"] == tagged["updated_at"]

    deleted = api.delete(f"{D}/words/{word['id']}", headers=AUTH)
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert api.get(f"{D}/relations", params={"word_id": pear["id"]}).json()["total"] == 0
    assert api.get(f"{D}/tags").json()["total"] == 1


def test_conflicts_and_bad_input_never_500(api):
    word = api.post(f"{D}/words", json={"word_text": "big", "language_code": "en"}, headers=AUTH).json()
    other = api.post(f"{D}/words", json={"word_text": "large", "language_code": "en"}, headers=AUTH).json()
    assert (
        api.post(f"{D}/words", json={"word_text": "big", "language_code": "EN"}, headers=AUTH).status_code
        == 409
    )
    bulk = [{"word_text": "small", "language_code": "en"}, {"word_text": "big", "language_code": "en"}]
    assert api.post(f"{D}/words", json=bulk, headers=AUTH).status_code == 409
    assert api.get(f"{D}/words", params={"search": "small"}).json()["total"] == 0
    renamed = api.patch(f"{D}/words/{other['id']}", json={"word_text": "big"}, headers=AUTH)
    assert renamed.status_code == 409
    nested = {
        "word_text": "tiny",
        "language_code": "en",
        "definitions": [
            {"definition_text": "a", "part_of_speech": "adjective"},
            {"definition_text": "b", "part_of_speech": "adjective"},
        ],
        "tags": ["size", "size"],
        "word_forms": [{"form_text": "tinier"}, {"form_text": "tinier"}],
    }
    tiny = api.post(f"{D}/words", json=nested, headers=AUTH)
    assert tiny.status_code == 201
    assert [d["order"] for d in tiny.json()["definitions"]] == [0, 1]
    clash = api.post(
        f"{D}/words/{word['id']}/definitions",
        json={"definition_text": "x", "part_of_speech": "noun", "order": 0},
        headers=AUTH,
    )
    assert clash.status_code == 201
    again = api.post(
        f"{D}/words/{word['id']}/definitions",
        json={"definition_text": "y", "part_of_speech": "noun", "order": 0},
        headers=AUTH,
    )
    assert again.status_code == 409
    for path in (f"{D}/words/{2**31}", f"{D}/words/{10**30}", f"{D}/tags/0", f"{D}/definitions/{2**40}"):
        assert api.get(path).status_code == 404, path
    assert api.get(f"{D}/relations", params={"word_id": 2**40}).status_code in (200, 422)
    assert api.get(f"{D}/words", params={"page": 10**9}).status_code in (200, 422)
    self_relation = {"word_id_1": word["id"], "word_id_2": word["id"], "relation_type": "synonym"}
    assert api.post(f"{D}/relations", json=self_relation, headers=AUTH).status_code == 422
    blank = api.post(f"{D}/tags", json={"name": "   "}, headers=AUTH)
    assert blank.status_code == 422
    assert api.get(f"{D}/words", params={"search": "%"}).json()["total"] == 0

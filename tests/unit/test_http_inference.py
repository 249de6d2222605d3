"""`/v1/predict`, `/v1/predict/batch`, `/v1/activations`, `/v1/models`, `/v1/mnist/samples`."""

from __future__ import annotations

import math

import numpy as np
import pytest
from litestar.testing import AsyncTestClient

from hippo.adapters.mnist_samples import PackagedMnistSamples
from hippo.domain.preprocessing import mnist_preprocess
from hippo.services.model_service import ModelService
from tests.fakes import InMemoryVocabularyRepository
from tests.http_support import make_app

DIGIT = PackagedMnistSamples().samples().images[0].tolist()


@pytest.fixture
async def client(models):
    async with AsyncTestClient(make_app(models=models, vocabulary=InMemoryVocabularyRepository())) as client:
        yield client


@pytest.mark.parametrize("model", [None, "tiny-relu", "tiny-classic"])
async def test_predict_answers_a_softmax_distribution_for_every_kind_of_model(client, models, model):
    body = {"pixels": DIGIT} | ({"model": model} if model else {})
    response = await client.post("/v1/predict", json=body)
    assert response.status_code == 200
    answer = response.json()
    probabilities = answer["probabilities"]
    assert len(probabilities) == 10
    assert math.isclose(sum(probabilities), 1.0, abs_tol=1e-5)
    assert all(0.0 <= p <= 1.0 for p in probabilities)
    assert answer["predicted_digit"] == int(np.argmax(probabilities))
    assert answer["confidence"] == probabilities[answer["predicted_digit"]]
    network = models.get(model).network
    np.testing.assert_allclose(probabilities, network.probabilities(np.asarray(DIGIT, np.float32)), rtol=1e-6)
    assert answer["model"] == (model or "tiny-relu")


async def test_the_same_input_always_gives_the_same_answer(client):
    first = (await client.post("/v1/predict", json={"pixels": DIGIT})).json()
    again = (await client.post("/v1/predict", json={"pixels": DIGIT})).json()
    assert first == again


async def test_preprocess_mnist_runs_the_framed_digit(client, models):
    drawn = np.zeros((28, 28))
    drawn[2:10, 3:6] = 1.0
    answer = (
        await client.post("/v1/predict", json={"pixels": drawn.ravel().tolist(), "preprocess": "mnist"})
    ).json()
    expected = models.default().network.probabilities(mnist_preprocess(drawn))
    np.testing.assert_allclose(answer["probabilities"], expected, rtol=1e-6)
    layers = (
        await client.post("/v1/activations", json={"pixels": drawn.ravel().tolist(), "preprocess": "mnist"})
    ).json()
    np.testing.assert_allclose(layers["activations"][0], mnist_preprocess(drawn), atol=1e-7)


@pytest.mark.parametrize(
    ("pixels", "key"),
    [
        ([0.5] * 783, "pixels"),
        ([0.5] * 785, "pixels"),
        ([], "pixels"),
        ([0.5] * 783 + [1.0001], "pixels[783]"),
        ([-0.1] + [0.5] * 783, "pixels[0]"),
        ([1e308] * 784, "pixels[0]"),
        (["0.5"] * 784, "pixels[0]"),
        ([True] * 784, "pixels[0]"),
        ([None] * 784, "pixels[0]"),
        ([[0.5]] * 784, "pixels[0]"),
    ],
)
async def test_invalid_pixels_are_422_naming_the_position(client, pixels, key):
    response = await client.post("/v1/predict", json={"pixels": pixels})
    assert response.status_code == 422
    assert response.json()["errors"][0]["key"] == key
    assert (await client.post("/v1/activations", json={"pixels": pixels})).status_code == 422


@pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity", b"1e999"])
async def test_non_finite_numbers_are_422(client, literal):
    body = b'{"pixels": [' + b"0.5," * 783 + literal + b"]}"
    assert (await client.post("/v1/predict", content=body)).status_code == 422


async def test_an_unknown_model_is_404_and_a_bad_name_422(client):
    missing = await client.post("/v1/predict", json={"pixels": DIGIT, "model": "no-such-model"})
    assert missing.status_code == 404
    assert "no-such-model" in missing.json()["detail"]
    bad = await client.post("/v1/predict", json={"pixels": DIGIT, "model": "../etc/passwd"})
    assert bad.status_code == 422


async def test_activations_give_every_layer_input_first(client, models):
    answer = (await client.post("/v1/activations", json={"pixels": DIGIT, "model": "tiny-classic"})).json()
    assert answer["layer_sizes"] == [784, 16, 10]
    assert [len(layer) for layer in answer["activations"]] == answer["layer_sizes"]
    np.testing.assert_allclose(answer["activations"][0], DIGIT, atol=1e-7)
    network = models.get("tiny-classic").network
    np.testing.assert_allclose(
        answer["activations"][-1], network.forward(np.asarray(DIGIT, np.float32)), rtol=1e-6
    )


async def test_batch_predictions_come_back_in_input_order(client, models):
    images = PackagedMnistSamples().samples().images[:5]
    answer = (await client.post("/v1/predict/batch", json={"images": images.tolist()})).json()
    expected = models.default().network.probabilities(images)
    assert [p["predicted_digit"] for p in answer["predictions"]] == expected.argmax(axis=1).tolist()
    too_many = await client.post("/v1/predict/batch", json={"images": [DIGIT] * 129})
    assert too_many.status_code == 422
    assert (await client.post("/v1/predict/batch", json={"images": []})).status_code == 422


async def test_models_lists_the_registry_and_marks_the_default(client):
    answer = (await client.get("/v1/models")).json()
    assert answer["default"] == "tiny-relu"
    by_name = {m["name"]: m for m in answer["models"]}
    assert set(by_name) == {"tiny-relu", "tiny-classic"}
    assert by_name["tiny-relu"]["default"] is True
    assert by_name["tiny-relu"]["loaded"] is True
    assert by_name["tiny-classic"]["output"] == "classic"
    assert by_name["tiny-relu"]["sizes"] == [784, 16, 10]


async def test_samples_are_real_labelled_digits(client):
    answer = (await client.get("/v1/mnist/samples", params={"count": 3})).json()
    assert answer["source"] in ("local", "package")
    assert len(answer["samples"]) == 3
    for sample in answer["samples"]:
        assert len(sample["pixels"]) == 784
        assert 0 <= sample["label"] <= 9
    assert (await client.get("/v1/mnist/samples", params={"count": 101})).status_code == 422
    assert (await client.get("/v1/mnist/samples", params={"dataset": "other"})).status_code == 422


async def test_without_a_model_inference_is_503_and_health_degraded(registry):
    models = ModelService(registry, "not-there")
    async with AsyncTestClient(make_app(models=models, vocabulary=InMemoryVocabularyRepository())) as client:
        response = await client.post("/v1/predict", json={"pixels": DIGIT})
        assert response.status_code == 503
        assert "model" in response.json()["detail"]
        health = (await client.get("/healthz")).json()
        assert (health["status"], health["network_loaded"], health["model"]) == ("degraded", False, None)
        assert (await client.get("/v1/dictionary/words")).status_code == 200

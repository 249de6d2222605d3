import threading
from datetime import UTC, datetime

import numpy as np
import pytest

from hippo.adapters.mnist_samples import PackagedMnistSamples
from hippo.adapters.model_files import NpzModelFiles
from hippo.domain.errors import InvalidArgumentError
from hippo.domain.mnist import MnistData
from hippo.services.training_recipes import TrainingRecipe, recipe_from
from hippo.services.training_service import TrainingService
from tests.fakes import InMemoryMnistSource

WHEN = datetime(2026, 11, 29, 10, 15, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def samples():
    split = PackagedMnistSamples().samples()
    return MnistData(split.head(160), split, digests={"t10k-images-idx3-ubyte": "0f"}, source="samples")


def service_for(data):
    ticks = iter(range(1000))
    return TrainingService(
        InMemoryMnistSource(data),
        NpzModelFiles(),
        "9.9.9",
        clock=lambda: float(next(ticks)),
        now=lambda: WHEN,
    )


def small(**changes):
    base = {"sizes": (784, 16, 10), "epochs": 3, "batch_size": 16, "learning_rate": 0.1, "seed": 3}
    return TrainingRecipe(**{**base, **changes})


def test_training_learns_and_records_everything(samples):
    service = service_for(samples)
    seen = []
    trained = service.train(small(), samples, command="hippo train --x", on_epoch=seen.append)
    meta = trained.metadata
    assert meta.name == "mnist-relu-16-20261129T101500"
    assert meta.created == "2026-11-29T10:15:00Z"
    assert [r.epoch for r in seen] == [1, 2, 3]
    assert meta.history == tuple(seen)
    assert seen[-1].train_loss < seen[0].train_loss
    assert meta.test_accuracy == pytest.approx(
        trained.network.accuracy(samples.test.images, samples.test.labels)
    )
    assert meta.test_accuracy > 0.5  # 160 real digits, 200 tested (the 160 included): well above chance
    assert meta.training["learning_rate"] == 0.1
    assert meta.training["momentum"] == 0.9
    assert meta.training["train_images"] == 160
    assert meta.training["evaluated_on"] == "test"
    assert (meta.seed, meta.hippo_version, meta.command, meta.interrupted) == (
        3,
        "9.9.9",
        "hippo train --x",
        False,
    )
    assert meta.data_digests == {"t10k-images-idx3-ubyte": "0f"}
    assert meta.wall_time_seconds > 0


def test_same_seed_same_model(samples):
    a = service_for(samples).train(small(), samples).network
    b = service_for(samples).train(small(), samples).network
    c = service_for(samples).train(small(seed=4), samples).network
    for x, y in zip(a.weights, b.weights, strict=True):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a.weights[0], c.weights[0])


def test_saved_model_loads_and_predicts_the_same(samples, tmp_path):
    service = service_for(samples)
    trained = service.train(small(dtype="float64"), samples, name="tiny")
    npz, _js = service.save(trained, tmp_path)
    network, meta = NpzModelFiles().load(npz)
    assert meta == trained.metadata
    assert network.dtype == np.float64
    np.testing.assert_array_equal(
        network.forward(samples.test.images), trained.network.forward(samples.test.images)
    )


def test_stop_before_the_first_batch_still_gives_a_usable_model(samples):
    stop = threading.Event()
    stop.set()
    trained = service_for(samples).train(small(), samples, stop=stop)
    assert trained.metadata.interrupted is True
    assert trained.metadata.history == ()
    assert 0.0 <= trained.metadata.test_accuracy <= 1.0


def test_validation_slice_is_used_during_training(samples):
    service = service_for(samples)
    data = service.load_data(small(validation_size=40), train_limit=100)
    assert (len(data.train), len(data.validation)) == (100, 40)
    trained = service.train(small(validation_size=40, epochs=1), data)
    assert trained.metadata.training["evaluated_on"] == "validation"
    assert trained.metadata.history[0].accuracy == pytest.approx(
        trained.network.accuracy(data.validation.images, data.validation.labels)
    )
    with pytest.raises(InvalidArgumentError, match="train limit must be >= 1"):
        service.load_data(small(), train_limit=0)


def test_classic_recipe_uses_the_quadratic_cost_network(samples):
    recipe = recipe_from("classic", epochs=2)
    trained = service_for(samples).train(recipe, samples)
    assert (trained.network.output, trained.network.activation) == ("classic", "sigmoid")
    assert trained.metadata.training["momentum"] == 0.0
    assert trained.metadata.name.startswith("mnist-sigmoid-30-classic-")

"""The shipped default model and the earlier service's model, on the real MNIST test set."""

from __future__ import annotations

from pathlib import Path

import pytest

from hippo.adapters.mnist_idx import CANONICAL_SHA256, TEST_IMAGES, TEST_LABELS, read_split
from hippo.adapters.mnist_samples import PackagedMnistSamples
from hippo.adapters.model_files import DEFAULT_MODEL_NAME, load_model, load_network, packaged_models_dir
from hippo.domain.mnist import MnistSplit
from tests.realdata import real_mnist_dir, report_not_run
from tests.unit.test_model_files import LEGACY_NPZ, earlier_service_forward


@pytest.fixture(scope="module")
def real_test_set() -> MnistSplit | None:
    where = real_mnist_dir()
    return None if where is None else read_split(Path(where), TEST_IMAGES, TEST_LABELS, CANONICAL_SHA256)[0]


def test_earlier_services_model_reproduces_its_92_91_percent(real_test_set):
    network = load_network(LEGACY_NPZ)
    if real_test_set is None:
        report_not_run("orig-sigmoid-30 reproduces 92.91 % on the MNIST test set")
        samples = PackagedMnistSamples().samples()
        expected = earlier_service_forward(LEGACY_NPZ, samples.images).argmax(axis=1)
        assert (network.predict(samples.images) == expected).all()
        return
    assert round(100 * network.accuracy(real_test_set.images, real_test_set.labels), 2) == 92.91
    expected = earlier_service_forward(LEGACY_NPZ, real_test_set.images).argmax(axis=1)
    assert (network.predict(real_test_set.images) == expected).all()


def test_shipped_default_model(real_test_set):
    npz = packaged_models_dir() / f"{DEFAULT_MODEL_NAME}.npz"
    assert npz.stat().st_size + npz.with_suffix(".json").stat().st_size < 1_000_000
    network, meta = load_model(npz)
    assert network.sizes == (784, 100, 10)
    assert (network.activation, network.output, network.dtype.name) == ("relu", "softmax", "float32")
    assert meta.command.startswith("hippo train ")
    assert meta.seed == 0
    assert meta.interrupted is False
    assert meta.data_digests == dict(CANONICAL_SHA256)
    assert len(meta.history) == meta.training["epochs"] == 15
    if real_test_set is None:
        report_not_run(
            f"{DEFAULT_MODEL_NAME} accuracy on the MNIST test set (checked on the packaged digits)"
        )
        samples = PackagedMnistSamples().samples()
        assert network.accuracy(samples.images, samples.labels) >= 0.95
        return
    accuracy = network.accuracy(real_test_set.images, real_test_set.labels)
    assert accuracy == meta.test_accuracy
    assert accuracy >= 0.978

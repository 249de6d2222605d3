"""`MnistSampler`: random labelled digits from local MNIST files, else from the packaged sample."""

from __future__ import annotations

import numpy as np
import pytest

from hippo.adapters.mnist_idx import IdxMnistSource
from hippo.adapters.mnist_samples import PackagedMnistSamples
from hippo.domain.errors import InvalidArgumentError, NotFoundError
from hippo.services.mnist_sampler import MnistSampler
from tests.mnist_files import make_digits, write_mnist_dir


def test_the_packaged_sample_gives_distinct_real_test_digits_with_their_positions():
    packaged = PackagedMnistSamples()
    draw = MnistSampler(packaged, seed=1).draw(50)
    assert draw.images.shape == (50, 784)
    assert (draw.dataset, draw.source) == ("test", "package")
    assert len(set(draw.indices.tolist())) == 50
    positions = packaged.test_set_indices().tolist()
    sample = packaged.samples()
    for image, label, index in zip(draw.images, draw.labels, draw.indices, strict=True):
        row = positions.index(int(index))
        np.testing.assert_allclose(image, sample.images[row], atol=1e-6)
        assert label == sample.labels[row]


def test_more_than_there_are_gives_all_of_them():
    everything = len(PackagedMnistSamples().samples())
    assert len(MnistSampler(PackagedMnistSamples()).draw(10_000).labels) == everything


def test_the_training_set_needs_the_local_files():
    with pytest.raises(NotFoundError, match="HIPPO_MNIST_DIR"):
        MnistSampler(PackagedMnistSamples()).draw(1, "train")


@pytest.mark.parametrize(("count", "dataset"), [(0, "test"), (1, "validation")])
def test_bad_requests_are_invalid_arguments(count, dataset):
    with pytest.raises(InvalidArgumentError):
        MnistSampler(PackagedMnistSamples()).draw(count, dataset)


def test_local_files_are_used_for_both_splits(tmp_path):
    digests = write_mnist_dir(tmp_path, n_train=30, n_test=12, seed=3)
    sampler = MnistSampler(PackagedMnistSamples(), IdxMnistSource(tmp_path, digests=None), seed=0)
    train_x, train_y = make_digits(30, 3)
    draw = sampler.draw(5, "train")
    assert (draw.source, draw.dataset) == ("local", "train")
    for image, label, index in zip(draw.images, draw.labels, draw.indices, strict=True):
        np.testing.assert_allclose(image, train_x[index].reshape(-1) / 255.0, atol=1e-6)
        assert label == train_y[index]
    assert sorted(sampler.draw(100, "test").indices.tolist()) == list(range(12))
    assert digests

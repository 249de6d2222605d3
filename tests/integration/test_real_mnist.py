"""The real MNIST files (../shared/data/mnist or HIPPO_MNIST_DIR); see tests/realdata.py for the report."""

from __future__ import annotations

import numpy as np

from hippo.adapters.mnist_download import MnistFiles
from hippo.adapters.mnist_idx import CANONICAL_SHA256
from hippo.adapters.mnist_samples import PackagedMnistSamples
from tests.realdata import real_mnist_dir, report_not_run


def test_real_mnist_loads_verified_and_matches_the_packaged_samples(tmp_path):
    samples = PackagedMnistSamples()
    where = real_mnist_dir()
    if where is None:
        report_not_run("the four real MNIST files load with the canonical digests")
        split = samples.samples()
        assert np.bincount(split.labels).tolist() == [20] * 10
        return
    data = MnistFiles(where, tmp_path / "unused-cache", mirrors=[], progress=False).load(
        validation_size=10_000
    )
    assert (len(data.train), len(data.validation), len(data.test)) == (50_000, 10_000, 10_000)
    assert data.digests == dict(CANONICAL_SHA256)
    assert data.train.images.dtype == np.float32
    assert float(data.test.images.max()) == 1.0
    assert np.bincount(data.test.labels).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    indices = samples.test_set_indices()
    np.testing.assert_array_equal(samples.samples().images, data.test.images[indices])
    np.testing.assert_array_equal(samples.samples().labels, data.test.labels[indices])

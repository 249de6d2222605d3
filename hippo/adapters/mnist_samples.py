"""Real MNIST test digits shipped inside the package (200, 20 per digit), for when the full set is absent."""

from __future__ import annotations

import io
from importlib import resources

import numpy as np

from hippo.domain.errors import MnistDataError
from hippo.domain.mnist import IMAGE_PIXELS, MnistSplit

SAMPLES_RESOURCE = "mnist-samples.npz"
"""In ``hippo/assets``: ``images`` uint8 (200, 784), ``labels`` uint8 (200,), ``indices`` int64 (200,)
= positions of the digits in the 10,000-image MNIST test set."""


class PackagedMnistSamples:
    """`MnistSamples` over the digits shipped in ``hippo/assets/mnist-samples.npz``."""

    def __init__(self) -> None:
        self._cache: tuple[MnistSplit, np.ndarray] | None = None

    def _load(self) -> tuple[MnistSplit, np.ndarray]:
        if self._cache is None:
            try:
                data = resources.files("hippo").joinpath("assets", SAMPLES_RESOURCE).read_bytes()
                with np.load(io.BytesIO(data), allow_pickle=False) as archive:
                    images, labels, indices = archive["images"], archive["labels"], archive["indices"]
            except (OSError, KeyError, ValueError) as exc:
                raise MnistDataError(f"packaged MNIST samples are unreadable: {exc}") from exc
            if images.dtype != np.uint8 or images.ndim != 2 or images.shape[1] != IMAGE_PIXELS:
                raise MnistDataError(f"packaged MNIST samples have shape {images.shape} {images.dtype}")
            self._cache = (MnistSplit.from_uint8(images, labels), indices)
        return self._cache

    def samples(self) -> MnistSplit:
        return self._load()[0]

    def test_set_indices(self) -> np.ndarray:
        """Positions of the samples in the MNIST test set (int64, sorted)."""
        return self._load()[1]

"""Random real MNIST digits with their labels, for trying a network (`GET /v1/mnist/samples`).

Digits come from the full MNIST files when they are on this machine (`local`), otherwise from the small
sample shipped in the package (`package`, test digits only). Loaded once, then kept as bytes (one byte per
pixel: the test set is 7.8 MB, the training set 47 MB).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hippo.domain.errors import InvalidArgumentError, NotFoundError
from hippo.ports.mnist import MnistSamples, MnistSource

DATASETS = ("test", "train")


@dataclass(frozen=True, slots=True)
class SampleDraw:
    """Drawn digits: `images` (n, 784) float32 in [0, 1], `labels` (n,), `indices` in the split."""

    images: NDArray[np.float32]
    labels: NDArray[np.uint8]
    indices: NDArray[np.int64]
    dataset: str
    source: str


@dataclass(frozen=True, slots=True)
class _Split:
    pixels: NDArray[np.uint8]
    labels: NDArray[np.uint8]
    indices: NDArray[np.int64]
    source: str


def _to_bytes(images: NDArray[np.float32]) -> NDArray[np.uint8]:
    pixels: NDArray[np.uint8] = np.rint(images * np.float32(255.0)).astype(np.uint8)
    return pixels


class MnistSampler:
    """Draws random digits from the local MNIST files, or from the packaged sample."""

    def __init__(
        self, packaged: MnistSamples, local: MnistSource | None = None, seed: int | None = None
    ) -> None:
        self._packaged = packaged
        self._local = local
        self._rng = np.random.default_rng(seed)
        self._splits: dict[str, _Split] | None = None
        self._lock = threading.Lock()

    def _load(self) -> dict[str, _Split]:
        with self._lock:
            if self._splits is not None:
                return self._splits
            splits: dict[str, _Split] = {}
            if self._local is not None:
                data = self._local.load()
                for name, split in (("test", data.test), ("train", data.train)):
                    indices = np.arange(len(split), dtype=np.int64)
                    splits[name] = _Split(_to_bytes(split.images), split.labels, indices, "local")
                del data
            else:
                sample = self._packaged.samples()
                positions = getattr(self._packaged, "test_set_indices", None)
                indices = (
                    np.asarray(positions(), dtype=np.int64)
                    if positions is not None
                    else np.arange(len(sample), dtype=np.int64)
                )
                splits["test"] = _Split(_to_bytes(sample.images), sample.labels, indices, "package")
            self._splits = splits
            return splits

    def draw(self, count: int, dataset: str = "test") -> SampleDraw:
        """`count` distinct random digits of `dataset` (`test` or `train`).

        Raises:
            InvalidArgumentError: unknown dataset or count below 1.
            NotFoundError: the training set was asked for but only the packaged sample is available.
        """
        if dataset not in DATASETS:
            raise InvalidArgumentError(f"dataset must be one of {', '.join(DATASETS)}, got {dataset!r}")
        if count < 1:
            raise InvalidArgumentError(f"count must be >= 1, got {count}")
        split = self._load().get(dataset)
        if split is None:
            raise NotFoundError(
                f"the MNIST {dataset} set is not on this server (only the packaged test sample is); "
                "set HIPPO_MNIST_DIR to a directory with the MNIST files"
            )
        with self._lock:
            chosen = self._rng.choice(len(split.labels), size=min(count, len(split.labels)), replace=False)
        images = split.pixels[chosen].astype(np.float32) / np.float32(255.0)
        return SampleDraw(images, split.labels[chosen], split.indices[chosen], dataset, split.source)

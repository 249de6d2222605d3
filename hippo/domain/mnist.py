"""MNIST as domain values: images as float32 rows in [0, 1], labels as small integers.

The adapters (IDX files, download, the packaged samples) produce these values; the trainer and the
notebooks consume them. Nothing here knows about files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from hippo.domain.errors import InvalidArgumentError

IMAGE_SIDE = 28
"""MNIST images are 28x28 pixels."""
IMAGE_PIXELS = IMAGE_SIDE * IMAGE_SIDE
"""784 inputs per image, row-major (the IDX order)."""
NUM_CLASSES = 10


@dataclass(frozen=True, slots=True, eq=False)
class MnistSplit:
    """A set of labelled digits.

    Attributes:
        images: float32 array of shape (n, 784), pixel intensities in [0, 1] (0 = background), each row
            a 28x28 image in row-major order.
        labels: uint8 array of shape (n,), digits 0-9.
    """

    images: NDArray[np.float32]
    labels: NDArray[np.uint8]

    def __post_init__(self) -> None:
        images, labels = self.images, self.labels
        if images.ndim != 2 or images.shape[1] != IMAGE_PIXELS:
            raise InvalidArgumentError(f"images must have shape (n, {IMAGE_PIXELS}), got {images.shape}")
        if images.dtype != np.float32:
            raise InvalidArgumentError(f"images must be float32, got {images.dtype}")
        if labels.ndim != 1 or labels.shape[0] != images.shape[0]:
            raise InvalidArgumentError(
                f"labels must have shape ({images.shape[0]},) to match the images, got {labels.shape}"
            )
        if labels.dtype != np.uint8:
            raise InvalidArgumentError(f"labels must be uint8, got {labels.dtype}")
        if labels.size and int(labels.max()) >= NUM_CLASSES:
            raise InvalidArgumentError(f"labels must be digits 0-9, found {int(labels.max())}")

    def __len__(self) -> int:
        return int(self.labels.shape[0])

    @classmethod
    def from_uint8(cls, pixels: NDArray[np.uint8], labels: NDArray[np.uint8]) -> MnistSplit:
        """Build a split from raw IDX bytes: pixels (n, 28, 28) or (n, 784) uint8, scaled by 1/255."""
        if pixels.dtype != np.uint8:
            raise InvalidArgumentError(f"raw pixels must be uint8, got {pixels.dtype}")
        flat = pixels.reshape(pixels.shape[0], -1)
        images = flat.astype(np.float32)
        images /= np.float32(255.0)
        return cls(images, np.ascontiguousarray(labels, dtype=np.uint8))

    def head(self, count: int) -> MnistSplit:
        """The first `count` digits (all of them when `count` is larger)."""
        if count < 0:
            raise InvalidArgumentError(f"count must be >= 0, got {count}")
        return MnistSplit(self.images[:count], self.labels[:count])


@dataclass(frozen=True, slots=True, eq=False)
class MnistData:
    """The data set a training run uses.

    Attributes:
        train: the training digits (60,000, minus the validation slice when one is held out).
        test: the 10,000 test digits.
        validation: the held-out slice of the training set, or None.
        digests: SHA-256 of each uncompressed IDX file, keyed by file name (``train-images-idx3-ubyte``).
        source: where the files were read from (a directory), for messages and metadata.
    """

    train: MnistSplit
    test: MnistSplit
    validation: MnistSplit | None = None
    digests: Mapping[str, str] = field(default_factory=dict)
    source: str = ""

    def with_validation(self, size: int) -> MnistData:
        """Hold out the last `size` training digits as a validation split (50,000 + 10,000 for 10,000).

        Raises:
            InvalidArgumentError: `size` is negative or leaves no training digits.
        """
        if size == 0:
            return self
        if size < 0 or size >= len(self.train):
            raise InvalidArgumentError(
                f"validation size must be between 0 and {len(self.train) - 1}, got {size}"
            )
        cut = len(self.train) - size
        train = MnistSplit(self.train.images[:cut], self.train.labels[:cut])
        validation = MnistSplit(self.train.images[cut:], self.train.labels[cut:])
        return MnistData(train, self.test, validation, self.digests, self.source)

    def subset(self, train: int | None = None, test: int | None = None) -> MnistData:
        """The first `train` training and `test` test digits (None keeps a split whole)."""
        return MnistData(
            self.train if train is None else self.train.head(train),
            self.test if test is None else self.test.head(test),
            self.validation,
            self.digests,
            self.source,
        )

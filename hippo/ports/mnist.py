"""Where MNIST comes from: files on disk, a cache, a download (the adapters decide)."""

from __future__ import annotations

from typing import Protocol

from hippo.domain.mnist import MnistData, MnistSplit


class MnistSource(Protocol):
    """Provides the MNIST training and test sets, verified against the canonical digests."""

    def load(self, *, validation_size: int = 0) -> MnistData:
        """Return train/test (and a validation slice of `validation_size` training digits when > 0).

        Raises:
            MnistDataError: the files are missing, truncated, corrupt or not the canonical MNIST.
        """
        ...


class MnistSamples(Protocol):
    """A few real test digits with labels (served when the full data set is not available)."""

    def samples(self) -> MnistSplit:
        """Return the sample digits."""
        ...

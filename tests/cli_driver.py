"""Run `hippo` with MNIST read from a test directory of IDX files, without the canonical digest check.

Used in-process (``use_test_data``) and as a subprocess (``python -m tests.cli_driver DIR train ...``) so
that a real process can receive a real SIGINT.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from dependency_injector import providers

from hippo.adapters.mnist_idx import IdxMnistSource
from hippo.adapters.mnist_samples import PackagedMnistSamples
from hippo.container import Container
from hippo.entrypoints.cli import main
from tests.mnist_files import NAMES, make_digits, write_idx


def use_test_data(directory: Path) -> None:
    """Make every new `Container` read MNIST from `directory` (any well-formed IDX files)."""
    Container.mnist_source.override(
        providers.Factory(lambda data_dir=None, cache_dir=None: IdxMnistSource(directory, digests=None))
    )


def write_sample_digits(directory: Path) -> Path:
    """The packaged real digits as a tiny MNIST (train = test = the 200 samples)."""
    split = PackagedMnistSamples().samples()
    pixels = np.rint(split.images * 255).astype(np.uint8).reshape(-1, 28, 28)
    directory.mkdir(parents=True, exist_ok=True)
    for kind in ("train", "test"):
        write_idx(directory / NAMES[f"{kind}_images"], pixels)
        write_idx(directory / NAMES[f"{kind}_labels"], split.labels)
    return directory


def write_random_digits(directory: Path, n_train: int, n_test: int) -> Path:
    """Random images and labels (for runs whose accuracy does not matter)."""
    directory.mkdir(parents=True, exist_ok=True)
    for kind, n, seed in (("train", n_train, 1), ("test", n_test, 2)):
        pixels, labels = make_digits(n, seed)
        write_idx(directory / NAMES[f"{kind}_images"], pixels)
        write_idx(directory / NAMES[f"{kind}_labels"], labels)
    return directory


if __name__ == "__main__":
    use_test_data(Path(sys.argv[1]))
    sys.argv = ["hippo", *sys.argv[2:]]
    sys.exit(main(sys.argv[1:]))

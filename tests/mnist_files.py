"""Small IDX files written by the tests themselves (same format as MNIST, few images)."""

from __future__ import annotations

import gzip
import hashlib
import struct
from pathlib import Path

import numpy as np

NAMES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}


def idx_bytes(array: np.ndarray) -> bytes:
    """IDX encoding of a uint8 array: magic 0x00000800 + ndim, big-endian dims, then the bytes."""
    assert array.dtype == np.uint8
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.tobytes()


def write_idx(path: Path, array: np.ndarray, *, compress: bool = True) -> str:
    """Write `array` as IDX (gzip when `compress`) to `path`(.gz); returns the SHA-256 of the content."""
    data = idx_bytes(array)
    if compress:
        path.with_name(path.name + ".gz").write_bytes(gzip.compress(data, mtime=0))
    else:
        path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def make_digits(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """`n` random 28x28 uint8 images and digit labels."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8), rng.integers(0, 10, n, dtype=np.uint8)


def write_mnist_dir(
    directory: Path, n_train: int = 60, n_test: int = 20, *, compress: bool = True, seed: int = 0
) -> dict[str, str]:
    """Write the four MNIST files with random content; returns their digests by file name."""
    directory.mkdir(parents=True, exist_ok=True)
    train_x, train_y = make_digits(n_train, seed)
    test_x, test_y = make_digits(n_test, seed + 1)
    arrays = {
        NAMES["train_images"]: train_x,
        NAMES["train_labels"]: train_y,
        NAMES["test_images"]: test_x,
        NAMES["test_labels"]: test_y,
    }
    return {name: write_idx(directory / name, array, compress=compress) for name, array in arrays.items()}

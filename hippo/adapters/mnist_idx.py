"""MNIST from IDX files (gzip-compressed or raw), validated and checked against the canonical digests."""

from __future__ import annotations

import gzip
import hashlib
import io
import zlib
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from hippo.domain.errors import MnistDataError
from hippo.domain.mnist import IMAGE_SIDE, NUM_CLASSES, MnistData, MnistSplit

TRAIN_IMAGES = "train-images-idx3-ubyte"
TRAIN_LABELS = "train-labels-idx1-ubyte"
TEST_IMAGES = "t10k-images-idx3-ubyte"
TEST_LABELS = "t10k-labels-idx1-ubyte"
FILE_NAMES = (TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)

CANONICAL_SHA256: Mapping[str, str] = {
    # SHA-256 of the *uncompressed* original files (mirrors differ in their gzip wrappers, not in these).
    TEST_IMAGES: "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    TEST_LABELS: "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    TRAIN_IMAGES: "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    TRAIN_LABELS: "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
}

_UBYTE = 0x08
_GZIP_MAGIC = b"\x1f\x8b"
_MAX_BYTES = 64 * 1024 * 1024  # the largest MNIST file is 47 MB uncompressed


def find_file(directory: Path, name: str) -> Path | None:
    """The path of `name` or `name.gz` in `directory`, or None."""
    for candidate in (directory / f"{name}.gz", directory / name):
        if candidate.is_file():
            return candidate
    return None


def read_bytes(path: Path) -> bytes:
    """The uncompressed content of an IDX file, gzip-compressed or raw.

    Raises:
        MnistDataError: the file is missing, unreadable or a truncated/corrupt gzip stream.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise MnistDataError(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
    if not raw.startswith(_GZIP_MAGIC):
        return raw
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as stream:
            data = stream.read(_MAX_BYTES + 1)
    except (EOFError, OSError, zlib.error) as exc:
        raise MnistDataError(f"{path}: the gzip stream is truncated or corrupt ({exc})") from exc
    if len(data) > _MAX_BYTES:
        raise MnistDataError(f"{path}: uncompresses to more than {_MAX_BYTES} bytes; not an MNIST file")
    return data


def parse_idx(data: bytes, source: str) -> NDArray[np.uint8]:
    """Parse IDX bytes (magic 0x0000 08 <ndim>, big-endian uint32 dims, then uint8 data).

    Raises:
        MnistDataError: bad magic number, unsupported element type, or a size that does not match the dims.
    """
    if len(data) < 4:
        raise MnistDataError(f"{source}: only {len(data)} bytes; too short for an IDX header")
    if data[0] != 0 or data[1] != 0:
        raise MnistDataError(
            f"{source}: bad magic number {data[:4].hex()} (expected 0000 08 0n): not an IDX file"
        )
    if data[2] != _UBYTE:
        raise MnistDataError(f"{source}: element type 0x{data[2]:02x} is not unsigned byte (0x08)")
    ndim = data[3]
    header = 4 + 4 * ndim
    if ndim < 1 or len(data) < header:
        raise MnistDataError(f"{source}: truncated header ({ndim} dimensions, {len(data)} bytes)")
    dims = tuple(int(d) for d in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    expected = header + int(np.prod(dims, dtype=np.int64))
    if len(data) < expected:
        raise MnistDataError(
            f"{source}: truncated: dims {dims} need {expected} bytes, the file has {len(data)}"
        )
    if len(data) > expected:
        raise MnistDataError(
            f"{source}: {len(data) - expected} unexpected bytes after the data for dims {dims}"
        )
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(dims)


def read_split(
    directory: Path, images_name: str, labels_name: str, digests: Mapping[str, str] | None
) -> tuple[MnistSplit, dict[str, str]]:
    """Read, check and pair one images file with its labels file.

    Args:
        directory: folder holding the files (``.gz`` or raw).
        images_name: IDX file name without ``.gz`` (e.g. ``t10k-images-idx3-ubyte``).
        labels_name: the matching labels file name.
        digests: expected SHA-256 of the uncompressed content by file name; None skips the check.

    Returns:
        The split and the SHA-256 digests actually read.
    """
    found: dict[str, str] = {}
    arrays: list[NDArray[np.uint8]] = []
    for name in (images_name, labels_name):
        path = find_file(directory, name)
        if path is None:
            raise MnistDataError(f"{directory}: {name}(.gz) is missing")
        data = read_bytes(path)
        digest = hashlib.sha256(data).hexdigest()
        if digests is not None and digests.get(name) not in (None, digest):
            raise MnistDataError(
                f"{path}: SHA-256 of the content is {digest}, expected {digests[name]}: "
                "the file is corrupt or not the original MNIST"
            )
        found[name] = digest
        arrays.append(parse_idx(data, str(path)))
    pixels, labels = arrays
    if pixels.ndim != 3 or pixels.shape[1:] != (IMAGE_SIDE, IMAGE_SIDE):
        raise MnistDataError(
            f"{directory / images_name}: expected images of shape (n, 28, 28), got {pixels.shape}"
        )
    if labels.ndim != 1:
        raise MnistDataError(
            f"{directory / labels_name}: expected a 1-D labels file, got shape {labels.shape}"
        )
    if labels.shape[0] != pixels.shape[0]:
        raise MnistDataError(
            f"{directory}: {images_name} has {pixels.shape[0]} images but {labels_name} "
            f"has {labels.shape[0]} labels"
        )
    if labels.size and int(labels.max()) >= NUM_CLASSES:
        raise MnistDataError(f"{directory / labels_name}: label {int(labels.max())} is not a digit 0-9")
    return MnistSplit.from_uint8(pixels, labels), found


class IdxMnistSource:
    """`MnistSource` over a directory of the four IDX files.

    Args:
        directory: folder with ``train-images-idx3-ubyte(.gz)`` and the three others.
        digests: expected SHA-256 of each uncompressed file; defaults to the canonical MNIST digests.
            Pass None to accept any well-formed IDX files (tests of other data).
    """

    def __init__(self, directory: Path, digests: Mapping[str, str] | None = CANONICAL_SHA256) -> None:
        self.directory = Path(directory)
        self.digests = digests

    def missing(self) -> list[str]:
        """Names of the IDX files not present in the directory."""
        return [name for name in FILE_NAMES if find_file(self.directory, name) is None]

    def load(self, *, validation_size: int = 0) -> MnistData:
        if not self.directory.is_dir():
            raise MnistDataError(f"{self.directory}: MNIST directory does not exist")
        train, train_digests = read_split(self.directory, TRAIN_IMAGES, TRAIN_LABELS, self.digests)
        test, test_digests = read_split(self.directory, TEST_IMAGES, TEST_LABELS, self.digests)
        data = MnistData(train, test, None, {**train_digests, **test_digests}, str(self.directory))
        return data.with_validation(validation_size)

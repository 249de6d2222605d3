"""MNIST from wherever it is: an explicit directory, the local cache, or a download from public mirrors.

Order of sources:

1. ``data_dir`` (``--data-dir`` or ``HIPPO_MNIST_DIR``): must hold the four files; nothing is downloaded.
2. ``cache_dir`` (default ``~/.cache/hippo/mnist``, ``HIPPO_MNIST_CACHE``): files downloaded earlier.
3. The mirrors, in order, each file into the cache: streamed to a temporary file with a progress bar,
   checked against the canonical SHA-256 of its uncompressed content, then renamed into place. A
   dropped connection or a network error is retried with exponential backoff; a file with the wrong
   digest moves on to the next mirror. Nothing unverified ever reaches the cache under its final name.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

from tqdm import tqdm

from hippo.adapters.mnist_idx import CANONICAL_SHA256, FILE_NAMES, IdxMnistSource, find_file, read_bytes
from hippo.adapters.model_files import current_umask
from hippo.domain.errors import MnistDataError
from hippo.domain.mnist import MnistData

DEFAULT_MIRRORS: tuple[str, ...] = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "https://yann.lecun.com/exdb/mnist/",
)
"""Public MNIST mirrors serving ``<file>.gz`` (PyTorch's, TensorFlow's, and the original site)."""

_CHUNK = 1 << 16


class MnistDownloadError(MnistDataError):
    """No mirror delivered a verified copy of a file."""


class _CorruptDownloadError(Exception):
    """A downloaded file is complete but its content is not the canonical one."""


class MnistFiles:
    """`MnistSource` that finds, caches or downloads the four IDX files, then reads them.

    Args:
        data_dir: explicit folder with the files; when given, the only source used.
        cache_dir: where downloaded files are kept (created on first download).
        mirrors: base URLs tried in order; ``<base><file>.gz`` is fetched.
        digests: expected SHA-256 of each uncompressed file (the canonical MNIST digests by default).
        retries: attempts per mirror for network errors (dropped connections, timeouts).
        backoff_seconds: first wait between attempts; doubled each time.
        timeout_seconds: socket timeout of each request.
        progress: show a tqdm progress bar per downloaded file.
        sleep: the function used to wait between attempts (tests pass a recorder).
    """

    def __init__(
        self,
        data_dir: Path | None,
        cache_dir: Path,
        *,
        mirrors: Sequence[str] = DEFAULT_MIRRORS,
        digests: Mapping[str, str] = CANONICAL_SHA256,
        retries: int = 3,
        backoff_seconds: float = 1.0,
        timeout_seconds: float = 30.0,
        progress: bool = True,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.data_dir = None if data_dir is None else Path(data_dir)
        self.cache_dir = Path(cache_dir)
        self.mirrors = tuple(m if m.endswith("/") else m + "/" for m in mirrors)
        self.digests = digests
        self.retries = max(1, retries)
        self.backoff_seconds = backoff_seconds
        self.timeout_seconds = timeout_seconds
        self.progress = progress
        self.sleep = sleep

    def load(self, *, validation_size: int = 0) -> MnistData:
        return IdxMnistSource(self.locate(), self.digests).load(validation_size=validation_size)

    def locate(self) -> Path:
        """The directory holding all four files, downloading into the cache what is missing."""
        if self.data_dir is not None:
            missing = IdxMnistSource(self.data_dir).missing()
            if missing:
                raise MnistDataError(
                    f"{self.data_dir}: the MNIST directory given by --data-dir / HIPPO_MNIST_DIR lacks "
                    f"{', '.join(m + '(.gz)' for m in missing)}"
                )
            return self.data_dir
        for name in FILE_NAMES:
            if find_file(self.cache_dir, name) is None:
                self.download(name)
        return self.cache_dir

    def download(self, name: str) -> Path:
        """Fetch ``<name>.gz`` from the first mirror that delivers the canonical content."""
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        target = self.cache_dir / f"{name}.gz"
        failures: list[str] = []
        for mirror in self.mirrors:
            url = f"{mirror}{name}.gz"
            for attempt in range(self.retries):
                try:
                    self._fetch_verified(url, name, target)
                    return target
                except _CorruptDownloadError as exc:
                    failures.append(f"{url}: {exc}")
                    break
                except urllib.error.HTTPError as exc:
                    failures.append(f"{url}: HTTP {exc.code} {exc.reason}")
                    if exc.code < 500:
                        break
                except (OSError, http.client.HTTPException) as exc:
                    failures.append(f"{url}: {_describe(exc)}")
                if attempt + 1 < self.retries:
                    self.sleep(self.backoff_seconds * 2**attempt)
        raise MnistDownloadError(
            f"could not download {name}.gz from any MNIST mirror:\n  "
            + "\n  ".join(failures or ["no mirrors configured"])
            + "\nIf this machine is offline, copy the four MNIST files (train-images-idx3-ubyte.gz, "
            "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz) into a "
            "folder and pass it with --data-dir <folder> (or set HIPPO_MNIST_DIR=<folder>), "
            f"or put them into the cache {self.cache_dir}."
        )

    def _fetch_verified(self, url: str, name: str, target: Path) -> None:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=self.cache_dir)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                self._stream(url, name, out)
            try:
                content = read_bytes(tmp)
            except MnistDataError as exc:
                raise _CorruptDownloadError(f"not a valid gzip file ({exc})") from exc
            digest = hashlib.sha256(content).hexdigest()
            expected = self.digests.get(name)
            if expected is not None and digest != expected:
                raise _CorruptDownloadError(f"SHA-256 {digest} of the content is not the expected {expected}")
            os.chmod(tmp, 0o666 & ~current_umask())
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)

    def _stream(self, url: str, name: str, out: BinaryIO) -> None:
        request = urllib.request.Request(url, headers={"User-Agent": "hippo-mnist/1"})
        with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            received = 0
            with tqdm(
                total=total,
                unit="B",
                unit_scale=True,
                desc=f"{name}.gz",
                disable=not self.progress,
                leave=False,
            ) as bar:
                while chunk := response.read(_CHUNK):
                    out.write(chunk)
                    received += len(chunk)
                    bar.update(len(chunk))
            if total is not None and received != total:
                raise http.client.IncompleteRead(b"", total - received)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, http.client.IncompleteRead):
        return f"connection dropped before the end of the file ({exc.expected} bytes missing)"
    if isinstance(exc, urllib.error.URLError):
        return f"network error: {exc.reason}"
    return f"{type(exc).__name__}: {exc}"

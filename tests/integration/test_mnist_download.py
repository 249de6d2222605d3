"""The download path for real: urllib against an HTTP server on 127.0.0.1 started by the test."""

from __future__ import annotations

import gzip
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from hippo.adapters.mnist_download import MnistDownloadError, MnistFiles
from hippo.adapters.mnist_idx import FILE_NAMES
from hippo.domain.errors import MnistDataError
from tests.mnist_files import write_mnist_dir


class MirrorServer:
    """Serves `<mode>/<file>.gz`: good, corrupt (valid gzip, wrong content), drop (connection cut
    mid-body), flaky (drops the first request of each file, then good), missing (404)."""

    def __init__(self, files: Path) -> None:
        self.files = files
        self.requests: Counter[str] = Counter()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server.requests[self.path] += 1
                mode, _, name = self.path.strip("/").partition("/")
                path = server.files / name
                if mode == "missing" or not path.is_file():
                    self.send_error(404)
                    return
                body = path.read_bytes()
                if mode == "corrupt":
                    raw = bytearray(gzip.decompress(body))
                    raw[-1] ^= 0xFF
                    body = gzip.compress(bytes(raw))
                cut = mode == "drop" or (mode == "flaky" and server.requests[self.path] == 1)
                self.send_response(200)
                self.send_header("Content-Type", "application/gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if cut:
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def mirror(self, mode: str) -> str:
        return f"{self.url}/{mode}/"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    files = tmp_path_factory.mktemp("mirror")
    digests = write_mnist_dir(files, n_train=40, n_test=10, seed=5)
    server = MirrorServer(files)
    server.thread.start()
    yield server, digests
    server.httpd.shutdown()
    server.httpd.server_close()


def source(cache: Path, digests, mirrors, **kwargs) -> MnistFiles:
    kwargs.setdefault("sleep", lambda s: None)
    return MnistFiles(
        None, cache, mirrors=mirrors, digests=digests, progress=False, timeout_seconds=5, **kwargs
    )


def cache_listing(cache: Path) -> list[str]:
    return sorted(p.name for p in cache.iterdir()) if cache.exists() else []


def test_downloads_verifies_and_caches(served, tmp_path):
    server, digests = served
    data = source(tmp_path, digests, [server.mirror("good")]).load(validation_size=5)
    assert (len(data.train), len(data.validation), len(data.test)) == (35, 5, 10)
    assert data.digests == digests
    assert cache_listing(tmp_path) == sorted(f"{n}.gz" for n in FILE_NAMES)
    # second run: served from the cache, no request at all
    before = sum(server.requests.values())
    again = source(tmp_path, digests, [server.mirror("missing")]).load()
    assert sum(server.requests.values()) == before
    np.testing.assert_array_equal(again.test.images, data.test.images)


def test_corrupt_mirror_is_skipped_and_never_cached(served, tmp_path):
    server, digests = served
    files = source(tmp_path, digests, [server.mirror("corrupt"), server.mirror("good")])
    files.load()
    assert server.requests["/corrupt/t10k-labels-idx1-ubyte.gz"] == 1  # wrong content: not retried
    assert cache_listing(tmp_path) == sorted(f"{n}.gz" for n in FILE_NAMES)


def test_dropped_connection_is_retried_with_backoff(served, tmp_path):
    server, digests = served
    waits: list[float] = []
    source(
        tmp_path, digests, [server.mirror("flaky")], retries=3, backoff_seconds=0.5, sleep=waits.append
    ).load()
    assert server.requests["/flaky/train-images-idx3-ubyte.gz"] == 2
    assert waits == [0.5] * 4  # one retry per file after the first cut
    assert cache_listing(tmp_path) == sorted(f"{n}.gz" for n in FILE_NAMES)


def test_every_mirror_failing_gives_the_offline_advice_and_leaves_no_partial_file(served, tmp_path):
    server, digests = served
    waits: list[float] = []
    dead = "http://127.0.0.1:9/"  # discard port: connection refused
    files = source(
        tmp_path,
        digests,
        [server.mirror("drop"), server.mirror("corrupt"), server.mirror("missing"), dead],
        retries=2,
        backoff_seconds=0.25,
        sleep=waits.append,
    )
    with pytest.raises(MnistDownloadError) as info:
        files.load()
    message = str(info.value)
    assert "could not download train-images-idx3-ubyte.gz from any MNIST mirror" in message
    assert "connection dropped before the end of the file" in message
    assert "SHA-256" in message
    assert "HTTP 404" in message
    assert "network error" in message
    assert "--data-dir" in message
    assert "HIPPO_MNIST_DIR" in message
    assert server.requests["/drop/train-images-idx3-ubyte.gz"] == 2
    assert waits == [0.25, 0.25]  # drop retried once, dead port retried once
    assert cache_listing(tmp_path) == []


def test_explicit_directory_wins_and_never_downloads(served, tmp_path):
    server, digests = served
    local = tmp_path / "local"
    write_mnist_dir(local, n_train=40, n_test=10, seed=5)
    before = sum(server.requests.values())
    files = MnistFiles(
        local, tmp_path / "cache", mirrors=[server.mirror("good")], digests=digests, progress=False
    )
    assert len(files.load().train) == 40
    assert sum(server.requests.values()) == before
    assert not (tmp_path / "cache").exists()
    (local / "t10k-images-idx3-ubyte.gz").unlink()
    with pytest.raises(
        MnistDataError, match=r"--data-dir / HIPPO_MNIST_DIR lacks t10k-images-idx3-ubyte\(\.gz\)"
    ):
        files.load()


def test_progress_bar_is_shown(served, tmp_path, capsys):
    server, digests = served
    MnistFiles(None, tmp_path, mirrors=[server.mirror("good")], digests=digests, progress=True).locate()
    assert "t10k-labels-idx1-ubyte.gz" in capsys.readouterr().err

"""Ctrl-C for real: a `hippo train` process receives SIGINT and still saves a usable model."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from hippo.adapters.mnist_idx import IdxMnistSource
from hippo.adapters.model_files import load_model
from tests.cli_driver import write_random_digits
from tests.realdata import REPO_ROOT


def test_sigint_stops_after_the_current_batch_and_saves_an_interrupted_model(tmp_path):
    data = write_random_digits(tmp_path / "mnist", n_train=4000, n_test=500)
    out = tmp_path / "models"
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.cli_driver", str(data), "train", "--sizes", "784", "32", "10",
         "--epochs", "100000", "--batch-size", "10", "--output-dir", str(out), "--name", "stopped"],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        seen = ""
        while "epoch " not in seen or "2/100000" not in seen:  # training is under way, past the first epoch
            assert process.poll() is None, process.stderr.read()
            assert time.monotonic() < deadline, seen
            seen += os.read(process.stderr.fileno(), 4096).decode()
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    stderr = seen + stderr
    assert process.returncode == 130, stderr
    assert "stopping after the current batch" in stderr
    assert "INTERRUPTED after" in stdout
    network, meta = load_model(out / "stopped.npz")
    assert meta.interrupted is True
    assert 1 <= len(meta.history) < 100000
    assert meta.training["epochs"] == 100000
    assert network.sizes == (784, 32, 10)
    test = IdxMnistSource(data, digests=None).load().test
    assert network.accuracy(test.images, test.labels) == meta.test_accuracy  # usable and evaluated
    assert sorted(p.name for p in out.iterdir()) == ["stopped.json", "stopped.npz"]

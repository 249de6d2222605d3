"""Where the real data lives, and a clear report when it is not there.

The real MNIST files and the earlier service's model are looked up at ``HIPPO_MNIST_DIR`` or in
``shared/data`` beside the repository (``../shared/data`` from the root of a clone; a git worktree nested one
level deeper finds it too). Tests that need them never skip: without the data they check what they can
on the digits shipped in the package, and this plugin prints at the end of the run which checks ran on
real data and which did not.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
_NOT_RUN: list[str] = []


class RealDataNotRunWarning(UserWarning):
    """A real-data check ran on the packaged sample instead of the full MNIST set."""


def shared_data_dir() -> Path | None:
    for parent in (REPO_ROOT.parent, REPO_ROOT.parent.parent):
        candidate = parent / "shared" / "data"
        if candidate.is_dir():
            return candidate
    return None


def real_mnist_dir() -> Path | None:
    """The directory with the four real MNIST files, or None."""
    env = os.environ.get("HIPPO_MNIST_DIR")
    candidates = [Path(env)] if env else []
    shared = shared_data_dir()
    if shared is not None:
        candidates.append(shared / "mnist")
    for candidate in candidates:
        if (candidate / "t10k-images-idx3-ubyte.gz").is_file() or (
            candidate / "t10k-images-idx3-ubyte"
        ).is_file():
            return candidate
    return None


def report_not_run(what: str) -> None:
    """Record (and warn) that `what` could not run on the real data."""
    message = f"NOT RUN on real MNIST (data not found; set HIPPO_MNIST_DIR): {what}"
    _NOT_RUN.append(message)
    warnings.warn(message, RealDataNotRunWarning, stacklevel=2)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    where = real_mnist_dir()
    terminalreporter.section("real MNIST data")
    if where is not None and not _NOT_RUN:
        terminalreporter.write_line(f"real-data checks ran on {where}")
    for line in _NOT_RUN:
        terminalreporter.write_line(line, yellow=True)

"""Shared test configuration: hypothesis profiles and paths (no environment mutation at import)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

REPO_ROOT = Path(__file__).resolve().parent.parent

settings.register_profile(
    "default",
    deadline=None,
    max_examples=40,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
)
settings.register_profile("ci", parent=settings.get_profile("default"), max_examples=40, derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")

# Real-data location and the end-of-run report of real-data checks (tests/realdata.py).
pytest_plugins = ["tests.realdata"]


@pytest.fixture(scope="session")
def warm_jit():
    """Compiles (or loads from Numba's cache) the numerical kernels once per session, for both dtypes."""
    import numpy as np

    from hippo.domain import Network, Trainer, TrainingConfig

    x = np.zeros((3, 2))
    for dtype in (np.float32, np.float64):
        network = Network.create([2, 2, 2], dtype=dtype).warm_up()
        Trainer(TrainingConfig(epochs=1, batch_size=2)).fit(network, x, np.zeros(3, dtype=np.int64))

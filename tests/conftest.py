"""Shared test configuration: hypothesis profiles and paths (no environment mutation at import)."""

from __future__ import annotations

import os
from pathlib import Path

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

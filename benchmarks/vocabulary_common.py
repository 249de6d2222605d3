"""Shared set-up for the vocabulary benchmarks: a throw-away PostgreSQL migrated to head."""

from __future__ import annotations

import os
import shutil
import signal
import statistics
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hippo.adapters.alembic_migrations import AlembicMigrator
from hippo.adapters.embedded_postgres import EmbeddedPostgres

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


@contextmanager
def benchmark_database() -> Iterator[str]:
    """`BENCH_DATABASE_URL` (must be an empty, disposable database) or an embedded server in a temp dir."""
    given = os.environ.get("BENCH_DATABASE_URL")
    if given:
        AlembicMigrator(given, MIGRATIONS).upgrade()
        yield given
        return
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the server on `kill` too
    parent = Path(tempfile.mkdtemp(prefix="hippo-bench-pg-"))
    server = EmbeddedPostgres(parent / "pgdata", database="bench", delete_on_stop=True)
    try:
        url = server.start()
        AlembicMigrator(url, MIGRATIONS).upgrade()
        yield url
    finally:
        server.stop()
        shutil.rmtree(parent, ignore_errors=True)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100), nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def summary_ms(values: list[float]) -> str:
    """Median, p99 and max of durations in seconds, as milliseconds."""
    ms = [v * 1000 for v in values]
    return f"p50 {statistics.median(ms):.3f} ms, p99 {percentile(ms, 99):.3f} ms, max {max(ms):.3f} ms"


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by the server backend `pid` (same machine, /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

"""Helpers of the failure drills: real `hippo` server processes on loopback, a stoppable PostgreSQL.

Everything is bounded in time: a server that does not answer `/healthz` within `start_timeout` seconds
fails the test with its log attached, and `stop()` kills what does not exit after SIGTERM.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import httpx

from hippo.adapters.alembic_migrations import AlembicMigrator
from hippo.adapters.embedded_postgres import EmbeddedPostgres
from tests.conftest import REPO_ROOT

MIGRATIONS = REPO_ROOT / "migrations"
ADMIN_TOKEN = "drill-admin-token"
BLANK = [0.0] * 784


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def eventually(check: Callable[[], Any], timeout: float, interval: float = 0.2) -> Any:
    """Call `check` until it returns a truthy value (returned) or `timeout` seconds pass (AssertionError)."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = check()
        except (httpx.HTTPError, AssertionError) as exc:
            last = exc
        else:
            if last:
                return last
        time.sleep(interval)
    raise AssertionError(f"not true within {timeout} s; last: {last!r}")


def base_env(tmp: Path, **extra: str) -> dict[str, str]:
    """A clean environment for a `hippo` process: nothing from the developer's .env or shell leaks in."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(tmp)),
        "HIPPO_DATA_DIR": str(tmp / "data"),
        "HIPPO_MODEL_DIR": str(tmp / "models"),
        "HF_CACHE_DIR": str(tmp / "hf"),
        "HIPPO_ADMIN_TOKEN": ADMIN_TOKEN,
        "HIPPO_ENV": "development",
        "LOG_FORMAT": "json",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("NUMBA_CACHE_DIR", "XDG_RUNTIME_DIR", "TMPDIR", "LD_LIBRARY_PATH"):
        if name in os.environ:
            env[name] = os.environ[name]
    env.update(extra)
    return env


class HippoServer:
    """`hippo serve` in a subprocess on 127.0.0.1:`port`, its stderr kept in `log_path`."""

    def __init__(self, env: Mapping[str, str], log_path: Path, *, port: int | None = None) -> None:
        self.env = dict(env)
        self.port = port or free_port()
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None
        self.database_url = self.env.get("DATABASE_URL", "")
        self.url = f"http://127.0.0.1:{self.port}"

    def start(
        self, start_timeout: float = 90.0, wait: bool = True, ready: Callable[[dict], bool] | None = None
    ) -> HippoServer:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "hippo", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env,
            cwd=self.log_path.parent,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        if wait:
            self.wait_ready(start_timeout, ready)
        return self

    def wait_ready(self, timeout: float, ready: Callable[[dict], bool] | None = None) -> None:
        """Wait until `/healthz` answers 200 and `ready(body)` (default: status "healthy")."""
        check = ready or (lambda body: body["status"] == "healthy")

        def up() -> bool:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"hippo serve exited with {self.process.returncode}:\n{self.log()}")
            response = httpx.get(self.url + "/healthz", timeout=2)
            return response.status_code == 200 and check(response.json())

        try:
            eventually(up, timeout)
        except AssertionError as exc:
            self.stop()
            raise AssertionError(f"server not up within {timeout} s:\n{self.log()}") from exc

    def client(self, timeout: float = 15.0) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=timeout)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, timeout: float = 30.0) -> int | None:
        """SIGTERM, then SIGKILL after `timeout` s; the exit code (None if it had to be killed)."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return None if process is None else process.returncode
        process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
            return None


class StoppablePostgres:
    """An embedded PostgreSQL of its own (not the session's), stopped and restarted on the same URL."""

    def __init__(self) -> None:
        self.parent = Path(tempfile.mkdtemp(prefix="hippo-drill-pg-"))
        self.server = EmbeddedPostgres(self.parent / "pgdata", database="drill")
        self.url = ""

    def start(self) -> str:
        url = self.server.start()
        assert not self.url or url == self.url, "the restarted server must keep its URL"
        self.url = url
        return url

    def migrate(self) -> None:
        AlembicMigrator(self.url, MIGRATIONS).upgrade()

    def stop(self) -> None:
        self.server.stop()

    def remove(self) -> None:
        self.server.stop()
        shutil.rmtree(self.parent, ignore_errors=True)

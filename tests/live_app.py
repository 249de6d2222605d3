"""The real app as its own process (`python -m hippo serve` on 127.0.0.1), for end-to-end tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ADMIN_TOKEN = "live-app-test-token"

# Variables of the developer's shell or .env that would point the app elsewhere.
_SCRUBBED = (
    "DATABASE_URL",
    "HF_MODEL_REPO",
    "DEFAULT_MODEL",
    "HF_ENDPOINT",
    "HIPPO_ENV",
    "RAILWAY_ENVIRONMENT",
    "ALLOWED_ORIGINS",
    "PORT",
    "HOST",
)


@dataclass
class LiveApp:
    """A running app: its base URL, an HTTP client and the process's log file."""

    url: str
    log: Path
    client: httpx.Client = field(repr=False)

    def get(self, path: str, **params: Any) -> Any:
        response = self.client.get(path, params=params)
        response.raise_for_status()
        return response.json()

    def post(self, path: str, body: Any) -> Any:
        response = self.client.post(path, json=body, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
        assert response.status_code in (200, 201), f"POST {path}: {response.status_code} {response.text}"
        return response.json()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def live_app(
    workdir: Path, env: Mapping[str, str] | None = None, startup_timeout_s: float = 90.0
) -> Iterator[LiveApp]:
    """Start `hippo serve` with its state under `workdir`; yields once `/healthz` says healthy."""
    port = free_port()
    environ = {k: v for k, v in os.environ.items() if k not in _SCRUBBED}
    environ.update(
        HIPPO_DATA_DIR=str(workdir / "data"),
        HIPPO_MODEL_DIR=str(workdir / "models"),
        HF_CACHE_DIR=str(workdir / "hf-cache"),
        HIPPO_ADMIN_TOKEN=ADMIN_TOKEN,
        LOG_LEVEL="INFO",
    )
    environ.update(env or {})
    log = workdir / "server.log"
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "hippo", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=workdir,
            env=environ,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        with httpx.Client(base_url=url, timeout=10.0) as client:
            _wait_healthy(process, client, log, startup_timeout_s)
            yield LiveApp(url=url, log=log, client=client)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_healthy(
    process: subprocess.Popen[bytes], client: httpx.Client, log: Path, timeout_s: float
) -> None:
    deadline = time.monotonic() + timeout_s
    last = "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"hippo serve exited with {process.returncode}:\n{_tail(log)}")
        try:
            response = client.get("/healthz")
            last = f"{response.status_code} {response.text}"
            if response.status_code == 200 and response.json().get("status") == "healthy":
                return
        except httpx.TransportError as error:
            last = repr(error)
        time.sleep(0.2)
    raise AssertionError(f"hippo serve was not healthy after {timeout_s:.0f} s (last: {last}):\n{_tail(log)}")


def _tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])

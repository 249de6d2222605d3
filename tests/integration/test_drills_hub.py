"""Drill: the Hub goes away. Real `hippo serve` processes against the loopback Hub-compatible server.

With a cached model the server starts and serves it; without one it starts in bounded time, says why
inference answers 503 (or serves the shipped default when that is the default); a truncated cached file
is detected and downloaded again; `hippo doctor` names the problem and exits non-zero. Never a hang.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from huggingface_hub import HfApi

from hippo.adapters.hf_hub_registry import HfHubModelRegistry
from tests.conftest import REPO_ROOT
from tests.hub_server import FakeHub
from tests.integration.drill_support import BLANK, HippoServer, base_env

REPO = "ops/drill-models"
MODEL = "drill-model"
TOKEN = "hf_drill_token"
SHIPPED = REPO_ROOT / "hippo" / "assets" / "models"


@pytest.fixture
def hub() -> FakeHub:
    server = FakeHub(tokens=(TOKEN,)).start()
    server.create_repo(REPO)
    meta = json.loads((SHIPPED / "mnist-relu-100.json").read_text())
    meta["name"] = MODEL
    server.put_file(REPO, f"{MODEL}.npz", (SHIPPED / "mnist-relu-100.npz").read_bytes())
    server.put_file(REPO, f"{MODEL}.json", json.dumps(meta).encode())
    yield server
    server.stop()


def hub_env(tmp_path: Path, hub: FakeHub, database_url: str, cache: Path, **extra: str) -> dict[str, str]:
    return base_env(
        tmp_path,
        DATABASE_URL=database_url,
        HF_MODEL_REPO=REPO,
        HF_ENDPOINT=hub.url,
        HUGGINGFACE_TOKEN=TOKEN,
        DEFAULT_MODEL=MODEL,
        HF_CACHE_DIR=str(cache),
        HF_HUB_DISABLE_XET="1",
        **extra,
    )


def serve(env: dict[str, str], tmp_path: Path, name: str, ready=None) -> HippoServer:
    return HippoServer(env, tmp_path / f"{name}.log").start(start_timeout=120, ready=ready)


def predict(server: HippoServer) -> httpx.Response:
    with server.client() as client:
        return client.post("/v1/predict", json={"pixels": BLANK})


def health(server: HippoServer) -> dict:
    with server.client() as client:
        return client.get("/healthz").json()


def test_hub_outage_with_and_without_a_cache(hub, database_url, tmp_path):
    cache = tmp_path / "hf-cache"
    env = hub_env(tmp_path, hub, database_url, cache)

    HfHubModelRegistry(HfApi(endpoint=hub.url, token=TOKEN), REPO, cache).fetch(MODEL)  # a previous run

    hub.stop()  # --- the Hub is down from here on
    cached = serve(env, tmp_path, "cached")
    try:
        assert health(cached)["model"] == MODEL
        served = predict(cached)
        assert served.status_code == 200
        assert len(served.json()["probabilities"]) == 10
    finally:
        cached.stop()
    assert f"serving model {MODEL} from the cache" in cached.log()

    no_cache = hub_env(tmp_path, hub, database_url, tmp_path / "empty-cache")
    uncached = serve(no_cache, tmp_path, "uncached", ready=lambda body: body["database_connected"])
    try:
        state = health(uncached)
        answer = predict(uncached)
    finally:
        uncached.stop()
    assert (state["status"], state["network_loaded"]) == ("degraded", False)
    assert answer.status_code == 503
    assert "No model is loaded" in answer.json()["detail"]
    log = uncached.log()
    assert "no model could be loaded" in log
    assert f"cannot load model '{MODEL}' (no cached copy" in log
    assert "cannot reach" in log

    fallback_env = hub_env(tmp_path, hub, database_url, tmp_path / "empty-cache-2")
    del fallback_env["DEFAULT_MODEL"]  # the shipped default: served from the package when the Hub is down
    fallback = serve(fallback_env, tmp_path, "fallback")
    try:
        assert health(fallback)["model"] == "mnist-relu-100"
        assert predict(fallback).status_code == 200
    finally:
        fallback.stop()

    doctor = subprocess.run(
        [sys.executable, "-m", "hippo", "doctor", "--timeout", "20"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert doctor.returncode == 1, doctor.stdout + doctor.stderr
    assert "FAIL  hub: token: cannot reach " + hub.url in doctor.stdout


def test_a_truncated_cached_model_is_detected_and_downloaded_again(hub, database_url, tmp_path):
    cache = tmp_path / "hf-cache"
    env = hub_env(tmp_path, hub, database_url, cache)
    HfHubModelRegistry(HfApi(endpoint=hub.url, token=TOKEN), REPO, cache).fetch(MODEL)  # fills the cache
    blobs = [p for p in cache.rglob("*") if p.is_file() and "blobs" in p.parts and p.stat().st_size > 10_000]
    assert len(blobs) == 1, blobs
    blobs[0].write_bytes(blobs[0].read_bytes()[:5000])  # a download cut short

    second = serve(env, tmp_path, "second")
    try:
        assert health(second)["model"] == MODEL
        assert predict(second).status_code == 200
    finally:
        second.stop()
    assert "is corrupt" in second.log()
    assert blobs[0].stat().st_size > 10_000  # replaced by a good copy


def test_model_loads_log_whether_the_cache_was_hit(hub, tmp_path, caplog):
    registry = HfHubModelRegistry(HfApi(endpoint=hub.url, token=TOKEN), REPO, tmp_path / "cache")
    with caplog.at_level("INFO", logger="hippo.adapters.hf_hub_registry"):
        registry.fetch(MODEL)
        registry.fetch(MODEL)
    assert [getattr(r, "cache", None) for r in caplog.records if hasattr(r, "cache")] == ["miss", "hit"]

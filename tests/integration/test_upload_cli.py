"""`hippo upload`, `hippo models list/load` against the loopback Hub.

The CLI runs in-process (`main([...])` with the environment set) for speed, except in the last test, the
issue's "done when": upload a trained model, then load it by name in a fresh process into an empty
cache, then again with the Hub stopped (served from the cache).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hippo.entrypoints.cli import main
from tests.hub_server import FakeHub
from tests.integration.hub_fixtures import HUB_TOKEN, REPO
from tests.port_contracts.model_registry import write_model

DATA = Path(__file__).resolve().parent.parent / "data"
pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")


def hippo_env(hub: FakeHub, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGING", "DEFAULT_MODEL", "HIPPO_"))
    }
    env.update(
        HF_MODEL_REPO=REPO,
        HF_ENDPOINT=hub.url,
        HUGGINGFACE_TOKEN=HUB_TOKEN,
        HF_CACHE_DIR=str(tmp_path / "hf_cache"),
        HIPPO_MODEL_DIR=str(tmp_path / "models"),
        HF_HUB_DISABLE_XET="1",  # the loopback server speaks LFS, not Xet
        HF_HUB_DISABLE_TELEMETRY="1",
        HF_HOME=str(tmp_path / "hf_home"),
    )
    env.update(extra)
    return env


def hippo_process(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hippo", *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def hippo(monkeypatch, capsys, caplog):
    """Run the CLI in this process with `env` as the whole environment; returns a CompletedProcess."""

    def run(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
        for key in list(os.environ):
            if key not in env:
                monkeypatch.delenv(key)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        monkeypatch.chdir(cwd)
        capsys.readouterr()
        caplog.clear()
        code = main(list(args))
        out, err = capsys.readouterr()
        logged = "".join(
            f"{r.levelname}: {r.getMessage()}\n" for r in caplog.records if r.levelname == "WARNING"
        )
        return subprocess.CompletedProcess(args, code, out, err + logged)

    return run


def test_upload_in_the_guides_syntax_verifies_then_deletes_local_files(hippo, fake_hub, tmp_path):
    files = write_model(tmp_path / "models", "mnist-relu-16-20261129T101500", accuracy=0.9791, curves=True)
    done = hippo(
        "upload", f"MODEL={files.weights}", "ACC=97.9", env=hippo_env(fake_hub, tmp_path), cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "verified: mnist-relu-16-20261129T101500.npz" in done.stdout
    assert "sha256" in done.stdout
    assert "deleted local files" in done.stdout
    assert "in one commit" in done.stderr
    assert not any(path.exists() for path in files.paths)
    assert {"mnist-relu-16-20261129T101500.npz", "mnist-relu-16-20261129T101500.png", "README.md"} <= set(
        fake_hub.files(REPO)
    )
    assert "warning" not in done.stderr.lower()


def test_upload_with_keep_local_and_a_disagreeing_acc(hippo, fake_hub, tmp_path):
    files = write_model(tmp_path / "models", "kept-model", accuracy=0.9791)
    done = hippo(
        "upload",
        str(files.weights),
        "--keep-local",
        "--acc",
        "99",
        env=hippo_env(fake_hub, tmp_path),
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "warning: ACC=99 disagrees" in done.stderr
    assert "kept the local files" in done.stdout
    assert all(path.exists() for path in files.paths)


def test_a_hub_that_stores_something_else_keeps_the_local_files(hippo, fake_hub, tmp_path):
    fake_hub.tamper = lambda path, data: data[:-1] if path.endswith(".npz") else data
    files = write_model(tmp_path / "models", "unlucky")
    done = hippo("upload", str(files.weights), env=hippo_env(fake_hub, tmp_path), cwd=tmp_path)
    assert done.returncode == 1
    assert "differs from the local files" in done.stderr
    assert "nothing was deleted locally" in done.stderr
    assert all(path.exists() for path in files.paths)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"HUGGINGFACE_TOKEN": ""}, "no token was given"),
        ({"HF_MODEL_REPO": "alice/does-not-exist"}, "alice/does-not-exist"),
        ({"HF_ENDPOINT": "http://127.0.0.1:9"}, "cannot reach"),
    ],
)
def test_missing_token_unknown_repo_and_network_failure_are_clear(
    hippo, fake_hub, tmp_path, change, expected
):
    files = write_model(tmp_path / "models", "careful")
    done = hippo("upload", str(files.weights), env=hippo_env(fake_hub, tmp_path, **change), cwd=tmp_path)
    assert done.returncode == 1
    assert expected in done.stderr
    assert all(path.exists() for path in files.paths)


def test_models_list_shows_the_hub_models(hippo, fake_hub, tmp_path):
    env = hippo_env(fake_hub, tmp_path)
    for name, accuracy in (("first-model", 0.91), ("second-model", 0.97)):
        files = write_model(tmp_path / "models", name, accuracy=accuracy)
        assert hippo("upload", str(files.weights), env=env, cwd=tmp_path).returncode == 0
    done = hippo("models", "list", "--json", env={**env, "DEFAULT_MODEL": "second-model"}, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = {row["name"]: row for row in json.loads(done.stdout)}
    assert rows["second-model"]["default"] is True
    assert rows["first-model"]["accuracy"] == pytest.approx(0.91)
    assert rows["first-model"]["sizes"] == [784, 16, 10]
    table = hippo("models", "list", env=env, cwd=tmp_path)
    assert "91.00 %" in table.stdout
    assert "hub:alice/mnist" in table.stdout


def test_a_trained_model_loads_in_a_fresh_process_from_the_hub_then_from_the_cache(hippo, fake_hub, tmp_path):
    models = tmp_path / "models"
    models.mkdir()
    for suffix in (".npz", ".json"):  # a model trained by the earlier Hippo (92.91 % on MNIST)
        shutil.copy(DATA / f"orig-sigmoid-30{suffix}", models / f"orig-sigmoid-30{suffix}")
    # No JIT in the child processes: they test where the model comes from, and Numba's start-up (seconds
    # on a busy machine) would dominate; benchmarks/model_load.py measures real start-ups.
    env = hippo_env(fake_hub, tmp_path, DEFAULT_MODEL="orig-sigmoid-30", NUMBA_DISABLE_JIT="1")
    upload = hippo("upload", str(models / "orig-sigmoid-30.npz"), env=env, cwd=tmp_path)
    assert upload.returncode == 0, upload.stderr
    assert not (models / "orig-sigmoid-30.npz").exists()
    assert not (tmp_path / "hf_cache").exists()

    cold = hippo_process("models", "load", env=env, cwd=tmp_path)
    assert cold.returncode == 0, cold.stderr
    cold_row = json.loads(cold.stdout)
    assert cold_row["source"] == "hub"
    assert (cold_row["name"], cold_row["sizes"]) == ("orig-sigmoid-30", [784, 30, 10])
    assert cold_row["accuracy"] == pytest.approx(0.9291)

    fake_hub.stop()
    warm = hippo_process("models", "load", "orig-sigmoid-30", env=env, cwd=tmp_path)
    assert warm.returncode == 0, warm.stderr
    warm_row = json.loads(warm.stdout)
    assert warm_row["source"] == "cache"
    assert warm_row["sizes"] == [784, 30, 10]
    assert "serving model orig-sigmoid-30 from the cache" in warm.stderr

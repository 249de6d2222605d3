"""`hippo doctor` end to end: the embedded setup passes; broken configurations are reported as they are."""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from pathlib import Path

import pytest

from hippo.entrypoints.cli import main
from tests.conftest import REPO_ROOT
from tests.hub_server import FakeHub

REPO = "alice/mnist"
READ_TOKEN = "hf_read_token"
SHIPPED = REPO_ROOT / "hippo" / "assets" / "models"
CONFIG = (
    "DATABASE_URL", "HF_MODEL_REPO", "DEFAULT_MODEL", "HUGGINGFACE_TOKEN", "HF_TOKEN", "ALLOWED_ORIGINS",
    "HIPPO_ADMIN_TOKEN", "HIPPO_ENV", "RAILWAY_ENVIRONMENT", "HF_ENDPOINT", "HF_CACHE_DIR", "HIPPO_DATA_DIR",
    "HIPPO_MODEL_DIR", "LOG_FORMAT", "LOG_LEVEL",
)  # fmt: skip


@pytest.fixture
def doctor(monkeypatch, capsys, tmp_path):
    """Run `hippo doctor` in-process with exactly `env` as its configuration; (exit code, stdout)."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    monkeypatch.chdir(tmp_path)  # no .env of the developer's

    def run(**env: str) -> tuple[int, str]:
        for name in CONFIG:
            monkeypatch.delenv(name, raising=False)
        defaults = {"HF_CACHE_DIR": str(tmp_path / "hf"), "HIPPO_MODEL_DIR": str(tmp_path / "models")}
        for name, value in {**defaults, **env}.items():
            monkeypatch.setenv(name, value)
        code = main(["doctor", "--timeout", "20"])
        return code, capsys.readouterr().out

    yield run
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def hub():
    server = FakeHub(tokens=(READ_TOKEN,)).start()
    server.token_roles[READ_TOKEN] = "read"
    server.create_repo(REPO)
    meta = json.loads((SHIPPED / "mnist-relu-100.json").read_text())
    server.put_file(REPO, "hub-model.npz", (SHIPPED / "mnist-relu-100.npz").read_bytes())
    server.put_file(REPO, "hub-model.json", json.dumps({**meta, "name": "hub-model"}).encode())
    yield server
    server.stop()


def test_the_local_embedded_setup_passes_every_check(doctor):
    # Outside pytest's 0700 basetemp: the embedded server runs as another user and must reach its data.
    data = Path(tempfile.mkdtemp(prefix="hippo-doctor-"))
    try:
        code, out = doctor(HIPPO_DATA_DIR=str(data), HIPPO_ADMIN_TOKEN="local-secret")
    finally:
        shutil.rmtree(data, ignore_errors=True)
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0] == "OK    admin token: HIPPO_ADMIN_TOKEN is set: dictionary writes need it"
    assert "OK    CORS origins: ALLOWED_ORIGINS is empty: no cross-origin browser access" in lines
    assert any(
        x.startswith("OK    database: reachable: postgresql://postgres:***@/hippo?host=") for x in lines
    )
    assert any(x.startswith("OK    migrations: schema at head (") for x in lines)
    assert "OK    default model: mnist-relu-100 loads (784-100-10, package)" in lines
    assert lines[-1] == "all checks passed."


def test_a_hub_deployment_passes_and_names_the_token_owner_and_its_role(doctor, hub, database_url):
    code, out = doctor(
        DATABASE_URL=database_url,
        HF_MODEL_REPO=REPO,
        HF_ENDPOINT=hub.url,
        HUGGINGFACE_TOKEN=READ_TOKEN,
        DEFAULT_MODEL="hub-model",
        ALLOWED_ORIGINS="https://app.example.org,http://localhost:3000",
        HIPPO_ENV="production",
        HIPPO_ADMIN_TOKEN="prod-secret",
    )
    assert code == 0, out
    assert "OK    hub token: belongs to alice (read, read-only)" in out
    assert f"OK    hub repository: {REPO} reachable on {hub.url} (public, 2 files)" in out
    assert "OK    default model: hub-model loads (784-100-10, hub)" in out
    assert "OK    CORS origins: 2 origin(s): https://app.example.org, http://localhost:3000" in out


def test_unmigrated_database_unknown_model_and_bad_token_are_reported(doctor, hub, new_database):
    code, out = doctor(
        DATABASE_URL=new_database("doctor_unmigrated"),
        HF_MODEL_REPO=REPO,
        HF_ENDPOINT=hub.url,
        HUGGINGFACE_TOKEN="hf_revoked",
        DEFAULT_MODEL="no-such-model",
    )
    assert code == 1, out
    assert "FAIL  migrations: schema at no revision (empty database), the code expects " in out
    assert "      fix: run `hippo db upgrade` (on Railway the preDeployCommand does it)" in out
    assert "FAIL  hub: token: the Hub rejected the token (HTTP 401)" in out
    assert "FAIL  default model: no-such-model cannot be loaded from hub:" in out
    assert "WARN  admin token:" in out
    assert out.rstrip().endswith("check(s) failed: fix them before deploying.")


def test_unreachable_database_malformed_origins_hub_down_and_no_admin_token(doctor, hub):
    hub.stop()
    code, out = doctor(
        DATABASE_URL="postgresql://hippo:pw-x7q@127.0.0.1:9/hippo",
        HF_MODEL_REPO=REPO,
        HF_ENDPOINT=hub.url,
        DEFAULT_MODEL="hub-model",
        ALLOWED_ORIGINS="https://ok.example.org,example.org,https://app.example.org/",
        HIPPO_ENV="production",
    )
    assert code == 1, out
    assert "FAIL  admin token: production mode (HIPPO_ENV=production or on Railway) without" in out
    assert "FAIL  CORS origins: 'example.org' has no http:// or https:// scheme; " in out
    assert "'https://app.example.org/' is not a bare origin" in out
    assert 'FAIL  database: connection failed: connection to server at "127.0.0.1", port 9 failed' in out
    assert "pw-x7q" not in out
    assert f"FAIL  hub: repository: cannot reach {hub.url}" in out
    assert "FAIL  default model: hub-model cannot be loaded from hub:" in out
    assert "5 check(s) failed" in out

"""railway.json and .env.example agree with the code: commands exist, every variable is documented."""

from __future__ import annotations

import json
import re
import shlex
import tomllib

import pytest

from hippo.entrypoints.cli import build_parser
from tests.conftest import REPO_ROOT

RAILWAY = json.loads((REPO_ROOT / "railway.json").read_text())
ENV_EXAMPLE = (REPO_ROOT / ".env.example").read_text()
GUIDE_VARIABLES = ["DATABASE_URL", "HF_MODEL_REPO", "DEFAULT_MODEL", "HUGGINGFACE_TOKEN", "ALLOWED_ORIGINS"]


def documented_variables(text: str) -> list[str]:
    """Names assigned in .env.example, also the commented-out ones (`# NAME=`), in file order."""
    return re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE)


def variables_read_by_config() -> set[str]:
    source = (REPO_ROOT / "hippo" / "config.py").read_text()
    return set(re.findall(r"""get\(\s*["']([A-Z][A-Z0-9_]*)["']""", source))


def parses_as_hippo_command(command: str) -> None:
    words = shlex.split(command.replace("$PORT", "8000"))
    assert words[0] == "hippo", f"{command!r} should run the hippo command"
    build_parser().parse_args(words[1:])  # SystemExit(2) on an unknown command or option


def test_every_variable_hippo_reads_is_in_env_example():
    read = variables_read_by_config()
    assert {"DATABASE_URL", "HF_CACHE_DIR", "LOG_LEVEL"} <= read  # the scan itself works
    missing = sorted(read - set(documented_variables(ENV_EXAMPLE)))
    assert not missing, f".env.example does not mention {missing}"


def test_env_example_lists_the_guide_variables_first_and_each_once():
    names = documented_variables(ENV_EXAMPLE)
    guide = [*GUIDE_VARIABLES, "HF_CACHE_DIR"]
    first_own = min(i for i, name in enumerate(names) if name.startswith("HIPPO_"))
    assert [name for name in names[:first_own] if name in guide] == guide
    assert set(names[:first_own]) <= {*guide, "HF_TOKEN"}
    assert len(names) == len(set(names)), "a variable appears twice in .env.example"
    assert "NUMBA_CACHE_DIR" in names


def test_env_example_holds_no_secret_values():
    for name, value in re.findall(r"^([A-Z_]*(?:TOKEN|URL))=(.*)$", ENV_EXAMPLE, flags=re.MULTILINE):
        assert value == "", f"{name} has a value in .env.example"


def test_railway_builds_with_railpack_on_the_pinned_python():
    assert RAILWAY["$schema"] == "https://railway.com/railway.schema.json"
    assert RAILWAY["build"]["builder"] == "RAILPACK"
    pinned = (REPO_ROOT / ".python-version").read_text().strip()
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    assert re.fullmatch(r"3\.\d+", pinned)
    assert project["requires-python"] == ">=3.11"
    assert int(pinned.split(".")[1]) >= 11


def test_railway_starts_hippo_serve_on_the_injected_port():
    start = RAILWAY["deploy"]["startCommand"]
    assert "--port $PORT" in start
    assert "--host 0.0.0.0" in start
    parses_as_hippo_command(start)
    assert shlex.split(start)[1] == "serve"


def test_railway_runs_the_migrations_before_each_deploy():
    commands = RAILWAY["deploy"]["preDeployCommand"]
    assert isinstance(commands, list)
    assert commands
    for command in commands:
        parses_as_hippo_command(command)
    assert any(shlex.split(c)[1:3] == ["db", "upgrade"] for c in commands)


def test_railway_checks_health_and_restarts_on_failure():
    deploy = RAILWAY["deploy"]
    assert deploy["healthcheckPath"] == "/healthz"
    assert 30 <= deploy["healthcheckTimeout"] <= 300
    assert deploy["restartPolicyType"] in {"ON_FAILURE", "ALWAYS"}
    assert 1 <= deploy["restartPolicyMaxRetries"] <= 10


@pytest.mark.parametrize("command", ["hippo serve --port 1", "hippo nosuchcommand"])
def test_command_check_rejects_what_the_cli_does_not_know(command):
    if command.endswith("nosuchcommand"):
        with pytest.raises(SystemExit):
            parses_as_hippo_command(command)
    else:
        parses_as_hippo_command(command)


def test_the_deployment_guide_is_linked_and_covers_the_variables_and_commands():
    guide = (REPO_ROOT / "docs" / "DEPLOYMENT.md").read_text()
    assert "docs/DEPLOYMENT.md" in (REPO_ROOT / "README.md").read_text()
    # (NUMBA_CACHE_DIR is not among them: the server infers with NumPy and never loads Numba)
    for name in [*GUIDE_VARIABLES, "HF_CACHE_DIR", "HIPPO_ADMIN_TOKEN"]:
        assert f"{name}=" in guide, f"docs/DEPLOYMENT.md does not show how to set {name}"
    for command in [RAILWAY["deploy"]["startCommand"], *RAILWAY["deploy"]["preDeployCommand"]]:
        assert command in guide
    for path in ("/healthz", "/v1/predict", "/docs", "hippo doctor", "DEFAULT_MODEL"):
        assert path in guide

"""`hippo doctor`: check a configuration end to end before deploying it.

Each check answers OK, WARN (works, but worth knowing) or FAIL (what is wrong and what to do about it).
Checks that talk to a service run in a worker thread bounded by `timeout` seconds, so an unreachable
host is reported, never waited on forever. Any exception an adapter raises becomes a FAIL quoting it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from hippo.ports.diagnostics import DatabaseInspector, HubInspector

OK, WARN, FAIL = "OK", "WARN", "FAIL"
_HOST = re.compile(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$")


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One check's verdict; `fix` says what to do when the status is not OK."""

    name: str
    status: str
    message: str
    fix: str | None = None

    @property
    def failed(self) -> bool:
        return self.status == FAIL


@dataclass(frozen=True, slots=True)
class DoctorSettings:
    """The parts of the configuration the doctor judges (plain values, no secrets kept)."""

    production: bool
    admin_token_set: bool
    allowed_origins: tuple[str, ...]
    database_configured: bool
    hf_model_repo: str | None
    hf_token_set: bool
    default_model: str


class ModelLoader(Protocol):
    """The part of the model registry the doctor uses."""

    @property
    def location(self) -> str: ...

    def fetch(self, name: str) -> Any: ...

    def list_models(self) -> Sequence[Any]: ...


def origin_problem(origin: str) -> str | None:
    """Why `origin` is not a well-formed CORS origin (``scheme://host[:port]``), or None when it is."""
    if origin == "*":
        return "'*' lets every site call the API; list the frontend origins instead"
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https"):
        return f"{origin!r} has no http:// or https:// scheme"
    if parts.path or parts.query or parts.fragment or parts.username:
        return f"{origin!r} is not a bare origin (no path, trailing slash, query or user allowed)"
    try:
        parts.port  # noqa: B018 - raises ValueError for a port outside 0-65535 or not a number
    except ValueError:
        return f"{origin!r} has an invalid port"
    host = parts.hostname or ""
    if not (_HOST.match(host) or ":" in host):
        return f"{origin!r} does not have a valid host"
    return None


class Doctor:
    """Runs every check over the configuration and the services it names."""

    def __init__(
        self,
        settings: DoctorSettings,
        database: Callable[[], DatabaseInspector],
        hub: Callable[[], HubInspector] | None,
        models: Callable[[], ModelLoader],
        *,
        timeout: float = 30.0,
    ) -> None:
        self.settings = settings
        self._database = database
        self._hub = hub
        self._models = models
        self.timeout = timeout

    def run(self) -> list[CheckResult]:
        """Every check, in the order an operator would fix them."""
        results = [self.admin_token(), self.cors_origins()]
        results.extend(self._bounded("database", self.database))
        if self._hub is not None:
            results.extend(self._bounded("hub", self.hub))
        results.extend(self._bounded("default model", self.default_model))
        return results

    def _bounded(self, name: str, check: Callable[[], list[CheckResult]]) -> list[CheckResult]:
        """Run `check` in a daemon thread (a hung connect cannot keep the process alive) for `timeout` s."""
        box: list[list[CheckResult]] = []

        def target() -> None:
            try:
                box.append(check())
            except Exception as exc:
                box.append([CheckResult(name, FAIL, _describe(exc), _fix_for(name))])

        worker = threading.Thread(target=target, name=f"doctor-{name}", daemon=True)
        worker.start()
        worker.join(self.timeout)
        if not box:
            return [CheckResult(name, FAIL, f"no answer within {self.timeout:g} s", _fix_for(name))]
        return box[0]

    def admin_token(self) -> CheckResult:
        s = self.settings
        if s.admin_token_set:
            return CheckResult("admin token", OK, "HIPPO_ADMIN_TOKEN is set: dictionary writes need it")
        if s.production:
            return CheckResult(
                "admin token",
                FAIL,
                "production mode (HIPPO_ENV=production or on Railway) without HIPPO_ADMIN_TOKEN: "
                "the server refuses to start",
                "set HIPPO_ADMIN_TOKEN to a long random secret "
                '(python3 -c "import secrets; print(secrets.token_urlsafe(32))")',
            )
        return CheckResult(
            "admin token",
            WARN,
            "HIPPO_ADMIN_TOKEN is not set: anyone can write the dictionary (fine for development only)",
            "set HIPPO_ADMIN_TOKEN before deploying",
        )

    def cors_origins(self) -> CheckResult:
        origins = self.settings.allowed_origins
        problems = [p for p in map(origin_problem, origins) if p]
        if problems:
            return CheckResult(
                "CORS origins",
                FAIL,
                "; ".join(problems),
                "set ALLOWED_ORIGINS to comma-separated origins like https://app.example.org",
            )
        if not origins:
            return CheckResult("CORS origins", OK, "ALLOWED_ORIGINS is empty: no cross-origin browser access")
        return CheckResult("CORS origins", OK, f"{len(origins)} origin(s): {', '.join(origins)}")

    def database(self) -> list[CheckResult]:
        state = self._database().inspect()
        where = f"{state.location} (PostgreSQL {state.server_version}{', pooled' if state.pooled else ''})"
        results = [CheckResult("database", OK, f"reachable: {where}")]
        if state.current_revision == state.head_revision:
            results.append(CheckResult("migrations", OK, f"schema at head ({state.head_revision})"))
        else:
            results.append(
                CheckResult(
                    "migrations",
                    FAIL,
                    f"schema at {state.current_revision or 'no revision (empty database)'}, "
                    f"the code expects {state.head_revision}",
                    "run `hippo db upgrade` (on Railway the preDeployCommand does it)",
                )
            )
        return results

    def hub(self) -> list[CheckResult]:
        assert self._hub is not None
        hub = self._hub()
        results: list[CheckResult] = []
        token = hub.whoami()
        if token is None:
            results.append(
                CheckResult(
                    "hub token",
                    WARN,
                    "no token: public repositories only, and `hippo upload` will fail",
                    "set HUGGINGFACE_TOKEN (a read token is enough to serve; write to upload)",
                )
            )
        else:
            role = token.role or "unknown role"
            writes = {True: ", can write the repository", False: ", read-only", None: ""}
            writes_text = writes[token.can_write_repo]
            results.append(CheckResult("hub token", OK, f"belongs to {token.user} ({role}{writes_text})"))
        repo = hub.repository()
        visibility = {True: "private", False: "public", None: "visibility unknown"}[repo.private]
        results.append(
            CheckResult(
                "hub repository",
                OK,
                f"{repo.repo_id} reachable on {hub.endpoint} ({visibility}, {repo.files} files)",
            )
        )
        return results

    def default_model(self) -> list[CheckResult]:
        models = self._models()
        name = self.settings.default_model
        try:
            loaded = models.fetch(name)
        except Exception as exc:
            names = _names(models)
            choices = f"; available: {', '.join(names)}" if names else ""
            return [
                CheckResult(
                    "default model",
                    FAIL,
                    f"{name} cannot be loaded from {models.location}: {_describe(exc)}",
                    f"set DEFAULT_MODEL to a model the registry has{choices} (or upload it: hippo upload)",
                )
            ]
        sizes = getattr(getattr(loaded, "network", None), "sizes", None)
        shape = "-".join(str(n) for n in sizes) if sizes else "?"
        source = getattr(loaded, "source", "")
        return [CheckResult("default model", OK, f"{name} loads ({shape}, {source or models.location})")]


def _names(models: ModelLoader) -> list[str]:
    try:
        return [str(getattr(m, "name", m)) for m in models.list_models()]
    except Exception:
        return []


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) < 400 else text[:397] + "..."


def _fix_for(name: str) -> str:
    return {
        "database": "check DATABASE_URL (paste it as Neon gives it) and that the database is running",
        "hub": "check HF_MODEL_REPO, HUGGINGFACE_TOKEN and that the Hub (HF_ENDPOINT) is reachable",
        "default model": "check DEFAULT_MODEL and the model registry (HF_MODEL_REPO or HIPPO_MODEL_DIR)",
    }[name]

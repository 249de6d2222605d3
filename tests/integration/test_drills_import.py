"""Drill: a bulk import killed mid-way leaves only whole chunks behind, and rerunning it completes it."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import psycopg

from hippo.adapters.alembic_migrations import AlembicMigrator
from hippo.adapters.postgres import asyncpg_dsn
from tests.integration.drill_support import base_env, eventually
from tests.integration.postgres_fixtures import MIGRATIONS

WORDS = 12_000
CHUNK = 5_000  # VocabularyImport's default chunk: one transaction each


def lexicon(count: int) -> dict:
    return {
        "words": [
            {
                "word_text": f"drillword{i:06d}",
                "language_code": "en",
                "definitions": [
                    {
                        "definition_text": f"definition of drill word {i}",
                        "part_of_speech": "noun",
                        "examples": [{"example_text": f"an example for word {i}", "source": None}],
                    }
                ],
                "tags": [],
                "word_forms": [{"form_text": f"drillword{i:06d}s", "form_type": "plural"}],
            }
            for i in range(count)
        ],
        "relations": [
            {
                "language_code": "en",
                "word_1": f"drillword{i:06d}",
                "word_2": f"drillword{i + 1:06d}",
                "relation_type": "related",
            }
            for i in range(0, count - 1, 2)
        ],
    }


def counts(url: str) -> dict[str, int]:
    tables = ("words", "definitions", "examples", "word_forms", "word_relations")
    with psycopg.connect(asyncpg_dsn(url), autocommit=True) as con:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def orphans(url: str) -> int:
    """Words missing their definition, example or form: what a half-written word would look like."""
    sql = """
        SELECT count(*) FROM words w
        WHERE NOT EXISTS (SELECT 1 FROM definitions d JOIN examples e ON e.definition_id = d.id
                          WHERE d.word_id = w.id)
           OR NOT EXISTS (SELECT 1 FROM word_forms f WHERE f.word_id = w.id)
    """
    with psycopg.connect(asyncpg_dsn(url), autocommit=True) as con:
        return con.execute(sql).fetchone()[0]


def seed(env: dict[str, str], path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "hippo", "vocab", "seed", "--file", str(path), "--quiet"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_killed_bulk_import_leaves_whole_chunks_and_a_rerun_completes_it(new_database, tmp_path):
    url = new_database("drill_import")
    AlembicMigrator(url, MIGRATIONS).upgrade()
    path = tmp_path / "lexicon.json"
    path.write_text(json.dumps(lexicon(WORDS)))
    env = base_env(tmp_path, DATABASE_URL=url)

    first = seed(env, path)
    try:
        # Kill it (SIGKILL: no cleanup at all) as soon as some chunks are in and others are not.
        eventually(lambda: 0 < counts(url)["words"] < WORDS, timeout=120, interval=0.05)
        first.send_signal(signal.SIGKILL)
    finally:
        first.wait(30)
    assert first.returncode == -signal.SIGKILL, first.stdout.read() if first.stdout else ""

    partial = counts(url)
    assert 0 < partial["words"] < WORDS, partial
    assert partial["words"] % CHUNK == 0, f"a chunk was half written: {partial}"
    assert partial["definitions"] == partial["examples"] == partial["word_forms"] == partial["words"]
    assert orphans(url) == 0

    started = time.monotonic()
    second = seed(env, path)
    out, _ = second.communicate(timeout=300)
    assert second.returncode == 0, out
    assert f"words: {WORDS - partial['words']} created of {WORDS} read" in out
    final = counts(url)
    assert final == {
        "words": WORDS,
        "definitions": WORDS,
        "examples": WORDS,
        "word_forms": WORDS,
        "word_relations": WORDS // 2,
    }, final
    assert orphans(url) == 0
    assert time.monotonic() - started < 300

"""Drills: scaling out and concurrent writers. Two `hippo serve` processes on two loopback ports over
one PostgreSQL database.

Migrations started twice at the same moment are applied once; both servers then take writes and
reads at the same time; every acknowledged write is stored exactly once, conflicts across servers are
409s, and both servers report the same dictionary afterwards. Many clients writing the same word at
once, spread over both servers: one winner and 409s for the rest, no lost update, no duplicate row.
"""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
import psycopg
import pytest

from hippo.adapters.alembic_migrations import AlembicMigrator
from hippo.adapters.postgres import asyncpg_dsn
from hippo.adapters.postgres_schema import TABLES
from tests.integration.drill_support import ADMIN_TOKEN, BLANK, HippoServer, base_env
from tests.integration.postgres_fixtures import MIGRATIONS

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
D = "/v1/dictionary"
WRITERS_PER_SERVER = 6
WORDS_PER_WRITER = 20
SHARED = 12


@pytest.fixture(scope="module")
def cluster(new_database, tmp_path_factory):
    """An empty database migrated by two racing `hippo db upgrade`s, then two servers on it."""
    url = new_database("scaling")
    tmp_path = tmp_path_factory.mktemp("drill-scaling")
    env = base_env(tmp_path, DATABASE_URL=url, LOG_FORMAT="text")
    # Two deploys' pre-deploy commands racing on an empty database.
    upgrades = [
        subprocess.Popen(
            [sys.executable, "-m", "hippo", "db", "upgrade"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=180)[0] for p in upgrades]
    servers = [HippoServer(env, tmp_path / f"server{i}.log").start(wait=False) for i in range(2)]
    try:
        for server in servers:
            server.wait_ready(180)
        yield Cluster(url, servers, [p.returncode for p in upgrades], outputs)
    finally:
        codes = [server.stop() for server in servers]
    assert codes == [0, 0], [s.log() for s in servers]


@dataclass
class Cluster:
    url: str
    servers: list[HippoServer]
    upgrade_codes: list[int]
    upgrade_outputs: list[str]


@pytest.fixture
def api(cluster):
    """A client of the first server, over empty dictionary tables."""
    with psycopg.connect(asyncpg_dsn(cluster.url), autocommit=True) as con:
        con.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
    with cluster.servers[0].client(timeout=30.0) as client:
        yield client


def test_migrations_started_twice_at_once_are_applied_once(cluster):
    assert cluster.upgrade_codes == [0, 0], cluster.upgrade_outputs
    runs = sum(len(re.findall(r"Running upgrade\s+->", out)) for out in cluster.upgrade_outputs)
    assert runs == 1, cluster.upgrade_outputs
    head = AlembicMigrator(cluster.url, MIGRATIONS).head()
    with psycopg.connect(asyncpg_dsn(cluster.url), autocommit=True) as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [(head,)]


def test_both_servers_take_writes_and_agree_on_the_result(cluster, api):
    run_the_drill(cluster.servers, cluster.url)


def run_the_drill(servers: list[HippoServer], url: str) -> None:
    def writer(index: int) -> list[tuple[str, int, int | None]]:
        server = servers[index % 2]
        done = []
        with httpx.Client(base_url=server.url, timeout=30.0) as client:
            for i in range(WORDS_PER_WRITER):
                text = f"scale{index:02d}x{i:03d}"
                r = client.post(f"{D}/words", json={"word_text": text, "language_code": "en"}, headers=AUTH)
                done.append((text, r.status_code, r.json().get("id")))
                shared = f"shared{(index + i) % SHARED:02d}"
                r = client.post(f"{D}/words", json={"word_text": shared, "language_code": "en"}, headers=AUTH)
                done.append((shared, r.status_code, r.json().get("id") if r.status_code == 201 else None))
                if i % 5 == 0:
                    assert client.post("/v1/predict", json={"pixels": BLANK}).status_code == 200
        return done

    writers = 2 * WRITERS_PER_SERVER
    with ThreadPoolExecutor(max_workers=writers) as pool:
        results = list(itertools.chain.from_iterable(pool.map(writer, range(writers))))

    unexpected = [r for r in results if r[1] not in (201, 409)]
    assert not unexpected, unexpected
    own = [r for r in results if r[0].startswith("scale")]
    assert all(code == 201 for _, code, _ in own)  # distinct words never conflict
    shared_created = sorted(text for text, code, _ in results if text.startswith("shared") and code == 201)
    assert shared_created == sorted({f"shared{k:02d}" for k in range(SHARED)})  # each exactly once

    acknowledged = {(text, word_id) for text, code, word_id in results if code == 201}
    with psycopg.connect(asyncpg_dsn(url), autocommit=True) as con:
        stored = set(con.execute("SELECT word_text, id FROM words").fetchall())
    assert stored == acknowledged  # nothing lost, nothing extra, no duplicate
    assert len(stored) == writers * WORDS_PER_WRITER + SHARED

    views = []
    for server in servers:
        with server.client() as client:
            listing = client.get(f"{D}/words", params={"search": "shared", "page_size": 100}).json()
            views.append(sorted((w["id"], w["word_text"]) for w in listing["data"]))
            assert client.get(f"{D}/words", params={"page_size": 1}).json()["total"] == len(stored)
    assert views[0] == views[1]
    assert len(views[0]) == SHARED


# ---- concurrent writers on the same word, spread over both servers
WRITERS = 16


def fan_out(servers: list[HippoServer], calls: list) -> list[httpx.Response]:
    """Run every `call(client)` at the same time, alternating servers, each on its own connection."""

    def one(indexed):
        i, call = indexed
        with httpx.Client(base_url=servers[i % len(servers)].url, timeout=30.0) as client:
            return call(client)

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(one, enumerate(calls)))


def test_the_same_word_created_by_many_writers_exists_once_and_the_rest_get_409(api, cluster):
    word = {"word_text": "contested", "language_code": "en"}
    answers = fan_out(cluster.servers, [lambda c: c.post(f"{D}/words", json=word, headers=AUTH)] * WRITERS)
    codes = sorted(r.status_code for r in answers)
    assert codes == [201] + [409] * (WRITERS - 1), [
        r.text for r in answers if r.status_code not in (201, 409)
    ]
    assert all("request_id" not in r.json() for r in answers)
    assert api.get(f"{D}/words", params={"search": "contested"}).json()["total"] == 1


def test_concurrent_definitions_on_one_word_are_all_kept_with_distinct_orders(api, cluster):
    word = api.post(f"{D}/words", json={"word_text": "busy", "language_code": "en"}, headers=AUTH).json()

    def add(i):
        body = {"definition_text": f"meaning {i}", "part_of_speech": "adjective"}
        return lambda c: c.post(f"{D}/words/{word['id']}/definitions", json=body, headers=AUTH)

    answers = fan_out(cluster.servers, [add(i) for i in range(WRITERS)])
    assert {r.status_code for r in answers} <= {201, 409}, [r.text for r in answers]
    created = [r.json() for r in answers if r.status_code == 201]
    assert created, "at least one writer must succeed"
    full = api.get(f"{D}/words/{word['id']}", params={"include_definitions": "true"}).json()
    stored = sorted((d["order"], d["definition_text"]) for d in full["definitions"])
    assert stored == sorted((d["order"], d["definition_text"]) for d in created)  # nothing lost or extra
    assert len({order for order, _ in stored}) == len(stored)


def test_concurrent_renames_onto_one_text_leave_exactly_one_winner(api, cluster):
    ids = [
        api.post(f"{D}/words", json={"word_text": f"draft{i}", "language_code": "en"}, headers=AUTH).json()[
            "id"
        ]
        for i in range(8)
    ]
    answers = fan_out(
        cluster.servers,
        [lambda c, i=i: c.patch(f"{D}/words/{i}", json={"word_text": "final"}, headers=AUTH) for i in ids],
    )
    assert sorted(r.status_code for r in answers) == [200] + [409] * 7, [r.text for r in answers]
    listing = api.get(f"{D}/words", params={"language": "en", "page_size": 50}).json()
    texts = sorted(w["word_text"] for w in listing["data"])
    assert texts.count("final") == 1
    assert len(texts) == 8


def test_concurrent_tag_links_and_field_updates_do_not_overwrite_each_other(api, cluster):
    word = api.post(f"{D}/words", json={"word_text": "layered", "language_code": "en"}, headers=AUTH).json()
    tags = [
        api.post(f"{D}/tags", json={"name": f"t{i}", "description": None}, headers=AUTH).json()["id"]
        for i in range(4)
    ]
    forms = [{"form_text": "layereds", "form_type": "plural"}]
    calls = [
        lambda c: c.patch(f"{D}/words/{word['id']}", json={"tag_ids": tags}, headers=AUTH),
        lambda c: c.patch(f"{D}/words/{word['id']}", json={"word_forms": forms}, headers=AUTH),
    ] * 4
    answers = fan_out(cluster.servers, calls)
    assert {r.status_code for r in answers} == {200}, [r.text for r in answers]
    full = api.get(f"{D}/words/{word['id']}", params={"include_all": "true"}).json()
    assert sorted(t["id"] for t in full["tags"]) == sorted(tags)
    assert [f["form_text"] for f in full["word_forms"]] == ["layereds"]

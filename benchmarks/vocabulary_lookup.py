"""Lookup by language+text and 2-letter prefix search at 10k, 100k and 1M words (target p99 <= 1 ms, flat).

Run: ``python benchmarks/vocabulary_lookup.py [--sizes 10000,100000,1000000] [--calls 2000] [--repeats 3]``,
or ``--wordnet /usr/share/wordnet`` to import WordNet into the throw-away server and measure that.
Synthetic words (3-12 random lower-case letters, "en"), each with one definition and one example,
are added in SQL up to each size (then VACUUM ANALYZE, as autovacuum would). Timed at the repository
level over one asyncpg pool on the embedded server's Unix socket:

- `find_word("en", text)`: the word with definitions, examples, tags and forms in one query;
- `list_words(search=<2 letters>, language="en", page_size=100)`: the ordered page plus the total;
- the cyclic garbage collector's pauses during each timed run (``--gc-freeze``: `gc.freeze()` first);
- baseline, side by side: the earlier service's search, ``word_text ILIKE 'ab%' ORDER BY word_text
  LIMIT 100`` plus ``count(*)`` with the same filter.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import statistics
import string
import time
from pathlib import Path

import asyncpg
from vocabulary_common import benchmark_database, percentile, server_cpu, summary_ms

from hippo.adapters.postgres import PoolSettings, create_pool
from hippo.adapters.postgres_vocabulary import PostgresVocabularyRepository
from hippo.adapters.wordnet import WordNetFiles
from hippo.services.vocabulary_import import VocabularyImport

GROW = """
INSERT INTO words (word_text, language_code)
SELECT s.w, 'en' FROM generate_series(1, $1) g,
  LATERAL (SELECT string_agg(chr(97 + floor(random() * 26)::int), '') AS w
           FROM generate_series(1, 3 + (g + $2) % 10)) s
ON CONFLICT DO NOTHING
"""
DEFINE = """
INSERT INTO definitions (word_id, definition_text, part_of_speech, "order")
SELECT id, 'the meaning of ' || word_text, 'noun', 0 FROM words w
WHERE NOT EXISTS (SELECT 1 FROM definitions d WHERE d.word_id = w.id)
"""
EXEMPLIFY = """
INSERT INTO examples (definition_id, example_text)
SELECT id, 'an example of ' || definition_text FROM definitions d
WHERE NOT EXISTS (SELECT 1 FROM examples e WHERE e.definition_id = d.id)
"""
BASELINE_PAGE = (
    "SELECT id, word_text, language_code, created_at, updated_at FROM words"
    " WHERE word_text ILIKE $1 AND language_code = $2 ORDER BY word_text LIMIT 100 OFFSET 0"
)
BASELINE_COUNT = "SELECT count(*) FROM words WHERE word_text ILIKE $1 AND language_code = $2"


async def grow(pool: asyncpg.Pool, size: int) -> int:
    async with pool.acquire() as con:
        count: int = await con.fetchval("SELECT count(*) FROM words")
        salt = 0
        while count < size:
            await con.execute(GROW, min(200_000, int((size - count) * 1.05) + 10), salt)
            salt += 7
            count = await con.fetchval("SELECT count(*) FROM words")
        await con.execute(DEFINE)
        await con.execute(EXEMPLIFY)
        await con.execute("VACUUM ANALYZE words")
        await con.execute("VACUUM ANALYZE definitions")
        await con.execute("VACUUM ANALYZE examples")
        await con.execute("VACUUM ANALYZE word_forms")
    return count


CPU: dict[str, float] = {}
FREEZE = [False]
GC_PAUSES: list[float] = []
"""Durations of the cyclic garbage collector's runs in this process (seconds)."""
_gc_started = [0.0]


def _gc_clock(phase: str, info: dict[str, int]) -> None:
    if phase == "start":
        _gc_started[0] = time.perf_counter()
    else:
        GC_PAUSES.append(time.perf_counter() - _gc_started[0])


gc.callbacks.append(_gc_clock)


async def timed(calls: list[object], run: object, backend: int = 0) -> list[float]:
    """Wall-clock durations; also records the mean CPU per call (client + server backend) in `CPU`."""
    durations = []
    client, server = time.process_time(), server_cpu(backend) if backend else 0.0
    for arg in calls:
        started = time.perf_counter()
        await run(arg)  # type: ignore[operator]
        durations.append(time.perf_counter() - started)
    if backend:
        used = time.process_time() - client + server_cpu(backend) - server
        CPU["last"] = used / len(calls)
    return durations


def cpu_note() -> str:
    return f"; mean CPU per call {CPU['last'] * 1000:.3f} ms (client + server)"


def gc_note(pauses: list[float]) -> str:
    longest = max(pauses, default=0.0) * 1000
    return f"; GC {len(pauses)} runs, {sum(pauses) * 1000:.1f} ms in all, longest {longest:.2f} ms"


async def measure(pool: asyncpg.Pool, calls: int, baseline_calls: int, repeats: int) -> None:
    repo = PostgresVocabularyRepository(pool)
    rng = random.Random(0)
    texts = [r[0] for r in await pool.fetch("SELECT word_text FROM words ORDER BY random() LIMIT $1", calls)]
    prefixes = ["".join(rng.choices(string.ascii_lowercase, k=2)) for _ in range(calls)]

    async def lookup(text: object) -> None:
        await repo.find_word("en", str(text))

    async def search(prefix: object) -> None:
        await repo.list_words(search=str(prefix), language="en", page_size=100)

    async def baseline(prefix: object) -> None:
        async with pool.acquire() as con:
            await con.fetch(BASELINE_PAGE, f"{prefix}%", "en")
            await con.fetchval(BASELINE_COUNT, f"{prefix}%", "en")

    await timed(texts[:100], lookup)  # warm the statement caches
    await timed(prefixes[:100], search)
    if FREEZE[0]:  # what a server can do after start-up: long-lived objects leave the GC's scans
        gc.collect()
        gc.freeze()
    totals = sorted(
        [(await repo.list_words(search=p, language="en", page_size=100)).total for p in prefixes[:200]]
    )
    backend = await pool.fetchval("SELECT pg_backend_pid()")  # max_size=1: the only backend
    results: dict[str, list[tuple[float, float]]] = {"lookup": [], "search": []}
    for repeat in range(repeats):
        rng.shuffle(texts)
        rng.shuffle(prefixes)
        for name, calls_, run in (("lookup", texts, lookup), ("search", prefixes, search)):
            GC_PAUSES.clear()
            times = await timed(calls_, run, backend)
            results[name].append((statistics.median(times) * 1000, percentile(times, 99) * 1000))
            print(f"  repeat {repeat + 1} {name:6s} {summary_ms(times)}{cpu_note()}{gc_note(GC_PAUSES)}")
    for name, label in (("lookup", "find_word(en, text)"), ("search", "list_words(2-letter prefix)")):
        p50 = statistics.median(r[0] for r in results[name])
        p99 = statistics.median(r[1] for r in results[name])
        print(f"  {label:30s} median of {repeats} repeats: p50 {p50:.3f} ms, p99 {p99:.3f} ms")
    print(f"  prefix matches (total) over 200 prefixes: median {totals[100]}, max {totals[-1]}")
    baseline_times = await timed(prefixes[:baseline_calls], baseline, backend)
    print(f"  baseline ILIKE + count        {summary_ms(baseline_times)}{cpu_note()}")
    print(f"  load average {os.getloadavg()[0]:.1f}")


async def main(
    url: str, sizes: list[int], calls: int, baseline_calls: int, repeats: int, wordnet: Path | None
) -> None:
    pool = await create_pool(url, PoolSettings(min_size=1, max_size=1, command_timeout=600))
    try:
        if wordnet is not None:
            await VocabularyImport(PostgresVocabularyRepository(pool)).run(WordNetFiles(wordnet))
            for table in ("words", "definitions", "examples", "word_forms", "word_relations"):
                await pool.execute(f"VACUUM ANALYZE {table}")
            sizes = [0]
        for size in sizes:
            count = await grow(pool, size)
            print(f"{count:,} words:")
            await measure(pool, calls, baseline_calls, repeats)
    finally:
        await pool.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--baseline-calls", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--wordnet", type=Path, default=None, help="import WordNet from DIR and measure it")
    parser.add_argument("--gc-freeze", action="store_true", help="gc.freeze() after the set-up")
    parser.add_argument(
        "--database-url", default=None, help="measure an existing database (e.g. WordNet) as is"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    FREEZE[0] = args.gc_freeze
    run = (args.calls, args.baseline_calls, args.repeats)
    if args.database_url:
        asyncio.run(main(args.database_url, [0], *run, None))
    else:
        with benchmark_database() as url:
            asyncio.run(main(url, sizes, *run, args.wordnet))

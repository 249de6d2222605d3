"""Lookup by language+text and 2-letter prefix search at 10k, 100k and 1M words (target p99 <= 1 ms, flat).

Run: ``python benchmarks/vocabulary_lookup.py [--sizes 10000,100000,1000000] [--calls 2000]``.
Synthetic words (3-12 random lower-case letters, "en"), each with one definition and one example,
are added in SQL up to each size (then VACUUM ANALYZE, as autovacuum would). Timed at the repository
level over one asyncpg pool on the embedded server's Unix socket:

- `find_word("en", text)`: the word with definitions, examples, tags and forms in one query;
- `list_words(search=<2 letters>, language="en", page_size=100)`: the ordered page plus the total;
- baseline, side by side: the earlier service's search, ``word_text ILIKE 'ab%' ORDER BY word_text
  LIMIT 100`` plus ``count(*)`` with the same filter.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import string
import time

import asyncpg
from vocabulary_common import benchmark_database, server_cpu, summary_ms

from hippo.adapters.postgres import PoolSettings, create_pool
from hippo.adapters.postgres_vocabulary import PostgresVocabularyRepository

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


async def measure(pool: asyncpg.Pool, calls: int, baseline_calls: int) -> None:
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
    found = await repo.list_words(search=prefixes[0], language="en", page_size=100)
    backend = await pool.fetchval("SELECT pg_backend_pid()")  # max_size=1: the only backend
    print(f"  find_word(en, text)           {summary_ms(await timed(texts, lookup, backend))}{cpu_note()}")
    print(f"  list_words(2-letter prefix)   {summary_ms(await timed(prefixes, search, backend))}{cpu_note()}"
          f"  (e.g. {prefixes[0]!r}: {found.total} matches)")  # fmt: skip
    baseline_times = await timed(prefixes[:baseline_calls], baseline, backend)
    print(f"  baseline ILIKE + count        {summary_ms(baseline_times)}{cpu_note()}")
    print(f"  load average {os.getloadavg()[0]:.1f}")


async def main(url: str, sizes: list[int], calls: int, baseline_calls: int) -> None:
    pool = await create_pool(url, PoolSettings(min_size=1, max_size=1, command_timeout=600))
    try:
        for size in sizes:
            count = await grow(pool, size)
            print(f"{count:,} words:")
            await measure(pool, calls, baseline_calls)
    finally:
        await pool.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--baseline-calls", type=int, default=200)
    parser.add_argument(
        "--database-url", default=None, help="measure an existing database (e.g. WordNet) as is"
    )
    args = parser.parse_args()
    if args.database_url:
        asyncio.run(main(args.database_url, [0], args.calls, args.baseline_calls))
    else:
        with benchmark_database() as url:
            asyncio.run(main(url, [int(s) for s in args.sizes.split(",")], args.calls, args.baseline_calls))

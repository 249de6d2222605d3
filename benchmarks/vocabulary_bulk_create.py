"""Bulk create through the repository vs one-round-trip-per-row inserts (the earlier service's way).

Run: ``python benchmarks/vocabulary_bulk_create.py [--words 50000] [--repeats 3]``. Each word has one
definition and one example. Hippo: `create_words` in batches of 10,000 (one transaction each; ids from
the sequences in one round trip, then one multi-table statement). Baseline, side by side on the same
server: per word, INSERT word, INSERT definition, INSERT example, COMMIT (run on fewer words).
Target: >= 40,000 words/s. Prints medians of the repeats; the machine is shared, so it also prints the
rate per CPU-second spent by this process and the server backend (/proc), which load does not inflate.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time

import asyncpg
from vocabulary_common import benchmark_database, server_cpu

from hippo.adapters.postgres import PoolSettings, create_pool
from hippo.adapters.postgres_schema import TABLES
from hippo.adapters.postgres_vocabulary import PostgresVocabularyRepository
from hippo.domain.vocabulary import BULK_CREATE_LIMIT, PartOfSpeech
from hippo.domain.vocabulary_changes import NewDefinition, NewExample, NewWord


def make_words(count: int, tag: str) -> list[NewWord]:
    return [
        NewWord(
            f"{tag}word{i}",
            "en",
            (
                NewDefinition(
                    f"definition number {i}", PartOfSpeech.NOUN, None, (NewExample(f"example {i}"),)
                ),
            ),
        )
        for i in range(count)
    ]


async def hippo_run(pool: asyncpg.Pool, words: list[NewWord]) -> tuple[float, float]:
    """Words per second by the wall clock, and by CPU time (client + server backend)."""
    repo = PostgresVocabularyRepository(pool)
    backend = await pool.fetchval("SELECT pg_backend_pid()")  # max_size=1: every call uses this backend
    started, client, server = time.perf_counter(), time.process_time(), server_cpu(backend)
    for start in range(0, len(words), BULK_CREATE_LIMIT):
        await repo.create_words(words[start : start + BULK_CREATE_LIMIT])
    cpu = time.process_time() - client + server_cpu(backend) - server
    return len(words) / (time.perf_counter() - started), len(words) / cpu


async def baseline_run(pool: asyncpg.Pool, words: list[NewWord]) -> float:
    started = time.perf_counter()
    async with pool.acquire() as con:
        for word in words:
            async with con.transaction():
                word_id = await con.fetchval(
                    "INSERT INTO words (word_text, language_code) VALUES ($1, $2) RETURNING id",
                    word.word_text,
                    word.language_code,
                )
                definition = word.definitions[0]
                definition_id = await con.fetchval(
                    'INSERT INTO definitions (word_id, definition_text, part_of_speech, "order") '
                    "VALUES ($1, $2, $3, 0) RETURNING id",
                    word_id,
                    definition.definition_text,
                    definition.part_of_speech.value,
                )
                await con.execute(
                    "INSERT INTO examples (definition_id, example_text) VALUES ($1, $2)",
                    definition_id,
                    definition.examples[0].example_text,
                )
    return len(words) / (time.perf_counter() - started)


async def main(url: str, count: int, baseline_count: int, repeats: int) -> None:
    pool = await create_pool(url, PoolSettings(min_size=1, max_size=1, command_timeout=300))
    hippo: list[float] = []
    hippo_cpu: list[float] = []
    baseline: list[float] = []
    try:
        for repeat in range(repeats):
            await pool.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
            words = make_words(count, f"r{repeat}")
            wall, cpu = await hippo_run(pool, words)
            hippo.append(wall)
            hippo_cpu.append(cpu)
            baseline.append(await baseline_run(pool, make_words(baseline_count, f"b{repeat}")))
            print(
                f"repeat {repeat + 1}: hippo {wall:,.0f} words/s ({cpu:,.0f} per CPU-s, client + server),"
                f" baseline {baseline[-1]:,.0f} words/s; load average {os.getloadavg()[0]:.1f}"
            )
    finally:
        await pool.close()
    h, b = statistics.median(hippo), statistics.median(baseline)
    print(f"median: hippo {h:,.0f} words/s ({count} words in batches of {BULK_CREATE_LIMIT}), "
          f"baseline {b:,.0f} words/s ({baseline_count} words), ratio {h / b:.0f}x; "
          f"hippo by CPU time {statistics.median(hippo_cpu):,.0f} words/s")  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--words", type=int, default=50_000)
    parser.add_argument("--baseline-words", type=int, default=2_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with benchmark_database() as url:
        asyncio.run(main(url, args.words, args.baseline_words, args.repeats))

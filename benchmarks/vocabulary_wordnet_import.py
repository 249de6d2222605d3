"""Full Princeton WordNet import through the repository (target: < 60 s on the 2-core machines).

Run: ``python benchmarks/vocabulary_wordnet_import.py [/usr/share/wordnet]`` (``apt-get install
wordnet-base``). Uses a throw-away embedded PostgreSQL (or ``BENCH_DATABASE_URL``); prints the time
to read (parse) the files, the time of each stage, the CPU time of the import in this process and in the
server backend, and the imported counts.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

from vocabulary_common import benchmark_database, server_cpu

from hippo.adapters.postgres import PoolSettings, create_pool
from hippo.adapters.postgres_vocabulary import PostgresVocabularyRepository
from hippo.adapters.wordnet import WordNetFiles
from hippo.services.vocabulary_import import VocabularyImport


async def main(directory: Path, url: str) -> None:
    cpu = time.process_time()
    started = time.perf_counter()
    lexicon = WordNetFiles(directory).read()
    read = time.perf_counter() - started
    print(f"read {len(lexicon.words)} words, {len(lexicon.relations)} relations in {read:.1f} s")
    pool = await create_pool(url, PoolSettings(min_size=1, max_size=1, command_timeout=300))
    backend = await pool.fetchval("SELECT pg_backend_pid()")  # max_size=1: every call uses this backend
    stages: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        stages[stage] = time.perf_counter()

    try:
        service = VocabularyImport(PostgresVocabularyRepository(pool))
        begin, client, server = time.perf_counter(), time.process_time(), server_cpu(backend)
        summary = await service.import_lexicon(lexicon, progress)
        client, server = time.process_time() - client, server_cpu(backend) - server
        words_stage, relations_stage = stages["words"] - begin, stages["relations"] - stages["words"]
        print(f"words stage {words_stage:.1f} s, relations stage {relations_stage:.1f} s")
        print(f"import {summary.seconds:.1f} s (CPU: client {client:.1f} s, server {server:.1f} s);"
              f" total with reading {read + summary.seconds:.1f} s")  # fmt: skip
        print(f"client CPU time {time.process_time() - cpu:.1f} s; load average {os.getloadavg()[0]:.1f}")
        print(summary.totals)
        again = await service.import_lexicon(lexicon)
        print(
            f"second run (idempotent): {again.words_created} words, {again.relations_created} relations"
            f" created in {again.seconds:.1f} s"
        )
    finally:
        await pool.close()


if __name__ == "__main__":
    directory = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/wordnet")
    with benchmark_database() as url:
        asyncio.run(main(directory, url))

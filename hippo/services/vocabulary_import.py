"""Import a `Lexicon` (WordNet, the bundled sample) into the dictionary: idempotent, chunked, resumable.

Words go in chunks of `chunk_size`, each chunk one transaction through `import_words`, which skips
words whose (language, text) already exists; relations are then resolved to ids and added in chunks,
skipping existing triples. Running the import again (after an interruption or to completion) adds
only what is missing. A word that already existed keeps its own data: its WordNet senses are not
merged in.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from hippo.domain.vocabulary import Relation, VocabularyCounts
from hippo.domain.vocabulary_changes import Lexicon, TextRelation
from hippo.ports.lexicon_source import LexiconSource
from hippo.ports.vocabulary_repository import VocabularyRepository

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)``; stages are "words" and "relations"."""


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What one import run did, and the dictionary's totals afterwards."""

    words_read: int
    words_created: int
    relations_read: int
    relations_created: int
    relations_skipped: int
    """Relations naming a word that is not in the dictionary."""
    seconds: float
    totals: VocabularyCounts


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


class VocabularyImport:
    """Use case: load a lexicon into a `VocabularyRepository`."""

    def __init__(self, repository: VocabularyRepository, *, chunk_size: int = 5_000) -> None:
        self.repository = repository
        self.chunk_size = chunk_size

    async def run(self, source: LexiconSource, progress: Progress = _no_progress) -> ImportSummary:
        """Read `source` and import it."""
        return await self.import_lexicon(source.read(), progress)

    async def import_lexicon(self, lexicon: Lexicon, progress: Progress = _no_progress) -> ImportSummary:
        started = time.perf_counter()
        created = 0
        words = lexicon.words
        for start in range(0, len(words), self.chunk_size):
            chunk = words[start : start + self.chunk_size]
            created += await self.repository.import_words(chunk)
            progress("words", start + len(chunk), len(words))
        added, skipped = await self._import_relations(lexicon.relations, progress)
        return ImportSummary(
            words_read=len(words),
            words_created=created,
            relations_read=len(lexicon.relations),
            relations_created=added,
            relations_skipped=skipped,
            seconds=time.perf_counter() - started,
            totals=await self.repository.counts(),
        )

    async def _import_relations(
        self, relations: Sequence[TextRelation], progress: Progress
    ) -> tuple[int, int]:
        """Add the relations in chunks; return (created, skipped for naming an unknown word).

        Pipelined: while the database stores one chunk, the next one is resolved to ids here (in
        slices, yielding to the event loop in between), so client and server work at the same time.
        """
        ids = await self._word_ids(relations)
        added = skipped = 0
        step = self.chunk_size * 10
        storing: asyncio.Future[int] | None = None
        try:
            for start in range(0, len(relations), step):
                chunk: list[Relation] = []
                for at in range(start, min(start + step, len(relations)), _SLICE):
                    skipped += _resolve(relations[at : min(at + _SLICE, start + step)], ids, chunk)
                    await asyncio.sleep(0)  # let the previous chunk's statement move on
                if storing is not None:
                    added += await storing
                    progress("relations", start, len(relations))
                storing = asyncio.ensure_future(self.repository.add_relations(chunk))
        finally:
            if storing is not None:
                added += await storing
        progress("relations", len(relations), len(relations))
        return added, skipped

    async def _word_ids(self, relations: Sequence[TextRelation]) -> dict[str, dict[str, int]]:
        by_language: dict[str, set[str]] = {}
        for r in relations:
            by_language.setdefault(r.language_code, set()).update((r.text_1, r.text_2))
        return {
            language: await self.repository.word_ids(language, sorted(texts))
            for language, texts in by_language.items()
        }


_SLICE = 5_000
"""Relations resolved between two yields to the event loop."""


def _resolve(relations: Sequence[TextRelation], ids: dict[str, dict[str, int]], into: list[Relation]) -> int:
    """Append the relations between known words to `into`; return how many named an unknown word."""
    skipped = 0
    for r in relations:
        known = ids[r.language_code]
        first, second = known.get(r.text_1), known.get(r.text_2)
        if first is None or second is None or first == second:
            skipped += 1
        else:
            into.append(Relation(first, second, r.relation_type))
    return skipped

"""Import a `Lexicon` (WordNet, the bundled sample) into the dictionary: idempotent, chunked, resumable.

Words go in chunks of `chunk_size`, each chunk one transaction through `import_words`, which skips
words whose (language, text) already exists; relations are then resolved to ids and added in chunks,
skipping existing triples. Running the import again (after an interruption or to completion) adds
only what is missing. A word that already existed keeps its own data: its WordNet senses are not
merged in.
"""

from __future__ import annotations

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
        relations, skipped = await self._resolve(lexicon.relations)
        added = 0
        step = self.chunk_size * 10
        for start in range(0, len(relations), step):
            added += await self.repository.add_relations(relations[start : start + step])
            progress("relations", min(start + step, len(relations)), len(relations))
        return ImportSummary(
            words_read=len(words),
            words_created=created,
            relations_read=len(lexicon.relations),
            relations_created=added,
            relations_skipped=skipped,
            seconds=time.perf_counter() - started,
            totals=await self.repository.counts(),
        )

    async def _resolve(self, relations: Sequence[TextRelation]) -> tuple[list[Relation], int]:
        by_language: dict[str, set[str]] = {}
        for r in relations:
            by_language.setdefault(r.language_code, set()).update((r.text_1, r.text_2))
        ids = {
            language: await self.repository.word_ids(language, sorted(texts))
            for language, texts in by_language.items()
        }
        resolved: list[Relation] = []
        skipped = 0
        for r in relations:
            known = ids[r.language_code]
            first, second = known.get(r.text_1), known.get(r.text_2)
            if first is None or second is None or first == second:
                skipped += 1
            else:
                resolved.append(Relation(first, second, r.relation_type))
        return resolved, skipped

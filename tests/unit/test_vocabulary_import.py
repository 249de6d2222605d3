"""Importing a lexicon (the bundled sample, WordNet) is idempotent and resumable."""

from pathlib import Path

import pytest

from hippo.adapters.vocabulary_json import JsonLexicon
from hippo.domain.errors import InvalidArgumentError
from hippo.domain.vocabulary import RelationType
from hippo.domain.vocabulary_changes import Lexicon
from hippo.services.vocabulary_import import VocabularyImport
from tests.fakes import InMemoryVocabularyRepository


async def test_sample_seed_is_idempotent():
    repo = InMemoryVocabularyRepository()
    service = VocabularyImport(repo, chunk_size=7)
    calls: list[tuple[str, int, int]] = []
    first = await service.run(JsonLexicon(), lambda *args: calls.append(args))
    assert first.words_created == first.words_read > 20
    assert first.relations_created == first.relations_read > 10
    assert calls[-1][0] == "relations"
    assert ("words", first.words_read, first.words_read) in calls
    again = await service.run(JsonLexicon())
    assert (again.words_created, again.relations_created) == (0, 0)
    assert again.totals == first.totals
    hippocampus = await repo.find_word("en", "hippocampus")
    assert {t.name for t in hippocampus.tags} == {"neuroscience", "biology"}
    assert (await repo.find_word("en", "hippocampi", through_forms=True)) == hippocampus
    related = await repo.list_relations(word_id=hippocampus.word.id, relation_type=RelationType.HOLONYM)
    assert related.total == 1


async def test_an_interrupted_import_resumes():
    lexicon = JsonLexicon().read()
    repo = InMemoryVocabularyRepository()
    service = VocabularyImport(repo, chunk_size=5)
    await service.import_lexicon(Lexicon(lexicon.words[:8]))
    summary = await service.import_lexicon(lexicon)
    assert summary.words_created == len(lexicon.words) - 8
    assert summary.totals.words == len(lexicon.words)


async def test_relations_to_unknown_words_are_counted_not_fatal():
    lexicon = JsonLexicon().read()
    repo = InMemoryVocabularyRepository()
    summary = await VocabularyImport(repo).import_lexicon(Lexicon(lexicon.words[:3], lexicon.relations))
    assert summary.relations_skipped == summary.relations_read - summary.relations_created > 0


def test_a_broken_vocabulary_file_is_named(tmp_path: Path):
    path = tmp_path / "v.json"
    path.write_text('{"words": [{"word_text": " ", "language_code": "en"}]}')
    with pytest.raises(InvalidArgumentError, match=r"v\.json"):
        JsonLexicon(path).read()

"""The PostgreSQL vocabulary repository passes the repository contract on a real server."""

from datetime import timedelta

import asyncpg
import pytest

from hippo.adapters.postgres_vocabulary import PostgresVocabularyRepository
from hippo.domain.vocabulary_changes import NewWord
from tests.port_contracts.vocabulary import VocabularyRepositoryContract


class TestPostgresVocabularyRepository(VocabularyRepositoryContract):
    @pytest.fixture
    def repo(
        self, postgres_vocabulary_repository: PostgresVocabularyRepository
    ) -> PostgresVocabularyRepository:
        return postgres_vocabulary_repository


@pytest.mark.asyncio(loop_scope="session")
async def test_timestamps_come_back_exact_to_the_microsecond(clean_pool: asyncpg.Pool) -> None:
    """Lists and lookups carry timestamps as float8 epochs; every microsecond must survive."""
    repo = PostgresVocabularyRepository(clean_pool)
    await repo.create_words([NewWord(f"t{i}", "en") for i in range(200)])
    # The server's clock sets them; spread them from 1971 to 2230 with all kinds of microseconds.
    await clean_pool.execute(
        "UPDATE words SET created_at = timestamptz '1970-01-01 UTC' + id * interval '1 year 3 months 7 days'"
        " + (id * 7919 % 1000000) * interval '1 us', updated_at = now() - id * interval '1.000001 s'"
    )
    stored = {
        r["id"]: (r["created_at"], r["updated_at"])
        for r in await clean_pool.fetch("SELECT id, created_at, updated_at FROM words")
    }
    page = await repo.list_words(language="en", page_size=1000)
    searched = await repo.list_words(search="t", page_size=1000)
    assert len(page.items) == len(searched.items) == len(stored) == 200
    for word in (*page.items, *searched.items, (await repo.find_word("en", "t123")).word):
        assert (word.created_at, word.updated_at) == stored[word.id]
        assert word.created_at.utcoffset() == timedelta(0)

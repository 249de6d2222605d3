"""The PostgreSQL vocabulary repository passes the repository contract on a real server."""

import pytest

from hippo.adapters.postgres_vocabulary import PostgresVocabularyRepository
from tests.port_contracts.vocabulary import VocabularyRepositoryContract


class TestPostgresVocabularyRepository(VocabularyRepositoryContract):
    @pytest.fixture
    def repo(
        self, postgres_vocabulary_repository: PostgresVocabularyRepository
    ) -> PostgresVocabularyRepository:
        return postgres_vocabulary_repository

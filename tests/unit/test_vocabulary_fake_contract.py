"""The in-memory vocabulary fake passes the repository contract (so service and HTTP tests can trust it)."""

import pytest

from tests.fakes import InMemoryVocabularyRepository
from tests.port_contracts.vocabulary import VocabularyRepositoryContract


class TestInMemoryVocabularyRepository(VocabularyRepositoryContract):
    @pytest.fixture
    def repo(self) -> InMemoryVocabularyRepository:
        return InMemoryVocabularyRepository()

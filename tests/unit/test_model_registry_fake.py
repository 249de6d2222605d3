import pytest

from tests.fakes import InMemoryModelRegistry
from tests.port_contracts.model_registry import ModelRegistryContract


class TestInMemoryModelRegistry(ModelRegistryContract):
    @pytest.fixture
    def registry(self) -> InMemoryModelRegistry:
        return InMemoryModelRegistry()

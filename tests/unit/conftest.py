"""Fixtures of the HTTP unit tests: a real `ModelService` over the in-memory registry with small networks."""

from __future__ import annotations

import pytest

from hippo.domain.model_metadata import ModelMetadata
from hippo.domain.network import Network
from hippo.services.model_service import ModelService
from tests.fakes import InMemoryModelRegistry

SIZES = (784, 16, 10)


def small_models() -> InMemoryModelRegistry:
    """`tiny-relu` (softmax output, the default) and `tiny-classic` (sigmoid on every layer)."""
    relu = Network.create(SIZES, activation="relu", seed=1)
    classic = Network.create(SIZES, activation="sigmoid", output="classic", init="classic", seed=2)
    return InMemoryModelRegistry(
        [
            (relu, ModelMetadata(name="tiny-relu", sizes=SIZES, activation="relu", test_accuracy=0.5)),
            (
                classic,
                ModelMetadata(name="tiny-classic", sizes=SIZES, activation="sigmoid", output="classic"),
            ),
        ]
    )


@pytest.fixture
def registry() -> InMemoryModelRegistry:
    return small_models()


@pytest.fixture
def models(registry: InMemoryModelRegistry) -> ModelService:
    return ModelService(registry, "tiny-relu")

import logging

import pytest

from hippo.adapters.layered_registry import LayeredModelRegistry
from hippo.domain.errors import ModelNotFoundError, RegistryUnavailableError
from tests.fakes import InMemoryModelRegistry
from tests.port_contracts.model_registry import ModelRegistryContract, make_model, write_model


class TestLayeredModelRegistry(ModelRegistryContract):
    @pytest.fixture
    def registry(self):
        return LayeredModelRegistry(InMemoryModelRegistry(), InMemoryModelRegistry())


def layered():
    primary = InMemoryModelRegistry([make_model("hub-model", seed=1), make_model("both", seed=2)])
    fallback = InMemoryModelRegistry([make_model("mnist-relu-100", seed=3), make_model("both", seed=4)])
    return primary, fallback, LayeredModelRegistry(primary, fallback)


def test_the_primary_wins_and_the_fallback_fills_in():
    primary, fallback, registry = layered()
    assert [s.name for s in registry.list_models()] == ["both", "hub-model", "mnist-relu-100"]
    assert registry.fetch("both") is primary.fetch("both")
    assert registry.fetch("mnist-relu-100") is fallback.fetch("mnist-relu-100")


def test_an_unreachable_primary_falls_back_with_a_warning_or_keeps_its_error(caplog):
    primary, _, registry = layered()
    primary.available = False
    caplog.set_level(logging.WARNING)
    assert registry.fetch("mnist-relu-100").name == "mnist-relu-100"
    assert "switched off" in caplog.text
    with pytest.raises(RegistryUnavailableError):
        registry.fetch("hub-model")
    assert [s.name for s in registry.list_models()] == ["both", "mnist-relu-100"]
    with pytest.raises(ModelNotFoundError):
        LayeredModelRegistry(InMemoryModelRegistry(), InMemoryModelRegistry()).fetch("nothing")


def test_publish_goes_to_the_primary_only(tmp_path):
    primary, fallback, registry = layered()
    registry.publish(write_model(tmp_path, "new-one"))
    assert "new-one" in [s.name for s in primary.list_models()]
    assert "new-one" not in [s.name for s in fallback.list_models()]

import shutil
from pathlib import Path

import pytest

from hippo.adapters.local_registry import LocalModelRegistry
from hippo.domain.errors import ModelFileError, ModelRegistryError
from tests.port_contracts.model_registry import ModelRegistryContract, make_model, same_weights, write_model

ORIGINAL = Path(__file__).resolve().parent.parent / "data"


class TestLocalModelRegistry(ModelRegistryContract):
    @pytest.fixture
    def registry(self, tmp_path: Path) -> LocalModelRegistry:
        return LocalModelRegistry(tmp_path / "models")


def test_shipped_models_are_listed_and_local_ones_shadow_them(tmp_path: Path) -> None:
    shipped = tmp_path / "package"
    write_model(shipped, "mnist-relu-100", seed=1)
    write_model(shipped, "only-shipped", seed=2)
    registry = LocalModelRegistry(tmp_path / "models", shipped=[shipped])
    assert {(s.name, s.source) for s in registry.list_models()} == {
        ("mnist-relu-100", "package"),
        ("only-shipped", "package"),
    }
    registry.publish(write_model(tmp_path / "work", "mnist-relu-100", seed=5))
    assert registry.fetch("mnist-relu-100").source == "local"
    assert same_weights(registry.fetch("mnist-relu-100").network, make_model("x", seed=5)[0])
    assert registry.fetch("only-shipped").source == "package"


def test_the_earlier_services_model_file_loads_unchanged(tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    for suffix in (".npz", ".json"):
        shutil.copy(ORIGINAL / f"orig-sigmoid-30{suffix}", models / f"orig-sigmoid-30{suffix}")
    registry = LocalModelRegistry(models)
    [summary] = registry.list_models()
    assert (summary.sizes, summary.activation, summary.output) == ((784, 30, 10), "sigmoid", "classic")
    assert summary.accuracy == pytest.approx(0.9291)
    assert registry.fetch("orig-sigmoid-30").network.sizes == (784, 30, 10)


def test_a_model_without_its_json_is_not_listed_and_a_corrupt_json_is_skipped(tmp_path: Path) -> None:
    files = write_model(tmp_path / "models", "good")
    write_model(tmp_path / "models", "lonely").metadata.unlink()
    write_model(tmp_path / "models", "garbled").metadata.write_text("{not json")
    registry = LocalModelRegistry(files.weights.parent)
    assert [s.name for s in registry.list_models()] == ["good"]
    with pytest.raises(ModelFileError, match="garbled"):
        registry.fetch("garbled")


def test_a_registry_of_shipped_models_only_is_read_only(tmp_path: Path) -> None:
    write_model(tmp_path / "package", "shipped-one")
    registry = LocalModelRegistry(None, shipped=[tmp_path / "package"])
    assert [(s.name, s.source) for s in registry.list_models()] == [("shipped-one", "package")]
    with pytest.raises(ModelRegistryError, match="read-only"):
        registry.publish(write_model(tmp_path / "work", "new"))

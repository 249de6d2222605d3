from pathlib import Path

from hippo.adapters.hf_hub_registry import HfHubModelRegistry
from hippo.adapters.layered_registry import LayeredModelRegistry
from hippo.adapters.local_registry import LocalModelRegistry
from hippo.config import Settings
from hippo.container import SHIPPED_MODELS_DIR, Container
from hippo.services.model_service import SHIPPED_DEFAULT_MODEL


def container_with(**settings) -> Container:
    container = Container()
    container.settings.override(Settings(**settings))
    return container


def test_without_a_hub_repository_models_come_from_the_local_directory_and_the_package(tmp_path):
    container = container_with(model_dir=tmp_path / "models")
    registry = container.model_registry()
    assert isinstance(registry, LocalModelRegistry)
    assert registry.directory == tmp_path / "models"
    assert registry.shipped == (SHIPPED_MODELS_DIR,)
    assert container.model_service().default_name == SHIPPED_DEFAULT_MODEL
    assert container.model_service() is container.model_service()


def test_with_hf_model_repo_the_hub_is_primary_and_the_shipped_models_the_fallback(tmp_path):
    container = container_with(
        hf_model_repo="alice/mnist",
        hf_token="hf_x",
        hf_endpoint="http://127.0.0.1:9",
        hf_cache_dir=tmp_path / "cache",
        default_model="mnist-relu-100-20261129T101500",
    )
    registry = container.model_registry()
    assert isinstance(registry, LayeredModelRegistry)
    assert isinstance(registry.primary, HfHubModelRegistry)
    assert registry.primary.repo_id == "alice/mnist"
    assert registry.primary.cache_dir == Path(tmp_path / "cache")
    assert registry.primary.api.endpoint == "http://127.0.0.1:9"
    assert registry.primary.api.token == "hf_x"
    assert registry.location == "hub:alice/mnist"
    assert container.model_service().default_name == "mnist-relu-100-20261129T101500"
    assert container.publish_service().registry is registry

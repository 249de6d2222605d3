import threading
import time

import pytest

from hippo.domain.errors import InvalidModelNameError, ModelNotFoundError, RegistryUnavailableError
from hippo.services.model_service import SHIPPED_DEFAULT_MODEL, ModelService
from tests.fakes import InMemoryModelRegistry
from tests.port_contracts.model_registry import make_model


def registry_with(*names: str) -> InMemoryModelRegistry:
    return InMemoryModelRegistry(make_model(name, seed=i) for i, name in enumerate(names))


def test_without_default_model_the_shipped_one_is_served():
    service = ModelService(registry_with(SHIPPED_DEFAULT_MODEL, "other"))
    assert service.default_name == SHIPPED_DEFAULT_MODEL
    assert not service.is_loaded
    assert service.start().name == SHIPPED_DEFAULT_MODEL
    assert service.is_loaded


def test_default_model_is_loaded_once_and_timed():
    registry = registry_with("chosen")
    ticks = iter([10.0, 10.25])
    service = ModelService(registry, "chosen", clock=lambda: next(ticks))
    first = service.start()
    assert service.default() is first
    assert service.get() is first
    assert service.get("chosen") is first
    assert registry.fetches == {"chosen": 1}
    [report] = service.loads
    assert (report.name, report.seconds, report.source) == ("chosen", 0.25, "memory")


def test_other_models_load_on_first_use_and_stay_in_a_small_lru():
    registry = registry_with("default", "a", "b", "c")
    service = ModelService(registry, "default", cache_size=2)
    service.start()
    service.get("a")
    service.get("b")
    service.get("a")  # a is now the most recently used
    service.get("c")  # evicts b
    assert service.cached_names() == ["default", "a", "c"]
    service.get("b")
    assert registry.fetches == {"default": 1, "a": 1, "b": 2, "c": 1}
    assert service.default().name == "default"  # the default is never evicted


def test_concurrent_first_requests_load_a_model_once():
    registry = registry_with("default", "busy")
    real_fetch = registry.fetch

    def slow_fetch(name):
        time.sleep(0.05)
        return real_fetch(name)

    registry.fetch = slow_fetch
    service = ModelService(registry, "default")
    results = []
    threads = [threading.Thread(target=lambda: results.append(service.get("busy"))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8
    assert all(r is results[0] for r in results)
    assert registry.fetches == {"busy": 1}


def test_errors_reach_the_caller_and_a_later_call_retries():
    registry = registry_with("default")
    registry.available = False
    service = ModelService(registry, "default")
    with pytest.raises(RegistryUnavailableError):
        service.start()
    assert not service.is_loaded
    registry.available = True
    assert service.start().name == "default"


def test_bad_names_are_refused_and_unknown_ones_reported():
    service = ModelService(registry_with("default"), "default")
    with pytest.raises(InvalidModelNameError):
        service.get("../default")
    with pytest.raises(ModelNotFoundError, match="nope"):
        service.get("nope")
    with pytest.raises(InvalidModelNameError):
        ModelService(registry_with("default"), "bad/name")


def test_list_comes_from_the_registry():
    service = ModelService(registry_with("b", "a"), "a")
    assert [s.name for s in service.list()] == ["a", "b"]

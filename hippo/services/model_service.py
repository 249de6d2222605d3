"""Which models are in memory: the default one, loaded at startup, and others loaded on first use.

The HTTP API calls :meth:`ModelService.start` in its lifespan, :meth:`ModelService.default` and
:meth:`ModelService.get` per request, and :meth:`ModelService.list` for ``GET /v1/models``. Every load goes
through the :class:`~hippo.ports.model_registry.ModelRegistry` and is timed; models other than the default
live in a small least-recently-used cache. All methods are thread-safe, and a model requested by several
threads at once is loaded only once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from hippo.domain.model_catalog import LoadedModel, ModelSummary
from hippo.domain.model_names import validate_model_name
from hippo.ports.model_registry import ModelRegistry

logger = logging.getLogger(__name__)

SHIPPED_DEFAULT_MODEL = "mnist-relu-100"
"""The model shipped in the package (``hippo/assets/models/``), served when ``DEFAULT_MODEL`` is unset."""


@dataclass(frozen=True, slots=True)
class LoadReport:
    """One model load: which model, how long it took (seconds, wall clock) and where it came from."""

    name: str
    seconds: float
    source: str


class ModelService:
    """Resolves model names through a registry and keeps the loaded networks in memory."""

    def __init__(
        self,
        registry: ModelRegistry,
        default_name: str | None = None,
        *,
        cache_size: int = 4,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.registry = registry
        self.default_name = validate_model_name(default_name or SHIPPED_DEFAULT_MODEL)
        self.cache_size = max(0, cache_size)
        self._clock = clock
        self._default: LoadedModel | None = None
        self._cache: OrderedDict[str, LoadedModel] = OrderedDict()
        self._lock = threading.Lock()
        self._loading: dict[str, threading.Lock] = {}
        self.loads: list[LoadReport] = []

    @property
    def is_loaded(self) -> bool:
        """True once the default model is in memory."""
        return self._default is not None

    def start(self) -> LoadedModel:
        """Load the default model (at startup); errors propagate so the caller decides how to degrade."""
        return self.default()

    def default(self) -> LoadedModel:
        """The default model, loaded on the first call."""
        model = self._default
        return model if model is not None else self._load(self.default_name)

    def get(self, name: str | None = None) -> LoadedModel:
        """The model called `name` (None or the default's name: the default model)."""
        if name is None or name == self.default_name:
            return self.default()
        validate_model_name(name)
        with self._lock:
            model = self._cache.get(name)
            if model is not None:
                self._cache.move_to_end(name)
                return model
        return self._load(name)

    def cached_names(self) -> list[str]:
        """Names in memory: the default (if loaded) first, then the LRU cache, least recently used first."""
        with self._lock:
            names = list(self._cache)
        return ([self.default_name] if self._default is not None else []) + names

    def list(self) -> list[ModelSummary]:
        """Every model the registry has."""
        return self.registry.list_models()

    def _in_memory(self, name: str) -> LoadedModel | None:
        return self._default if name == self.default_name else self._cache.get(name)

    def _load(self, name: str) -> LoadedModel:
        with self._lock:
            gate = self._loading.setdefault(name, threading.Lock())
        with gate:
            with self._lock:  # another thread may have loaded it while this one waited
                model = self._in_memory(name)
            if model is not None:
                return model
            started = self._clock()
            model = self.registry.fetch(name)
            seconds = self._clock() - started
            with self._lock:
                if name == self.default_name:
                    self._default = model
                else:
                    self._cache[name] = model
                    while len(self._cache) > self.cache_size:
                        evicted, _ = self._cache.popitem(last=False)
                        logger.info("model %s evicted from the in-memory cache", evicted)
                self.loads.append(LoadReport(name=name, seconds=seconds, source=model.source))
                del self.loads[:-32]
        logger.info("loaded model %s from %s (%s) in %.3f s", name, model.location, model.source, seconds)
        return model

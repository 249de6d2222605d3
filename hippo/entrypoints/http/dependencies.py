"""Thin Litestar `Provide` functions over the container on `app.state` (no dependency-injector markers)."""

from __future__ import annotations

from typing import Any

from litestar.datastructures import State
from litestar.di import Provide

from hippo.config import Settings


def provide_settings(state: State) -> Settings:
    settings: Settings = state.container.settings()
    return settings


def provide_models(state: State) -> Any:
    return state.container.model_service()


def provide_sampler(state: State) -> Any:
    return state.container.mnist_sampler()


def dependencies() -> dict[str, Provide]:
    """App-level dependencies; singletons are cached per app (`use_cache`)."""
    return {
        "settings": Provide(provide_settings, sync_to_thread=False, use_cache=True),
        "models": Provide(provide_models, sync_to_thread=False, use_cache=True),
        "sampler": Provide(provide_sampler, sync_to_thread=False, use_cache=True),
    }

"""The composition root: the only module that names concrete adapters."""

from __future__ import annotations

from dependency_injector import containers, providers

from hippo.config import Settings


class Container(containers.DeclarativeContainer):
    """Wires settings, adapters and services; nothing is built until a provider is called."""

    settings = providers.Singleton(Settings.from_env)

"""The composition root: the only module that names concrete adapters."""

from __future__ import annotations

from dependency_injector import containers, providers

from hippo.adapters.mnist_download import MnistFiles
from hippo.adapters.mnist_samples import PackagedMnistSamples
from hippo.config import Settings


class Container(containers.DeclarativeContainer):
    """Wires settings, adapters and services; nothing is built until a provider is called."""

    settings = providers.Singleton(Settings.from_env)

    # MNIST: HIPPO_MNIST_DIR, else the cache, else a download (`mnist_source(data_dir=...)` overrides)
    mnist_source = providers.Factory(
        MnistFiles, data_dir=settings.provided.mnist_dir, cache_dir=settings.provided.mnist_cache_dir
    )
    mnist_samples = providers.Singleton(PackagedMnistSamples)

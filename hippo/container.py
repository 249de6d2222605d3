"""The composition root: the only module that names concrete adapters."""

from __future__ import annotations

from dependency_injector import containers, providers

from hippo import __version__
from hippo.adapters.mnist_download import MnistFiles
from hippo.adapters.mnist_idx import IdxMnistSource
from hippo.adapters.mnist_samples import PackagedMnistSamples
from hippo.adapters.model_files import NpzModelFiles
from hippo.adapters.training_plot import write_learning_curves
from hippo.config import Settings
from hippo.services.mnist_sampler import MnistSampler
from hippo.services.training_service import TrainingService


def _local_mnist(settings: Settings) -> IdxMnistSource | None:
    """The MNIST files already on this machine (HIPPO_MNIST_DIR, else the cache), or None: never downloads."""
    directory = settings.mnist_dir or settings.mnist_cache_dir
    source = IdxMnistSource(directory)
    return source if directory.is_dir() and not source.missing() else None


class Container(containers.DeclarativeContainer):
    """Wires settings, adapters and services; nothing is built until a provider is called."""

    settings = providers.Singleton(Settings.from_env)

    # MNIST: HIPPO_MNIST_DIR, else the cache, else a download (`mnist_source(data_dir=...)` overrides)
    mnist_source = providers.Factory(
        MnistFiles, data_dir=settings.provided.mnist_dir, cache_dir=settings.provided.mnist_cache_dir
    )
    mnist_samples = providers.Singleton(PackagedMnistSamples)

    # GET /v1/mnist/samples: local MNIST files when present, else the packaged sample
    mnist_local = providers.Singleton(_local_mnist, settings)
    mnist_sampler = providers.Singleton(MnistSampler, packaged=mnist_samples, local=mnist_local)

    # Models as <name>.npz + <name>.json; training (`hippo train`, benchmarks, notebooks)
    model_files = providers.Singleton(NpzModelFiles)
    training_service = providers.Factory(
        TrainingService, mnist=mnist_source, model_files=model_files, hippo_version=__version__
    )
    plot_learning_curves = providers.Object(write_learning_curves)

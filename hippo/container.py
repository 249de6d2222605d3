"""The composition root: the only module that names concrete adapters.

Adapters that pull in a heavy library the server does not need (alembic and SQLAlchemy, psycopg, tqdm,
huggingface_hub), and the services and adapters only a command uses (training, publishing, the
vocabulary import, `hippo doctor`), are imported inside small factory functions, on first use:
importing this module, and so starting `hippo serve` with `DATABASE_URL` set, stays quick.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dependency_injector import containers, providers

from hippo import __version__
from hippo.adapters.embedded_postgres import EmbeddedPostgres
from hippo.adapters.layered_registry import LayeredModelRegistry
from hippo.adapters.local_registry import LocalModelRegistry
from hippo.adapters.mnist_idx import IdxMnistSource
from hippo.adapters.mnist_samples import PackagedMnistSamples
from hippo.adapters.model_files import NpzModelFiles
from hippo.adapters.postgres import pool_resource
from hippo.adapters.postgres_vocabulary import PostgresVocabularyRepository
from hippo.config import Settings
from hippo.ports.model_registry import ModelRegistry
from hippo.services.mnist_sampler import MnistSampler
from hippo.services.model_service import SHIPPED_DEFAULT_MODEL, ModelService

if TYPE_CHECKING:
    from hippo.adapters.alembic_migrations import AlembicMigrator
    from hippo.adapters.mnist_download import MnistFiles
    from hippo.adapters.vocabulary_json import JsonLexicon
    from hippo.adapters.wordnet import WordNetFiles
    from hippo.ports.diagnostics import DatabaseInspector, HubInspector
    from hippo.services.doctor import Doctor
    from hippo.services.publish_service import PublishService
    from hippo.services.training_service import TrainingService
    from hippo.services.vocabulary_import import VocabularyImport

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
"""Alembic scripts (shipped in the sdist next to the package)."""


def _database_url(settings: Settings) -> Iterator[str]:
    """`DATABASE_URL`, else an embedded PostgreSQL under `<HIPPO_DATA_DIR>/pgdata` (stopped at the end)."""
    if settings.database_url:
        yield settings.database_url
        return
    server = EmbeddedPostgres(settings.data_dir / "pgdata")
    try:
        yield server.start()
    finally:
        server.stop()


def _migrator(url: str, script_location: Path) -> AlembicMigrator:
    from hippo.adapters.alembic_migrations import AlembicMigrator  # alembic + SQLAlchemy: ~1 s to import

    return AlembicMigrator(url, script_location)


def _ready_database_url(settings: Settings, url: str) -> str:
    """The URL the app uses: the embedded database is migrated to head first (Neon: `hippo db upgrade`)."""
    if not settings.database_url:
        _migrator(url, MIGRATIONS_DIR).upgrade()
    return url


def _postgres_inspector(url: str, script_location: Path) -> DatabaseInspector:
    from hippo.adapters.postgres_diagnostics import PostgresInspector  # psycopg + alembic

    return PostgresInspector(url, script_location)


def _mnist_files(data_dir: Path | None, cache_dir: Path) -> MnistFiles:
    from hippo.adapters.mnist_download import MnistFiles  # tqdm

    return MnistFiles(data_dir=data_dir, cache_dir=cache_dir)


SHIPPED_MODELS_DIR = Path(__file__).resolve().parent / "assets" / "models"


def _registry_kind(settings: Settings) -> str:
    return "hub" if settings.hf_model_repo else "local"


def _hub_model_registry(settings: Settings) -> ModelRegistry:
    # Imported here: huggingface_hub takes about a second to import, and a local setup never needs it.
    from hippo.adapters.hf_hub_registry import HfHubModelRegistry, make_hf_api

    assert settings.hf_model_repo is not None
    api = make_hf_api(endpoint=settings.hf_endpoint, token=settings.hf_token)
    hub = HfHubModelRegistry(api, settings.hf_model_repo, settings.hf_cache_dir)
    # The shipped models stay servable: the default when the repository lacks it or the Hub is down.
    shipped = LocalModelRegistry(None, shipped=(SHIPPED_MODELS_DIR,))
    return LayeredModelRegistry(hub, shipped)


def _local_mnist(settings: Settings) -> IdxMnistSource | None:
    """The MNIST files already on this machine (HIPPO_MNIST_DIR, else the cache), or None: never downloads."""
    directory = settings.mnist_dir or settings.mnist_cache_dir
    source = IdxMnistSource(directory)
    return source if directory.is_dir() and not source.missing() else None


def _hub_inspector(settings: Settings) -> HubInspector:
    from hippo.adapters.hf_hub_diagnostics import HfHubInspector

    assert settings.hf_model_repo is not None
    return HfHubInspector(settings.hf_model_repo, endpoint=settings.hf_endpoint, token=settings.hf_token)


def _doctor(settings: Settings, database: Any, hub: Any, models: Any, timeout: float = 30.0) -> Doctor:
    """`hippo doctor`'s checks over this configuration (the Hub ones only when HF_MODEL_REPO is set)."""
    from hippo.services.doctor import Doctor, DoctorSettings

    judged = DoctorSettings(
        production=settings.is_production,
        admin_token_set=bool(settings.admin_token),
        allowed_origins=settings.allowed_origins,
        database_configured=bool(settings.database_url),
        hf_model_repo=settings.hf_model_repo,
        hf_token_set=bool(settings.hf_token),
        default_model=settings.default_model or SHIPPED_DEFAULT_MODEL,
    )
    return Doctor(judged, database, hub if settings.hf_model_repo else None, models, timeout=timeout)


# Used by commands only (`hippo train`, `vocab`, `upload`): imported when first built, not by the server.
def _training_service(**kwargs: Any) -> TrainingService:
    from hippo.services.training_service import TrainingService

    return TrainingService(**kwargs)


def _learning_curves_writer() -> Callable[..., Path]:
    from hippo.adapters.training_plot import write_learning_curves

    return write_learning_curves


def _vocabulary_import(repository: Any) -> VocabularyImport:
    from hippo.services.vocabulary_import import VocabularyImport

    return VocabularyImport(repository)


def _json_lexicon(*args: Any, **kwargs: Any) -> JsonLexicon:
    from hippo.adapters.vocabulary_json import JsonLexicon

    return JsonLexicon(*args, **kwargs)


def _wordnet_files(*args: Any, **kwargs: Any) -> WordNetFiles:
    from hippo.adapters.wordnet import WordNetFiles

    return WordNetFiles(*args, **kwargs)


def _publish_service(**kwargs: Any) -> PublishService:
    from hippo.services.publish_service import PublishService

    return PublishService(**kwargs)


class Container(containers.DeclarativeContainer):
    """Wires settings, adapters and services; nothing is built until a provider is called."""

    settings = providers.Singleton(Settings.from_env)

    # MNIST: HIPPO_MNIST_DIR, else the cache, else a download (`mnist_source(data_dir=...)` overrides)
    mnist_source = providers.Factory(
        _mnist_files, data_dir=settings.provided.mnist_dir, cache_dir=settings.provided.mnist_cache_dir
    )
    mnist_samples = providers.Singleton(PackagedMnistSamples)

    # GET /v1/mnist/samples: local MNIST files when present, else the packaged sample
    mnist_local = providers.Singleton(_local_mnist, settings)
    mnist_sampler = providers.Singleton(MnistSampler, packaged=mnist_samples, local=mnist_local)

    # Models as <name>.npz + <name>.json; training (`hippo train`, benchmarks, notebooks)
    model_files = providers.Singleton(NpzModelFiles)
    training_service = providers.Factory(
        _training_service, mnist=mnist_source, model_files=model_files, hippo_version=__version__
    )
    plot_learning_curves = providers.Callable(_learning_curves_writer)

    # Dictionary storage: DATABASE_URL (Neon) or the embedded PostgreSQL; always `await` the async ones.
    database_url = providers.Resource(_database_url, settings)
    migrator = providers.Factory(_migrator, database_url, MIGRATIONS_DIR)
    ready_database_url = providers.Singleton(_ready_database_url, settings, database_url)
    postgres_pool = providers.Resource(pool_resource, ready_database_url)
    vocabulary_repository = providers.Singleton(PostgresVocabularyRepository, postgres_pool)
    vocabulary_import = providers.Factory(_vocabulary_import, vocabulary_repository)
    sample_lexicon = providers.Factory(_json_lexicon)
    wordnet_lexicon = providers.Factory(_wordnet_files)

    # Models: the Hub repository when HF_MODEL_REPO is set, else the local directory + shipped models.
    model_registry = providers.Selector(
        providers.Callable(_registry_kind, settings),
        local=providers.Singleton(
            LocalModelRegistry,
            directory=settings.provided.model_dir,
            shipped=providers.Object((SHIPPED_MODELS_DIR,)),
        ),
        hub=providers.Singleton(_hub_model_registry, settings),
    )
    model_service = providers.Singleton(
        ModelService, registry=model_registry, default_name=settings.provided.default_model
    )
    publish_service = providers.Factory(_publish_service, registry=model_registry)

    # `hippo doctor`: the configuration checked end to end (ops)
    doctor_database = providers.Factory(_postgres_inspector, ready_database_url, MIGRATIONS_DIR)
    doctor_hub = providers.Factory(_hub_inspector, settings)
    doctor = providers.Factory(
        _doctor, settings, doctor_database.provider, doctor_hub.provider, model_registry.provider
    )

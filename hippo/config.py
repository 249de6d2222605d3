"""Settings read from the environment (and `.env` for local runs)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


def _split_csv(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(item.strip() for item in value.split(",") if item.strip())


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting Hippo reads; `Settings.from_env()` builds it from environment variables."""

    database_url: str | None = None
    """`DATABASE_URL`: PostgreSQL (Neon) URL in any common form; unset = embedded PostgreSQL."""
    hf_model_repo: str | None = None
    """`HF_MODEL_REPO`: Hub model repository (`user/name`); unset = local model directory."""
    default_model: str | None = None
    """`DEFAULT_MODEL`: model name served by default; unset = the model shipped in the package."""
    hf_token: str | None = None
    """`HUGGINGFACE_TOKEN` (or `HF_TOKEN`): Hub access token."""
    hf_endpoint: str | None = None
    """`HF_ENDPOINT`: Hub base URL (tests point it at a loopback server)."""
    hf_cache_dir: Path = Path(".hf_cache")
    """`HF_CACHE_DIR`: where downloaded models are cached."""
    allowed_origins: tuple[str, ...] = ()
    """`ALLOWED_ORIGINS`: comma-separated CORS origins; empty = no cross-origin access."""
    admin_token: str | None = None
    """`HIPPO_ADMIN_TOKEN`: bearer token required for dictionary writes."""
    environment: str = "development"
    """`HIPPO_ENV`: `development` or `production`."""
    data_dir: Path = Path(".hippo")
    """`HIPPO_DATA_DIR`: local state (embedded PostgreSQL data, caches)."""
    model_dir: Path = Path("models")
    """`HIPPO_MODEL_DIR`: local model directory (`<name>.npz` + `<name>.json`)."""
    mnist_dir: Path | None = None
    """`HIPPO_MNIST_DIR`: directory holding the MNIST IDX files; unset = cache, then download."""
    mnist_cache_dir: Path = Path.home() / ".cache" / "hippo" / "mnist"
    """`HIPPO_MNIST_CACHE`: where downloaded MNIST files are kept (default `$XDG_CACHE_HOME/hippo/mnist`)."""
    host: str = "127.0.0.1"
    """`HOST`: interface the HTTP server binds."""
    port: int = 8000
    """`PORT`: HTTP port (Railway injects it)."""
    log_level: str = "INFO"
    """`LOG_LEVEL`: logging level."""
    log_format: str | None = None
    """`LOG_FORMAT`: `json` or `text`; unset = `json` in production, `text` otherwise."""
    extra: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from `environ` (default: `os.environ`)."""
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            value = env.get(name)
            return value if value not in (None, "") else None

        mnist = get("HIPPO_MNIST_DIR")
        return cls(
            database_url=get("DATABASE_URL"),
            hf_model_repo=get("HF_MODEL_REPO"),
            default_model=get("DEFAULT_MODEL"),
            hf_token=get("HUGGINGFACE_TOKEN") or get("HF_TOKEN"),
            hf_endpoint=get("HF_ENDPOINT"),
            hf_cache_dir=Path(get("HF_CACHE_DIR") or ".hf_cache"),
            allowed_origins=_split_csv(get("ALLOWED_ORIGINS")),
            admin_token=get("HIPPO_ADMIN_TOKEN"),
            environment=(get("HIPPO_ENV") or ("production" if get("RAILWAY_ENVIRONMENT") else "development")),
            data_dir=Path(get("HIPPO_DATA_DIR") or ".hippo"),
            model_dir=Path(get("HIPPO_MODEL_DIR") or "models"),
            mnist_dir=Path(mnist) if mnist else None,
            mnist_cache_dir=Path(
                get("HIPPO_MNIST_CACHE")
                or Path(get("XDG_CACHE_HOME") or Path.home() / ".cache") / "hippo" / "mnist"
            ),
            host=get("HOST") or "127.0.0.1",
            port=int(get("PORT") or 8000),
            log_level=(get("LOG_LEVEL") or "INFO").upper(),
            log_format=(get("LOG_FORMAT") or "").lower() or None,
        )

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

"""The model registry port: where trained models are stored, listed, fetched and published.

Two adapters implement it: a local directory (plus the models shipped in the package) and a Hugging Face
Hub model repository with a local download cache. Both are synchronous: loading happens at startup or
off the event loop, and publishing is a command-line action. Model names are validated with
:func:`hippo.domain.model_names.validate_model_name` before any file or URL is built from them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from hippo.domain.model_catalog import LoadedModel, ModelFiles, ModelSummary, PublishReceipt, Verification

Progress = Callable[[str], None]
"""Receives one human-readable line per step of a long operation (``"uploading 3 files (812 kB)"``)."""


class ModelRegistry(Protocol):
    @property
    def location(self) -> str:
        """Where the registry lives (a directory, or ``hub:<repo>``), for messages."""
        ...

    def list_models(self) -> list[ModelSummary]:
        """Every model the registry can serve, sorted by name."""
        ...

    def fetch(self, name: str) -> LoadedModel:
        """Load a model by name.

        Raises:
            InvalidModelNameError: `name` is not a valid model name.
            ModelNotFoundError: the registry has no model of that name.
            ModelFileError: the stored files are corrupt, truncated or inconsistent.
            RegistryUnavailableError: the registry cannot be reached and nothing usable is cached.
            RegistryAccessError: the registry refused access (private without token, unknown repository).
        """
        ...

    def publish(self, files: ModelFiles, progress: Progress | None = None) -> PublishReceipt:
        """Store a model's files (and, for the Hub, the regenerated model card) in one step.

        The local files are left alone; callers delete them only after :meth:`verify` succeeds.
        """
        ...

    def verify(self, files: ModelFiles) -> Verification:
        """Compare what the registry stores for `files.name` with the local files (size and hash)."""
        ...

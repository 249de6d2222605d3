"""Reading and writing one model as files (``<name>.npz`` weights + ``<name>.json`` metadata)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from hippo.domain.model_metadata import ModelMetadata
from hippo.domain.network import Network


class ModelFiles(Protocol):
    """The model file codec, as the services see it."""

    def save(self, directory: Path, network: Network, metadata: ModelMetadata) -> tuple[Path, Path]:
        """Write ``<directory>/<metadata.name>.npz`` and ``.json`` atomically; returns both paths."""
        ...

    def load(self, npz_path: Path) -> tuple[Network, ModelMetadata]:
        """Read a model (the .json beside the .npz; metadata derived from the weights when it is absent).

        Raises:
            ModelFileError: a file is missing, corrupt, truncated or inconsistent.
        """
        ...

"""LocalModelRegistry: ``<name>.npz`` + ``<name>.json`` pairs in a directory, plus the shipped models."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from collections.abc import Sequence
from pathlib import Path

from hippo.adapters.model_files import atomic_write, read_metadata, read_parameters
from hippo.domain.errors import ModelFileError, ModelNotFoundError, ModelRegistryError
from hippo.domain.model_catalog import (
    LoadedModel,
    ModelFiles,
    ModelSummary,
    PublishReceipt,
    StoredFile,
    Verification,
)
from hippo.domain.model_metadata import ModelMetadata
from hippo.domain.model_names import is_valid_model_name, validate_model_name
from hippo.domain.network import Network
from hippo.ports.model_registry import Progress

logger = logging.getLogger(__name__)


def read_model_pair(weights: Path, metadata: Path, name: str) -> tuple[Network, ModelMetadata]:
    """Read and validate a model's two files; the registry name (file stem) wins over the .json's.

    Raises:
        ModelFileError: either file is missing, corrupt or inconsistent with the other.
    """
    params = read_parameters(weights)
    meta = read_metadata(metadata, name=name)
    if tuple(meta.sizes) and tuple(meta.sizes) != tuple(params.sizes):
        raise ModelFileError(
            f"{metadata}: sizes {meta.sizes} disagree with the weights in {weights} {params.sizes}"
        )
    if meta.name != name:
        meta = dataclasses.replace(meta, name=name)
    network = Network(params.sizes, params.activation, params.output, params.weights, params.biases)
    return network, meta


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class LocalModelRegistry:
    """A writable model directory searched first, then read-only directories (the package's models).

    `directory` None makes a read-only registry of the `shipped` directories.
    """

    def __init__(self, directory: Path | None, shipped: Sequence[Path] = ()) -> None:
        self.directory = None if directory is None else Path(directory)
        self.shipped = tuple(Path(p) for p in shipped)

    @property
    def location(self) -> str:
        return str(self.directory if self.directory is not None else ", ".join(map(str, self.shipped)))

    def _roots(self) -> list[tuple[Path, str]]:
        local = [] if self.directory is None else [(self.directory, "local")]
        return [*local, *((root, "package") for root in self.shipped)]

    def _writable(self) -> Path:
        if self.directory is None:
            raise ModelRegistryError(f"the shipped models in {self.location} are read-only")
        return self.directory

    def _find(self, name: str) -> tuple[Path, Path, str] | None:
        for root, source in self._roots():
            weights, metadata = root / f"{name}.npz", root / f"{name}.json"
            if weights.is_file() and metadata.is_file():
                return weights, metadata, source
        return None

    def list_models(self) -> list[ModelSummary]:
        found: dict[str, ModelSummary] = {}
        for root, source in self._roots():
            if not root.is_dir():
                continue
            for metadata in sorted(root.glob("*.json")):
                name = metadata.stem
                weights = metadata.with_suffix(".npz")
                if name in found or not is_valid_model_name(name) or not weights.is_file():
                    continue
                try:
                    meta = read_metadata(metadata, name=name)
                except ModelFileError as exc:
                    logger.warning("skipping model %s in %s: %s", name, root, exc)
                    continue
                meta = dataclasses.replace(meta, name=name)
                found[name] = ModelSummary.from_metadata(meta, weights.stat().st_size, source)
        return [found[name] for name in sorted(found)]

    def fetch(self, name: str) -> LoadedModel:
        validate_model_name(name)
        hit = self._find(name)
        if hit is None:
            available = ", ".join(s.name for s in self.list_models()) or "none"
            searched = ", ".join(str(root) for root, _ in self._roots())
            raise ModelNotFoundError(f"model {name!r} not found in {searched} (available: {available})")
        weights, metadata, source = hit
        network, meta = read_model_pair(weights, metadata, name)
        return LoadedModel(network=network, metadata=meta, source=source, location=str(weights))

    def publish(self, files: ModelFiles, progress: Progress | None = None) -> PublishReceipt:
        directory = self._writable()
        read_model_pair(files.weights, files.metadata, files.name)  # refuse to store what cannot be loaded
        written: list[str] = []
        for path in files.paths:
            target = directory / files.remote_name(path)
            if target.exists() and target.resolve() == Path(path).resolve():
                written.append(target.name)
                continue
            if progress:
                progress(f"copying {path} -> {target}")
            # Weights before metadata: a listing needs both, so it never sees a half-copied model.
            atomic_write(target, Path(path).read_bytes())
            written.append(target.name)
        return PublishReceipt(
            name=files.name, location=str(self.directory), revision=None, files=tuple(written)
        )

    def verify(self, files: ModelFiles) -> Verification:
        directory = self._writable()
        checked: list[StoredFile] = []
        problems: list[str] = []
        for path in files.paths:
            target = directory / files.remote_name(path)
            if not target.is_file():
                problems.append(f"{target} is missing")
                continue
            stored = StoredFile(name=target.name, size=target.stat().st_size, sha256=sha256_of(target))
            checked.append(stored)
            if stored.size != path.stat().st_size or stored.sha256 != sha256_of(path):
                problems.append(f"{target} differs from {path}")
        return Verification(name=files.name, checked=tuple(checked), problems=tuple(problems))

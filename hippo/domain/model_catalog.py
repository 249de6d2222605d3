"""What a model registry holds and hands out: summaries, loaded models, files to publish, receipts.

A registry stores models as pairs of files, ``<name>.npz`` (weights, see the model file codec) and
``<name>.json`` (:class:`~hippo.domain.model_metadata.ModelMetadata`), optionally with ``<name>.png`` (the
training curves). These types carry no behaviour beyond small derived values; the registry adapters and
the model services do the work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from hippo.domain.model_metadata import ModelMetadata
from hippo.domain.model_names import validate_model_name
from hippo.domain.network import Network


@dataclass(frozen=True, slots=True)
class ModelSummary:
    """One line of a registry listing.

    Attributes:
        name: model name (file stem).
        sizes: layer sizes, input first.
        activation: hidden activation.
        output: ``softmax`` or ``classic``.
        accuracy: test accuracy as a fraction in [0, 1], when recorded.
        created: ISO 8601 UTC time the model was written, when recorded.
        size_bytes: size of the weights file (.npz) in bytes.
        source: where the entry comes from: ``local``, ``package``, ``hub`` or ``cache`` (Hub unreachable).
    """

    name: str
    sizes: tuple[int, ...]
    activation: str
    output: str
    accuracy: float | None
    created: str | None
    size_bytes: int
    source: str

    @classmethod
    def from_metadata(cls, metadata: ModelMetadata, size_bytes: int, source: str) -> ModelSummary:
        return cls(
            name=metadata.name,
            sizes=tuple(metadata.sizes),
            activation=metadata.activation,
            output=metadata.output,
            accuracy=metadata.test_accuracy,
            created=metadata.created,
            size_bytes=size_bytes,
            source=source,
        )


@dataclass(frozen=True, slots=True, eq=False)
class LoadedModel:
    """A model ready to run: the network, its metadata and where it was read from.

    Attributes:
        network: the network, weights in memory.
        metadata: the content of ``<name>.json``.
        source: ``local``, ``package``, ``hub`` (checked against the Hub) or ``cache`` (Hub unreachable,
            served from the local cache).
        location: the file or URL it was read from, for messages and logs.
    """

    network: Network
    metadata: ModelMetadata
    source: str
    location: str

    @property
    def name(self) -> str:
        return self.metadata.name


@dataclass(frozen=True, slots=True)
class ModelFiles:
    """The local files of one model, ready to publish.

    Attributes:
        name: model name; the files are ``<name>.npz``, ``<name>.json`` and optionally ``<name>.png``.
        weights: path of the .npz.
        metadata: path of the .json.
        curves: path of the training-curve PNG, when there is one.
        claimed_accuracy: an accuracy (fraction) given by the user, used only when the .json has none.
    """

    name: str
    weights: Path
    metadata: Path
    curves: Path | None = None
    claimed_accuracy: float | None = None

    def __post_init__(self) -> None:
        validate_model_name(self.name)

    @classmethod
    def beside(cls, weights: Path, claimed_accuracy: float | None = None) -> ModelFiles:
        """The files of the model whose .npz is `weights` (the .json and .png next to it)."""
        weights = Path(weights)
        name = weights.name[: -len(".npz")] if weights.name.endswith(".npz") else weights.name
        curves = weights.with_name(f"{name}.png")
        return cls(
            name=validate_model_name(name),
            weights=weights,
            metadata=weights.with_name(f"{name}.json"),
            curves=curves if curves.is_file() else None,
            claimed_accuracy=claimed_accuracy,
        )

    @property
    def paths(self) -> tuple[Path, ...]:
        """Every local file of the model, weights first."""
        return (self.weights, self.metadata) + ((self.curves,) if self.curves is not None else ())

    def remote_name(self, path: Path) -> str:
        """The file name `path` gets in the registry (``<name>.npz`` / ``.json`` / ``.png``)."""
        return f"{self.name}{path.suffix}"


@dataclass(frozen=True, slots=True)
class StoredFile:
    """What a registry reports about one stored file, to compare with the local copy."""

    name: str
    size: int
    sha256: str | None = None
    git_blob_sha1: str | None = None


@dataclass(frozen=True, slots=True)
class Verification:
    """The result of comparing a model's local files with what the registry stores.

    Attributes:
        name: model name.
        checked: the stored files that were compared.
        problems: one sentence per mismatch or missing file; empty when everything matches.
    """

    name: str
    checked: tuple[StoredFile, ...]
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.checked)


@dataclass(frozen=True, slots=True)
class PublishReceipt:
    """What a publish produced.

    Attributes:
        name: model name.
        location: where the model now lives (a directory or a Hub repository URL).
        revision: the commit id on the Hub; None for a local directory.
        files: the file names written, e.g. ``("x.npz", "x.json", "README.md")``.
    """

    name: str
    location: str
    revision: str | None
    files: tuple[str, ...] = field(default_factory=tuple)

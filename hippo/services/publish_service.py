"""Publishing a trained model: upload, verify what the registry stores, and only then delete local files."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from hippo.domain.errors import InvalidArgumentError, ModelFileError, PublishVerificationError
from hippo.domain.model_catalog import ModelFiles, PublishReceipt, Verification
from hippo.domain.model_metadata import ModelMetadata
from hippo.ports.model_registry import ModelRegistry, Progress

logger = logging.getLogger(__name__)

ACCURACY_TOLERANCE_PERCENT = 0.05
"""A given ACC that differs from the measured accuracy by more than this (in points) draws a warning."""


@dataclass(frozen=True, slots=True)
class UploadResult:
    """What an upload did.

    Attributes:
        receipt: where the model went (and the commit, on the Hub).
        verification: the comparison of the stored files with the local ones.
        deleted: local files removed after the verification passed (empty with ``keep_local``).
        warnings: things the user should know (e.g. a given accuracy that disagrees with the measured one).
    """

    receipt: PublishReceipt
    verification: Verification
    deleted: tuple[Path, ...]
    warnings: tuple[str, ...]


class PublishService:
    def __init__(self, registry: ModelRegistry) -> None:
        self.registry = registry

    def prepare(self, weights: Path, accuracy_percent: float | None = None) -> tuple[ModelFiles, list[str]]:
        """Check the local files of the model whose weights are `weights`; returns them and any warnings.

        Raises:
            InvalidArgumentError: the path is not an existing ``.npz``, the accuracy is out of range.
            InvalidModelNameError: the file stem is not a valid model name.
            ModelFileError: the ``.json`` beside it is missing or unreadable.
        """
        weights = Path(weights)
        if weights.suffix != ".npz":
            raise InvalidArgumentError(f"{weights}: expected the model's .npz file (e.g. models/<name>.npz)")
        if not weights.is_file():
            raise InvalidArgumentError(f"{weights}: no such file")
        if accuracy_percent is not None and not 0.0 <= accuracy_percent <= 100.0:
            raise InvalidArgumentError(f"ACC must be a percentage in [0, 100], got {accuracy_percent}")
        claimed = None if accuracy_percent is None else accuracy_percent / 100.0
        files = ModelFiles.beside(weights, claimed_accuracy=claimed)
        metadata = _read_metadata(files.metadata, files.name)
        warnings: list[str] = []
        measured = metadata.test_accuracy_percent
        if accuracy_percent is not None and measured is not None:
            if abs(measured - accuracy_percent) > ACCURACY_TOLERANCE_PERCENT:
                warnings.append(
                    f"ACC={accuracy_percent:g} disagrees with the accuracy measured after training "
                    f"({measured:.2f} % in {files.metadata.name}); the model card shows the measured value"
                )
        elif measured is None and accuracy_percent is None:
            warnings.append(f"{files.metadata.name} records no test accuracy; the model card will show none")
        return files, warnings

    def upload(
        self,
        weights: Path,
        *,
        accuracy_percent: float | None = None,
        keep_local: bool = False,
        progress: Progress | None = None,
    ) -> UploadResult:
        """Publish a model, verify it, then delete the local files unless `keep_local`.

        Raises:
            PublishVerificationError: the registry stores something else; the local files are kept.
            ModelRegistryError: missing token, unknown repository, network failure; local files untouched.
        """
        files, warnings = self.prepare(weights, accuracy_percent)
        for warning in warnings:
            logger.warning(warning)
        receipt = self.registry.publish(files, progress)
        if progress:
            names = ", ".join(files.remote_name(p) for p in files.paths)
            progress(f"verifying {names} in {self.registry.location}")
        verification = self.registry.verify(files)
        if not verification.ok:
            problems = "; ".join(verification.problems) or "nothing could be compared"
            kept = ", ".join(str(p) for p in files.paths)
            raise PublishVerificationError(
                f"model {files.name!r} was sent to {self.registry.location} but what it stores differs "
                f"from the local files ({problems}); the local files are kept: {kept}"
            )
        deleted: list[Path] = []
        if not keep_local:
            for path in files.paths:
                path.unlink(missing_ok=True)
                deleted.append(path)
        return UploadResult(receipt, verification, tuple(deleted), tuple(warnings))


def _read_metadata(path: Path, name: str) -> ModelMetadata:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ModelFileError(
            f"{path}: missing; a model is uploaded with its .json (written by `hippo train`)"
        ) from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFileError(f"{path}: cannot read the model's metadata ({exc})") from exc
    try:
        return ModelMetadata.from_dict(data, name=name)
    except InvalidArgumentError as exc:
        raise ModelFileError(f"{path}: {exc}") from exc

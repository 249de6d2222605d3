"""What a model file says about itself: architecture, training recipe, history and provenance.

`ModelMetadata` is the content of a model's ``<name>.json``; it travels with the weights in
``<name>.npz``. Accuracies are fractions in [0, 1] (``0.9791`` = 97.91 %); the JSON form also carries
``final_accuracy`` in percent, the key the earlier Hippo wrote, so old tools keep reading it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hippo.domain.errors import InvalidArgumentError

METADATA_FORMAT_VERSION = 1
"""Version of the JSON layout written by :meth:`ModelMetadata.to_dict`."""


@dataclass(frozen=True, slots=True)
class EpochRecord:
    """One line of the training history.

    Attributes:
        epoch: 1-based epoch number.
        train_loss: mean training loss over the epoch (cross-entropy for softmax, quadratic for classic).
        accuracy: fraction in [0, 1] of the held-out images (validation slice, else test set) classified
            correctly after the epoch.
        seconds: wall-clock seconds the epoch took (training only, evaluation excluded).
        loss: mean loss on the held-out images, when measured.
        train_accuracy: fraction of the epoch's training images classified correctly (each measured just
            before its mini-batch's update).
        learning_rate: the learning rate used in the epoch.
    """

    epoch: int
    train_loss: float
    accuracy: float
    seconds: float
    loss: float | None = None
    train_accuracy: float | None = None
    learning_rate: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "epoch": self.epoch,
            "train_loss": _json_float(self.train_loss),
            "accuracy": _json_float(self.accuracy),
            "loss": None if self.loss is None else _json_float(self.loss),
            "train_accuracy": None if self.train_accuracy is None else _json_float(self.train_accuracy),
            "learning_rate": self.learning_rate,
            "seconds": self.seconds,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EpochRecord:
        try:
            loss = data.get("loss")
            train_accuracy = data.get("train_accuracy")
            learning_rate = data.get("learning_rate")
            return cls(
                epoch=int(data["epoch"]),
                train_loss=_float_or_nan(data["train_loss"]),
                accuracy=_float_or_nan(data["accuracy"]),
                seconds=float(data.get("seconds", 0.0)),
                loss=None if loss is None else float(loss),
                train_accuracy=None if train_accuracy is None else float(train_accuracy),
                learning_rate=None if learning_rate is None else float(learning_rate),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidArgumentError(f"history entry {dict(data)!r} is malformed: {exc}") from exc


def _float_or_nan(value: Any) -> float:
    return math.nan if value is None else float(value)


def _json_float(value: float) -> float | None:
    """NaN/inf (a diverged run) become null, which JSON can represent."""
    return value if math.isfinite(value) else None


@dataclass(frozen=True, slots=True)
class ModelMetadata:
    """Everything ``<name>.json`` records about a model.

    Attributes:
        name: model name, also the file stem (``mnist-relu-100-20261129T101500``).
        sizes: layer sizes, input first (``(784, 100, 10)``).
        activation: hidden activation (``relu``, ``sigmoid`` or ``tanh``).
        output: ``softmax`` or ``classic`` (the hidden activation applied to the output layer too).
        dtype: floating-point type of the weights (``float32`` or ``float64``).
        test_accuracy: fraction of the 10,000 MNIST test images classified correctly, if measured.
        created: ISO 8601 UTC timestamp of when the model was written.
        training: the training recipe (epochs, learning rate, momentum, batch size, ...).
        history: one :class:`EpochRecord` per finished epoch.
        seed: the seed that makes the run reproducible, if any.
        data_digests: SHA-256 of the uncompressed data files the model was trained and tested on.
        hippo_version: version of Hippo that wrote the model.
        wall_time_seconds: wall-clock seconds of the whole training run.
        command: the exact command line that produced the model.
        interrupted: True when training was stopped early (Ctrl-C); the weights are those of the last
            finished mini-batch.
        extra: any other keys found in the JSON, kept so that a round trip loses nothing.
    """

    name: str
    sizes: tuple[int, ...]
    activation: str
    output: str = "softmax"
    dtype: str = "float32"
    test_accuracy: float | None = None
    created: str | None = None
    training: Mapping[str, Any] = field(default_factory=dict)
    history: tuple[EpochRecord, ...] = ()
    seed: int | None = None
    data_digests: Mapping[str, str] = field(default_factory=dict)
    hippo_version: str | None = None
    wall_time_seconds: float | None = None
    command: str | None = None
    interrupted: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.name:
            raise InvalidArgumentError("model name must not be empty")
        if len(self.sizes) < 2 or any(int(s) < 1 for s in self.sizes):
            raise InvalidArgumentError(f"sizes must list at least 2 layers of size >= 1, got {self.sizes!r}")
        if self.output not in ("softmax", "classic"):
            raise InvalidArgumentError(f"output must be 'softmax' or 'classic', got {self.output!r}")
        if self.test_accuracy is not None and not 0.0 <= self.test_accuracy <= 1.0:
            raise InvalidArgumentError(
                f"test_accuracy must be a fraction in [0, 1], got {self.test_accuracy!r}"
            )

    @property
    def test_accuracy_percent(self) -> float | None:
        """Test accuracy in percent, rounded to 2 decimals (``97.91``)."""
        return None if self.test_accuracy is None else round(100.0 * self.test_accuracy, 2)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form (plain dicts, lists, strings and numbers)."""
        data: dict[str, Any] = dict(self.extra)
        data.update(
            {
                "format_version": METADATA_FORMAT_VERSION,
                "name": self.name,
                "sizes": [int(s) for s in self.sizes],
                "activation": self.activation,
                "output": self.output,
                "dtype": self.dtype,
                "test_accuracy": self.test_accuracy,
                "final_accuracy": self.test_accuracy_percent,
                "created": self.created,
                "training_config": dict(self.training),
                "history": [record.to_dict() for record in self.history],
                "seed": self.seed,
                "data_digests": dict(self.data_digests),
                "hippo_version": self.hippo_version,
                "wall_time_seconds": self.wall_time_seconds,
                "command": self.command,
                "interrupted": self.interrupted,
            }
        )
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, name: str | None = None) -> ModelMetadata:
        """Read the JSON form, including the earlier Hippo's ``{training_config, final_accuracy}``.

        Args:
            data: the parsed JSON object.
            name: the model name to use when the JSON has none (the file stem).

        Raises:
            InvalidArgumentError: a required field is missing or has the wrong type.
        """
        if not isinstance(data, Mapping):
            raise InvalidArgumentError(f"model metadata must be a JSON object, got {type(data).__name__}")
        known = {
            "format_version", "name", "sizes", "activation", "output", "dtype", "test_accuracy",
            "final_accuracy", "created", "training_config", "history", "seed", "data_digests",
            "hippo_version", "wall_time_seconds", "command", "interrupted",
        }  # fmt: skip
        training = data.get("training_config") or {}
        if not isinstance(training, Mapping):
            raise InvalidArgumentError("training_config must be a JSON object")
        try:
            sizes = tuple(int(s) for s in (data.get("sizes") or training.get("sizes") or ()))
            accuracy = data.get("test_accuracy")
            if accuracy is None and data.get("final_accuracy") is not None:
                accuracy = round(float(data["final_accuracy"]) / 100.0, 6)  # the earlier Hippo wrote percent
            seed = data.get("seed", training.get("seed"))
            wall = data.get("wall_time_seconds")
            history = data.get("history") or []
            if not isinstance(history, list):
                raise InvalidArgumentError("history must be a JSON list")
            digests = data.get("data_digests") or {}
            if not isinstance(digests, Mapping):
                raise InvalidArgumentError("data_digests must be a JSON object")
            return cls(
                name=str(data.get("name") or name or ""),
                sizes=sizes,
                activation=str(data.get("activation") or training.get("activation") or ""),
                # The earlier Hippo had no output kind: its output layer used the hidden activation.
                output=str(data.get("output") or "classic"),
                dtype=str(data.get("dtype") or "float64"),
                test_accuracy=None if accuracy is None else float(accuracy),
                created=None if data.get("created") is None else str(data["created"]),
                training=dict(training),
                history=tuple(EpochRecord.from_dict(entry) for entry in history),
                seed=None if seed is None else int(seed),
                data_digests={str(k): str(v) for k, v in digests.items()},
                hippo_version=None if data.get("hippo_version") is None else str(data["hippo_version"]),
                wall_time_seconds=None if wall is None else float(wall),
                command=None if data.get("command") is None else str(data["command"]),
                interrupted=bool(data.get("interrupted", False)),
                extra={k: v for k, v in data.items() if k not in known},
            )
        except (TypeError, ValueError) as exc:
            if isinstance(exc, InvalidArgumentError):
                raise
            raise InvalidArgumentError(f"model metadata is malformed: {exc}") from exc

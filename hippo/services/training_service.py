"""Train a network on MNIST and save it: the use case behind `hippo train`, the benchmarks and notebooks."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from hippo.domain.errors import InvalidArgumentError
from hippo.domain.mnist import MnistData
from hippo.domain.model_metadata import EpochRecord, ModelMetadata
from hippo.domain.network import Network
from hippo.domain.training import EpochReport, Trainer, TrainingConfig
from hippo.ports.mnist import MnistSource
from hippo.ports.model_files import ModelFiles
from hippo.services.training_recipes import TrainingRecipe

EpochCallback = Callable[[EpochRecord], None]
ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True, slots=True, eq=False)
class TrainedModel:
    """A trained network and the metadata that will be written beside it."""

    network: Network
    metadata: ModelMetadata


class TrainingService:
    """Loads MNIST through its port, trains with the domain `Trainer`, saves through the model-files port.

    Args:
        mnist: where the data comes from.
        model_files: how models are written.
        hippo_version: recorded in every model's metadata.
        clock: monotonic seconds (tests may pass a fake).
        now: current UTC time, for the model name and ``created``.
    """

    def __init__(
        self,
        mnist: MnistSource,
        model_files: ModelFiles,
        hippo_version: str,
        *,
        clock: Callable[[], float] = time.perf_counter,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.mnist = mnist
        self.model_files = model_files
        self.hippo_version = hippo_version
        self.clock = clock
        self.now = now

    def load_data(
        self, recipe: TrainingRecipe, *, train_limit: int | None = None, test_limit: int | None = None
    ) -> MnistData:
        """The MNIST splits the recipe asks for (validation slice held out before any limit is applied)."""
        for label, limit in (("train limit", train_limit), ("test limit", test_limit)):
            if limit is not None and limit < 1:
                raise InvalidArgumentError(f"{label} must be >= 1, got {limit}")
        data = self.mnist.load(validation_size=recipe.validation_size)
        return data.subset(train=train_limit, test=test_limit)

    def train(
        self,
        recipe: TrainingRecipe,
        data: MnistData,
        *,
        name: str | None = None,
        command: str | None = None,
        on_epoch: EpochCallback | None = None,
        on_progress: ProgressCallback | None = None,
        stop: threading.Event | None = None,
    ) -> TrainedModel:
        """Train from scratch; returns the network and its metadata (nothing is written).

        When `stop` is set (Ctrl-C), training ends after the current mini-batch and the model is still
        returned, evaluated on the test set and marked ``interrupted``. Accuracy during training is
        measured on the validation slice when the recipe holds one out, else on the test set.
        `on_progress(rows_done, rows)` is called within each epoch (progress bars).
        """
        recipe = recipe.resolved()
        started = self.clock()
        created = self.now()
        network, history, interrupted = self._fit(recipe, data, on_epoch, on_progress, stop)
        accuracy = float(network.accuracy(data.test.images, data.test.labels))
        metadata = ModelMetadata(
            name=name or f"{recipe.model_stem()}-{created:%Y%m%dT%H%M%S}",
            sizes=tuple(network.sizes),
            activation=network.activation,
            output=network.output,
            dtype=recipe.dtype,
            test_accuracy=round(accuracy, 6),
            created=created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            training={
                **recipe.to_dict(),
                "train_images": len(data.train),
                "test_images": len(data.test),
                "evaluated_on": "validation" if data.validation is not None else "test",
            },
            history=tuple(history),
            seed=recipe.seed,
            data_digests=dict(data.digests),
            hippo_version=self.hippo_version,
            wall_time_seconds=_round(self.clock() - started, 3),
            command=command,
            interrupted=interrupted,
        )
        return TrainedModel(network, metadata)

    def save(self, trained: TrainedModel, directory: Path) -> tuple[Path, Path]:
        """Write ``<directory>/<name>.npz`` and ``.json``."""
        return self.model_files.save(directory, trained.network, trained.metadata)

    def _fit(
        self,
        recipe: TrainingRecipe,
        data: MnistData,
        on_epoch: EpochCallback | None,
        on_progress: ProgressCallback | None,
        stop: threading.Event | None,
    ) -> tuple[Network, list[EpochRecord], bool]:
        network = Network.create(
            recipe.sizes, recipe.activation, recipe.output, seed=recipe.seed, dtype=np.dtype(recipe.dtype)
        )
        config = TrainingConfig(
            epochs=recipe.epochs,
            batch_size=recipe.batch_size,
            learning_rate=recipe.concrete("learning_rate"),
            momentum=recipe.concrete("momentum"),
            weight_decay=recipe.concrete("weight_decay"),
            lr_decay=recipe.concrete("learning_rate_decay"),
            seed=recipe.seed,
        )
        held_out = data.validation if data.validation is not None else data.test
        history: list[EpochRecord] = []

        def record(report: EpochReport) -> None:
            entry = EpochRecord(
                epoch=report.epoch,
                train_loss=_round(report.train_loss, 6),
                accuracy=float("nan") if report.validation_accuracy is None else report.validation_accuracy,
                seconds=_round(report.seconds, 4),
                loss=None if report.validation_loss is None else _round(report.validation_loss, 6),
                train_accuracy=_round(report.train_accuracy, 6),
                learning_rate=float(f"{report.learning_rate:.10g}"),
            )
            history.append(entry)
            if on_epoch is not None:
                on_epoch(entry)

        result = Trainer(config).fit(
            network,
            data.train.images,
            data.train.labels,
            validation=(held_out.images, held_out.labels),
            on_epoch=record,
            should_stop=None if stop is None else stop.is_set,
            on_progress=on_progress,
        )
        return result.network, history, result.interrupted


def _round(value: float, digits: int) -> float:
    """Rounded for a readable .json (NaN and infinities stay as they are)."""
    return round(value, digits) if math.isfinite(value) else value

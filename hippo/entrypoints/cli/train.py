"""`hippo train`: train a network on MNIST and write ``<name>.npz`` + ``<name>.json``."""

from __future__ import annotations

import argparse
import shlex
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from hippo.domain.errors import HippoError
from hippo.services.training_recipes import PRESETS, recipe_from

if TYPE_CHECKING:
    from hippo.domain.model_metadata import EpochRecord


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "train",
        help="train a network on MNIST and save it",
        description="Train a network on MNIST and write <output-dir>/<name>.npz + .json. Options you do not "
        "give come from the preset; learning rate, decay, momentum and weight decay default by output kind.",
    )
    recipe = parser.add_argument_group("recipe")
    recipe.add_argument("--preset", choices=sorted(PRESETS), default="default", help="starting recipe")
    recipe.add_argument("--sizes", type=int, nargs="+", metavar="N", help="layer sizes, e.g. 784 100 10")
    recipe.add_argument("--activation", choices=["relu", "sigmoid", "tanh"], help="hidden activation")
    recipe.add_argument("--output", choices=["softmax", "classic"], help="output layer kind")
    recipe.add_argument("--epochs", type=int, help="passes over the training set")
    recipe.add_argument("--learning-rate", "--lr", type=float, dest="learning_rate", help="SGD step size")
    recipe.add_argument(
        "--learning-rate-decay", type=float, help="factor applied to the rate after each epoch"
    )
    recipe.add_argument("--momentum", type=float, help="SGD momentum (0.9 softmax, 0 classic by default)")
    recipe.add_argument("--batch-size", type=int, help="images per mini-batch")
    recipe.add_argument("--weight-decay", type=float, help="L2 penalty coefficient")
    recipe.add_argument("--seed", type=int, help="seed of the initial weights and the shuffling")
    recipe.add_argument("--dtype", choices=["float32", "float64"], help="floating-point type")
    recipe.add_argument("--validation-size", type=int, help="hold out N training images to watch accuracy")
    data = parser.add_argument_group("data and output")
    data.add_argument(
        "--data-dir", type=Path, help="folder with the MNIST IDX files (default $HIPPO_MNIST_DIR)"
    )
    data.add_argument("--train-limit", type=int, help="train on the first N images only (quick experiments)")
    data.add_argument("--test-limit", type=int, help="evaluate on the first N test images only")
    data.add_argument(
        "--output-dir", type=Path, help="where to write the model (default $HIPPO_MODEL_DIR or models)"
    )
    data.add_argument("--name", help="model name (default mnist-<activation>-<hidden>-<timestamp>)")
    data.add_argument("--plot", action="store_true", help="also write <name>.png with the learning curves")
    data.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(handler=run)


def _command_line() -> str:
    return shlex.join(["hippo", *sys.argv[1:]])


class _EpochBars:
    """One tqdm bar per epoch over the training images, closed with the epoch's loss and accuracy."""

    def __init__(self, epochs: int, rows: int, held_out: str, *, disabled: bool) -> None:
        self.epochs, self.rows, self.held_out, self.disabled = epochs, rows, held_out, disabled
        self.epoch = 1
        self.bar: Any = None

    def rows_done(self, done: int, total: int) -> None:
        if self.bar is None:
            from tqdm import tqdm

            width = len(str(self.epochs))
            self.bar = tqdm(
                total=total, desc=f"epoch {self.epoch:>{width}}/{self.epochs}", unit="img", unit_scale=True,
                disable=self.disabled, dynamic_ncols=True, leave=True,
            )  # fmt: skip
        self.bar.update(done - self.bar.n)

    def epoch_done(self, record: EpochRecord) -> None:
        if self.bar is None:
            self.rows_done(self.rows, self.rows)
        self.bar.set_postfix_str(
            f"loss {record.train_loss:.4f}, {self.held_out} accuracy {100 * record.accuracy:.2f}%",
            refresh=True,
        )
        self.close()
        self.epoch = record.epoch + 1

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def run(args: argparse.Namespace) -> int:
    try:
        recipe = recipe_from(
            args.preset,
            sizes=args.sizes,
            activation=args.activation,
            output=args.output,
            epochs=args.epochs,
            learning_rate=args.learning_rate,
            learning_rate_decay=args.learning_rate_decay,
            momentum=args.momentum,
            batch_size=args.batch_size,
            weight_decay=args.weight_decay,
            seed=args.seed,
            dtype=args.dtype,
            validation_size=args.validation_size,
        ).resolved()
    except HippoError as exc:
        print(f"hippo train: {exc}", file=sys.stderr)
        return 2
    from hippo.container import Container  # NumPy and the adapters: only when the command runs

    container = Container()
    settings = container.settings()
    output_dir = args.output_dir or settings.model_dir
    mnist = container.mnist_source(data_dir=args.data_dir or settings.mnist_dir)
    service = container.training_service(mnist=mnist)
    stop = threading.Event()

    def on_sigint(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        print("\nhippo train: stopping after the current batch (Ctrl-C again to abort)...", file=sys.stderr)

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        data = service.load_data(recipe, train_limit=args.train_limit, test_limit=args.test_limit)
        held_out = "validation" if data.validation is not None else "test"
        print(
            f"training {'-'.join(map(str, recipe.sizes))} {recipe.activation}/{recipe.output} on "
            f"{len(data.train)} images for {recipe.epochs} epochs (batch {recipe.batch_size}, "
            f"lr {recipe.learning_rate:g}, momentum {recipe.momentum:g}, seed {recipe.seed}); "
            f"data: {data.source}",
            file=sys.stderr,
        )
        progress = _EpochBars(recipe.epochs, len(data.train), held_out, disabled=args.quiet)
        try:
            trained = service.train(
                recipe,
                data,
                name=args.name,
                command=_command_line(),
                on_epoch=progress.epoch_done,
                on_progress=progress.rows_done,
                stop=stop,
            )
        finally:
            progress.close()
        npz_path, json_path = service.save(trained, output_dir)
        meta = trained.metadata
        if args.plot:
            png = container.plot_learning_curves()(
                meta.history, npz_path.with_suffix(".png"), title=meta.name
            )
            print(f"learning curves: {png}", file=sys.stderr)
    except HippoError as exc:
        print(f"hippo train: {exc}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGINT, previous)
    status = f"INTERRUPTED after {len(meta.history)} epoch(s); " if meta.interrupted else ""
    print(
        f"{status}test accuracy {meta.test_accuracy_percent:.2f} % on {len(data.test)} images; "
        f"{len(meta.history)} epochs in {meta.wall_time_seconds:.1f} s; saved {npz_path} and {json_path.name}"
    )
    return 130 if meta.interrupted else 0

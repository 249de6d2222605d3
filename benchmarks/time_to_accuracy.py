"""Wall time until the MNIST test accuracy first reaches 97.5 %: `hippo train` defaults beside PyTorch.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .venv/bin/python benchmarks/time_to_accuracy.py
    .venv/bin/python benchmarks/time_to_accuracy.py --seeds 0 1 2 --data-dir ../shared/data/mnist

Hippo runs the default recipe of `hippo train` through the same service (784-100-10 relu/softmax).
PyTorch (CPU, same number of threads) runs the same network with its best settings among: the same SGD
recipe, SGD at batch 128, and Adam. Both are timed from the first training step, test accuracy measured
after every epoch (the evaluation counts in the time), after one warm-up run each (Numba's cache and
PyTorch's kernels are warm). Medians over the seeds. torch is a benchmark-only extra:
`.venv/bin/python -m pip install torch==2.13.0` (or `uv pip install --python .venv/bin/python torch==2.13.0`).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

import numba

from hippo.container import Container
from hippo.domain.model_metadata import EpochRecord
from hippo.services.training_recipes import recipe_from

sys.path.insert(0, str(Path(__file__).resolve().parent))
from torch_mlp import torch_available, train_torch

TORCH_SETTINGS = {
    "SGD batch 64, lr 0.05 x0.8/epoch (Hippo's recipe)": {"batch_size": 64, "learning_rate": 0.05},
    "SGD batch 128, lr 0.1 x0.8/epoch": {"batch_size": 128, "learning_rate": 0.1},
    "Adam batch 128, lr 1e-3": {"optimiser": "adam", "batch_size": 128, "learning_rate": 1e-3,
                                "learning_rate_decay": 1.0, "weight_decay": 0.0},
}  # fmt: skip


def hippo_time(service, data, seed: int, target: float, max_epochs: int) -> tuple[float | None, int]:
    stop = threading.Event()
    reached: list[tuple[float, int]] = []
    started = time.perf_counter()

    def on_epoch(record: EpochRecord) -> None:
        if not reached and record.accuracy >= target:
            reached.append((time.perf_counter() - started, record.epoch))
            stop.set()

    service.train(recipe_from("default", seed=seed, epochs=max_epochs), data, on_epoch=on_epoch, stop=stop)
    return reached[0] if reached else (None, max_epochs)


def torch_time(
    data, seed: int, target: float, max_epochs: int, threads: int, **settings
) -> tuple[float | None, int]:
    reached: list[tuple[float, int]] = []

    def on_epoch(epoch: int, seconds: float, accuracy: float) -> bool:
        if accuracy >= target:
            reached.append((seconds, epoch))
            return True
        return False

    train_torch(data.train.images, data.train.labels, data.test.images, data.test.labels, epochs=max_epochs,
                seed=seed, threads=threads, on_epoch=on_epoch, **settings)  # fmt: skip
    return reached[0] if reached else (None, max_epochs)


def summary(results: list[tuple[float | None, int]]) -> tuple[str, float]:
    times = [t for t, _ in results if t is not None]
    if len(times) < len(results):
        return f"not reached in {len(results) - len(times)} of {len(results)} runs", float("inf")
    median = statistics.median(times)
    epochs = statistics.median(e for _, e in results)
    return f"{median:6.2f} s (epochs {epochs:g}; runs {', '.join(f'{t:.2f}' for t in times)})", median


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--target", type=float, default=0.975)
    parser.add_argument("--max-epochs", type=int, default=15)
    parser.add_argument("--data-dir", type=Path)
    args = parser.parse_args()
    container = Container()
    settings = container.settings()
    service = container.training_service(
        mnist=container.mnist_source(data_dir=args.data_dir or settings.mnist_dir)
    )
    data = service.load_data(recipe_from("default"))
    threads = numba.get_num_threads()
    print(
        f"target {100 * args.target:.1f} % test accuracy; seeds {args.seeds}; {threads} threads",
        file=sys.stderr,
    )

    service.train(recipe_from("default", epochs=1), data.subset(train=2000, test=500))  # warm-up (JIT cache)
    hippo = [hippo_time(service, data, seed, args.target, args.max_epochs) for seed in args.seeds]
    rows = [("Hippo `hippo train` defaults (SGD batch 64, lr 0.05 x0.8/epoch)", *summary(hippo))]
    print(f"hippo: {rows[-1][1]}", file=sys.stderr, flush=True)
    if torch_available():
        import torch

        for label, torch_settings in TORCH_SETTINGS.items():
            train_torch(data.train.images[:2000], data.train.labels[:2000], data.test.images[:500],
                        data.test.labels[:500], epochs=1, threads=threads, **torch_settings)  # fmt: skip
            runs = [
                torch_time(data, s, args.target, args.max_epochs, threads, **torch_settings)
                for s in args.seeds
            ]
            rows.append((f"PyTorch {torch.__version__} {label}", *summary(runs)))
            print(f"torch {label}: {rows[-1][1]}", file=sys.stderr, flush=True)
    else:
        print("PyTorch is not installed: pip install torch==2.13.0 for the comparison", file=sys.stderr)
    best_torch = min((r for r in rows[1:]), key=lambda r: r[2], default=None)
    print(f"\n| run | time to {100 * args.target:.1f} % test accuracy (median) |")
    print("|---|---|")
    for label, text, _ in rows:
        print(f"| {label} | {text} |")
    if best_torch is not None and rows[0][2] != float("inf"):
        print(f"\nHippo / best PyTorch = {rows[0][2] / best_torch[2]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Final MNIST test accuracy of `hippo train`'s presets, three seeds each (median, min, max, train time).

    .venv/bin/python benchmarks/accuracy.py                      # default, best, classic x seeds 0 1 2
    .venv/bin/python benchmarks/accuracy.py --presets default --seeds 0 1 2 3 4

Data: --data-dir, else HIPPO_MNIST_DIR, else the cache / a download (as `hippo train`).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from hippo.container import Container
from hippo.services.training_recipes import PRESETS, recipe_from

GOALS = {"default": 0.978, "best": 0.983, "classic": 0.945}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--presets", nargs="+", default=["default", "best", "classic"], choices=sorted(PRESETS)
    )
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--data-dir", type=Path)
    args = parser.parse_args()
    container = Container()
    settings = container.settings()
    service = container.training_service(
        mnist=container.mnist_source(data_dir=args.data_dir or settings.mnist_dir)
    )
    rows = []
    for preset in args.presets:
        recipe = recipe_from(preset).resolved()
        data = service.load_data(recipe)
        accuracies, seconds = [], []
        for seed in args.seeds:
            started = time.perf_counter()
            trained = service.train(recipe_from(preset, seed=seed), data)
            seconds.append(time.perf_counter() - started)
            accuracies.append(trained.metadata.test_accuracy or 0.0)
            print(
                f"{preset:8s} seed {seed}: {100 * accuracies[-1]:.2f} % in {seconds[-1]:.1f} s "
                f"({recipe.epochs} epochs)",
                file=sys.stderr,
                flush=True,
            )
        rows.append((preset, recipe, accuracies, seconds))
    print()
    print("| preset | network | recipe | test accuracy per seed (%) | median | goal | train time (median) |")
    print("|---|---|---|---|---|---|---|")
    for preset, recipe, accuracies, seconds in rows:
        median = statistics.median(accuracies)
        goal = GOALS.get(preset)
        verdict = (
            ""
            if goal is None
            else (f">= {100 * goal:.1f} ok" if median >= goal else f">= {100 * goal:.1f} MISSED")
        )
        network = f"{'-'.join(map(str, recipe.sizes))} {recipe.activation}/{recipe.output}"
        settings = (
            f"{recipe.epochs} ep, batch {recipe.batch_size}, lr {recipe.learning_rate:g} "
            f"x{recipe.learning_rate_decay:g}/ep, mom {recipe.momentum:g}, wd {recipe.weight_decay:g}"
        )
        per_seed = " / ".join(f"{100 * a:.2f}" for a in accuracies)
        print(
            f"| {preset} | {network} | {settings} | {per_seed} | **{100 * median:.2f}** | {verdict} "
            f"| {statistics.median(seconds):.1f} s |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

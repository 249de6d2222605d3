"""Seconds per training epoch on 60,000 MNIST-shaped rows: Hippo against NumPy and PyTorch, side by side.

Run (NumPy/PyTorch baselines must see the machine's real BLAS settings)::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .venv/bin/python benchmarks/train_speed.py

Every case is the same model, optimiser (SGD, momentum 0.9, cross-entropy) and batch size in all three
implementations, with the same number of threads. The implementations take turns inside every repeat,
so machine noise hits them alike; the table gives medians and the ratios Hippo / baseline (below 1:
Hippo is faster). PyTorch is optional (``pip install torch``); without it that column says so.
Data: uniform random pixels with random labels (``--data random``, the default) or the real training
set (``--mnist-dir DIR`` with the IDX ``.gz`` files).
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import sys
import time
from itertools import pairwise
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.numpy_mlp import NumpyMLP
from hippo.domain import Network, Trainer, TrainingConfig

# (sizes, batch size, learning rate, target ratio Hippo/PyTorch from issue 3)
CASES = [
    ((784, 100, 10), 10, 0.01, 0.25),
    ((784, 100, 10), 32, 0.02, 0.4),
    ((784, 100, 10), 128, 0.05, 0.6),
    ((784, 800, 10), 32, 0.02, 0.6),
]


def load_data(mnist_dir: str | None, rows: int) -> tuple[np.ndarray, np.ndarray]:
    if mnist_dir is None:
        rng = np.random.default_rng(0)
        return rng.random((rows, 784), dtype=np.float32), rng.integers(0, 10, rows)
    with gzip.open(Path(mnist_dir) / "train-images-idx3-ubyte.gz") as f:
        images = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 784)
    with gzip.open(Path(mnist_dir) / "train-labels-idx1-ubyte.gz") as f:
        labels = np.frombuffer(f.read(), dtype=np.uint8, offset=8)
    return (images[:rows] / np.float32(255)).astype(np.float32), labels[:rows].astype(np.int64)


def hippo_epoch(sizes, batch, lr, x, y, seed, threads=None):
    network = Network.create(sizes, seed=seed)
    config = TrainingConfig(epochs=1, batch_size=batch, learning_rate=lr, momentum=0.9, seed=seed)
    return Trainer(config, threads=threads).fit(network, x, y).history[0].seconds


def numpy_epoch(sizes, batch, lr, x, y, seed):
    model = NumpyMLP(list(sizes), seed=seed)
    started = time.perf_counter()
    model.train_epoch(x, y, batch, lr, 0.9, seed)
    return time.perf_counter() - started


def make_torch_epoch(threads):
    try:
        import torch
    except ImportError:
        return None, "torch is not installed (pip install torch==2.13.0): PyTorch column skipped"
    torch.set_num_threads(threads)

    def torch_epoch(sizes, batch, lr, x, y, seed):
        torch.manual_seed(seed)
        layers = []
        for n_in, n_out in pairwise(sizes):
            layers += [torch.nn.Linear(n_in, n_out), torch.nn.ReLU()]
        model = torch.nn.Sequential(*layers[:-1])
        optimiser = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
        loss_fn = torch.nn.CrossEntropyLoss()
        xt, yt = torch.from_numpy(x), torch.from_numpy(y)
        order = torch.from_numpy(np.random.default_rng(seed).permutation(x.shape[0]))
        started = time.perf_counter()
        for start in range(0, x.shape[0], batch):
            rows = order[start : start + batch]
            optimiser.zero_grad(set_to_none=True)
            loss = loss_fn(model(xt[rows]), yt[rows])
            loss.backward()
            optimiser.step()
        return time.perf_counter() - started

    return torch_epoch, f"torch {torch.__version__}, {torch.get_num_threads()} threads"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="epochs timed per implementation and case")
    parser.add_argument("--threads", type=int, default=2, help="threads for PyTorch and Hippo (Numba)")
    parser.add_argument("--rows", type=int, default=60000, help="training rows per epoch")
    parser.add_argument("--mnist-dir", default=None, help="directory with the MNIST IDX .gz files")
    parser.add_argument("--cases", default="0,1,2,3", help="comma-separated case numbers (0-3)")
    parser.add_argument("--skip-numpy", action="store_true", help="leave out the NumPy baseline")
    args = parser.parse_args()

    import numba

    numba.set_num_threads(min(args.threads, numba.config.NUMBA_NUM_THREADS))
    x, y = load_data(args.mnist_dir, args.rows)
    torch_epoch, torch_note = make_torch_epoch(args.threads)
    print(
        f"data: {'MNIST ' + args.mnist_dir if args.mnist_dir else 'random'} {x.shape}, repeats {args.repeats}"
    )
    threads = numba.get_num_threads()
    print(f"machine: {os.cpu_count()} CPUs; numba {numba.__version__} threads {threads}; {torch_note}")
    started = time.perf_counter()
    first = hippo_epoch((784, 100, 10), 32, 0.02, x, y, 0)
    print(
        f"hippo first epoch 784-100-10 batch 32 (includes loading/compiling kernels): {first:.3f} s "
        f"[{time.perf_counter() - started:.1f} s wall with data checks]"
    )

    impls = {"hippo": hippo_epoch}
    if args.threads > 1:
        impls["hippo-1t"] = lambda *a: hippo_epoch(*a, threads=1)
        hippo_epoch((784, 100, 10), 32, 0.02, x[:2000], y[:2000], 0, threads=1)  # load/compile
    if not args.skip_numpy:
        impls["numpy"] = numpy_epoch
    if torch_epoch is not None:
        impls["torch"] = torch_epoch
    rows = []
    for index in (int(c) for c in args.cases.split(",")):
        sizes, batch, lr, target = CASES[index]
        times: dict[str, list[float]] = {name: [] for name in impls}
        names = list(impls)
        for repeat in range(args.repeats):
            for k in range(len(names)):
                name = names[(repeat + k) % len(names)]
                times[name].append(impls[name](sizes, batch, lr, x, y, repeat))
        medians = {name: statistics.median(t) for name, t in times.items()}
        rows.append(("-".join(map(str, sizes)), batch, medians, target))
        print(
            f"  done {'-'.join(map(str, sizes))} batch {batch}: "
            + ", ".join(f"{n} {m:.3f}s" for n, m in medians.items()),
            flush=True,
        )

    print()
    nan = float("nan")
    header = (
        f"{'model':<12} {'batch':>5} {'hippo s':>8} {'hippo-1t':>8} {'numpy s':>8} {'torch s':>8} "
        f"{'h/numpy':>8} {'h/torch':>8} {'1t/torch':>8} {'target':>7}"
    )
    print(header)
    print("-" * len(header))
    for model, batch, m, target in rows:
        h, mt, n, t = m["hippo"], m.get("hippo-1t", nan), m.get("numpy", nan), m.get("torch", nan)
        print(
            f"{model:<12} {batch:>5} {h:>8.3f} {mt:>8.3f} {n:>8.3f} {t:>8.3f} "
            f"{h / n:>8.2f} {h / t:>8.2f} {mt / t:>8.2f} {'<=' + str(target):>7}"
        )
    print(f"hippo: Trainer default ({threads} Numba threads); hippo-1t: Trainer(threads=1); ", end="")
    print(f"torch: {args.threads} threads; numpy: its BLAS's default threads")
    if torch_epoch is None:
        print(f"\nnote: {torch_note}")


if __name__ == "__main__":
    main()

"""PyTorch reference MLP trainer for the benchmarks (torch is benchmark-only: pip install torch==2.13.0)."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable

import numpy as np


def torch_available() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def train_torch(
    train_x: np.ndarray,
    train_y: np.ndarray,
    test_x: np.ndarray,
    test_y: np.ndarray,
    *,
    sizes: tuple[int, ...] = (784, 100, 10),
    epochs: int = 15,
    batch_size: int = 64,
    learning_rate: float = 0.05,
    learning_rate_decay: float = 0.8,
    momentum: float = 0.9,
    weight_decay: float = 5e-5,
    optimiser: str = "sgd",
    seed: int = 0,
    threads: int = 2,
    on_epoch: Callable[[int, float, float], bool] | None = None,
) -> list[float]:
    """Train a ReLU/softmax MLP with PyTorch; returns the test accuracy after each epoch.

    `on_epoch(epoch, seconds_since_start, test_accuracy)` may return True to stop early.
    """
    import torch

    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    layers: list[torch.nn.Module] = []
    for n_in, n_out in itertools.pairwise(sizes[:-1]):
        layers += [torch.nn.Linear(n_in, n_out), torch.nn.ReLU()]
    layers.append(torch.nn.Linear(sizes[-2], sizes[-1]))
    model = torch.nn.Sequential(*layers)
    for layer in model:
        if isinstance(layer, torch.nn.Linear):
            torch.nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
            torch.nn.init.zeros_(layer.bias)
    if optimiser == "adam":
        opt: torch.optim.Optimizer = torch.optim.Adam(
            model.parameters(), lr=learning_rate, weight_decay=weight_decay
        )
    else:
        opt = torch.optim.SGD(
            model.parameters(), lr=learning_rate, momentum=momentum, weight_decay=weight_decay
        )
    x = torch.from_numpy(np.ascontiguousarray(train_x, dtype=np.float32))
    y = torch.from_numpy(train_y.astype(np.int64))
    tx = torch.from_numpy(np.ascontiguousarray(test_x, dtype=np.float32))
    ty = torch.from_numpy(test_y.astype(np.int64))
    n = x.shape[0]
    accuracies: list[float] = []
    start = time.perf_counter()
    for epoch in range(epochs):
        for group in opt.param_groups:
            group["lr"] = learning_rate * learning_rate_decay**epoch
        order = torch.from_numpy(rng.permutation(n))
        model.train()
        for i in range(0, n, batch_size):
            rows = order[i : i + batch_size]
            opt.zero_grad(set_to_none=True)
            loss = torch.nn.functional.cross_entropy(model(x[rows]), y[rows])
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            accuracy = float((model(tx).argmax(1) == ty).float().mean())
        accuracies.append(accuracy)
        if on_epoch is not None and on_epoch(epoch + 1, time.perf_counter() - start, accuracy):
            break
    return accuracies

r"""Mini-batch stochastic gradient descent with momentum for :class:`~hippo.domain.network.Network`.

One epoch visits every training row once, in an order drawn from ``numpy.random.default_rng(seed)``
(a fresh permutation per epoch when ``shuffle``). Each mini-batch of ``batch_size`` rows (the last may
be shorter) takes one step on the batch-mean loss

* softmax output: cross-entropy :math:`C = -\log p_y`;
* classic output: quadratic cost :math:`C = \tfrac12\lVert a_L - y\rVert^2` (``y`` one-hot),

plus the L2 penalty :math:`\tfrac{\lambda}{2}\lVert W\rVert^2` on the weights (not the biases), with
PyTorch's momentum convention :math:`v \leftarrow \mu v + g`, :math:`\theta \leftarrow \theta - \eta v`.
The learning rate of epoch ``e`` (1-based) is :math:`\eta_e = \eta \cdot \mathrm{lr\_decay}^{e-1}`.

The batches run inside compiled code (:func:`hippo.domain.kernels.train_batches`), a chunk of about
:data:`CHUNK_ROWS` rows per call; ``should_stop`` is polled between chunks, so an interrupted run stops
within a few milliseconds, after a complete batch. The same seed, data and configuration give
bit-for-bit the same network on the same machine.

Numba and the kernels are imported by :meth:`Trainer.fit`, not by this module: importing
:mod:`hippo.domain` (to load and run a model) never pays Numba's start-up.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hippo.domain.dataset import as_inputs, as_labels
from hippo.domain.errors import InvalidArgumentError, TrainingDivergedError
from hippo.domain.network import Network

CHUNK_ROWS = 4096
# Multiply-adds per batch from which a layer is split across threads (waking them costs a few µs).
PARALLEL_MIN_WORK = 200_000


def _number(value: Any, name: str, *, low: float, high: float = math.inf, low_open: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise InvalidArgumentError(f"{name} must be a number, got {value!r}")
    v = float(value)
    if not math.isfinite(v) or v < low or (low_open and v == low) or v > high:
        interval = f"{'(' if low_open else '['}{low}, {high}]"
        raise InvalidArgumentError(f"{name} must be finite and in {interval}, got {value!r}")
    return v


def _integer(value: Any, name: str, *, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
        raise InvalidArgumentError(f"{name} must be an integer >= {low}, got {value!r}")
    return int(value)


@dataclass(frozen=True, slots=True)
class TrainingConfig:
    r"""Hyper-parameters of one training run (validated on construction).

    Attributes:
        epochs: passes over the training set, >= 1.
        batch_size: rows per SGD step, >= 1.
        learning_rate: :math:`\eta > 0` of the first epoch.
        momentum: :math:`\mu \in [0, 1)`; ``None`` means 0.9 for softmax networks and 0 for classic
            ones (the earlier service's plain SGD).
        weight_decay: L2 coefficient :math:`\lambda \ge 0` (weights only).
        lr_decay: factor in ``(0, 1]`` applied to the learning rate after every epoch.
        seed: seed of the shuffling order, >= 0.
        shuffle: draw a new order every epoch (``False``: the rows' own order).
    """

    epochs: int = 10
    batch_size: int = 32
    learning_rate: float = 0.02
    momentum: float | None = None
    weight_decay: float = 0.0
    lr_decay: float = 1.0
    seed: int = 0
    shuffle: bool = True

    def __post_init__(self) -> None:
        _integer(self.epochs, "epochs", low=1)
        _integer(self.batch_size, "batch_size", low=1)
        _number(self.learning_rate, "learning_rate", low=0.0, low_open=True)
        if self.momentum is not None:
            _number(self.momentum, "momentum", low=0.0, high=0.999999)
        _number(self.weight_decay, "weight_decay", low=0.0)
        _number(self.lr_decay, "lr_decay", low=0.0, high=1.0, low_open=True)
        _integer(self.seed, "seed", low=0)
        if not isinstance(self.shuffle, bool):
            raise InvalidArgumentError(f"shuffle must be True or False, got {self.shuffle!r}")

    def momentum_for(self, network: Network) -> float:
        """The momentum used for ``network``: the configured one, else 0.9 (softmax) or 0 (classic)."""
        if self.momentum is not None:
            return float(self.momentum)
        return 0.9 if network.output == "softmax" else 0.0

    def learning_rate_at(self, epoch: int) -> float:
        """Learning rate of epoch ``epoch`` (1-based): ``learning_rate * lr_decay ** (epoch - 1)``."""
        return float(self.learning_rate) * float(self.lr_decay) ** (epoch - 1)


@dataclass(frozen=True, slots=True)
class EpochReport:
    """What one completed epoch did.

    Attributes:
        epoch: 1-based epoch number.
        train_loss: mean loss over the epoch's rows, each measured just before its batch's update.
        train_accuracy: fraction of the epoch's rows classified correctly, measured the same way.
        validation_loss: mean loss on the held-out set after the epoch (``None`` without one).
        validation_accuracy: accuracy on the held-out set after the epoch (``None`` without one).
        seconds: wall time of the epoch's training steps (evaluation excluded).
        learning_rate: the learning rate used in this epoch.
    """

    epoch: int
    train_loss: float
    train_accuracy: float
    validation_loss: float | None
    validation_accuracy: float | None
    seconds: float
    learning_rate: float


@dataclass(frozen=True, slots=True)
class TrainingResult:
    """The outcome of :meth:`Trainer.fit`.

    Attributes:
        network: the trained network (a new object; the input network is unchanged). When interrupted:
            the better, on the validation set, of the current weights and those after the last
            completed epoch; without a validation set, the current weights.
        history: one report per completed epoch.
        interrupted: ``should_stop`` ended the run early.
    """

    network: Network
    history: list[EpochReport] = field(default_factory=list)
    interrupted: bool = False


class Trainer:
    """Trains networks with the configured mini-batch SGD (see the module docstring)."""

    def __init__(
        self,
        config: TrainingConfig | None = None,
        *,
        threads: int | None = None,
        parallel_min_work: int = PARALLEL_MIN_WORK,
    ) -> None:
        """A trainer with the given hyper-parameters.

        Args:
            config: the hyper-parameters (default: ``TrainingConfig()``).
            threads: threads that share each big layer, at most ``numba.get_num_threads()`` (set
                ``NUMBA_NUM_THREADS`` to change that). ``None`` (the default) uses them all; 1 runs
                serially, the better choice when the other cores are busy (waking threads for every batch
                only pays off on idle cores). Networks with no layer of at least ``parallel_min_work``
                multiply-adds per batch always run serially. Results are bit-for-bit the same for any
                value.
            parallel_min_work: multiply-adds per batch from which a layer is split across threads.
        """
        if config is not None and not isinstance(config, TrainingConfig):
            raise InvalidArgumentError(f"config must be a TrainingConfig, got {type(config).__name__}")
        self.config = config or TrainingConfig()
        self.threads = None if threads is None else _integer(threads, "threads", low=1)
        self.parallel_min_work = _integer(parallel_min_work, "parallel_min_work", low=0)

    def fit(
        self,
        network: Network,
        x_train: Any,
        y_train: Any,
        *,
        validation: tuple[Any, Any] | None = None,
        on_epoch: Callable[[EpochReport], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> TrainingResult:
        """Trains a copy of ``network`` on ``(x_train, y_train)``.

        Args:
            network: the starting point (not modified).
            x_train: inputs ``(n, sizes[0])``, finite; converted once to the network's dtype.
            y_train: int labels ``(n,)`` in ``0..sizes[-1]-1``.
            validation: optional held-out ``(x, labels)`` evaluated after every epoch.
            on_epoch: called with each :class:`EpochReport` as soon as its epoch ends.
            should_stop: polled between chunks of batches; returning ``True`` ends the run early.
            on_progress: called as ``on_progress(rows_done, n)`` after every chunk (progress bars).

        Returns:
            A :class:`TrainingResult`.

        Raises:
            InvalidArgumentError: bad shapes, values or labels (nothing is trained).
            TrainingDivergedError: the parameters became NaN or infinite (lower the learning rate).
        """
        if not isinstance(network, Network):
            raise InvalidArgumentError(f"network must be a Network, got {type(network).__name__}")
        config = self.config
        x = self._inputs(x_train, network, "x_train")
        y = as_labels(y_train, x.shape[0], network.sizes[-1], "y_train")
        if x.shape[0] == 0:
            raise InvalidArgumentError("x_train is empty")
        x_val = y_val = None
        if validation is not None:
            if not isinstance(validation, tuple | list) or len(validation) != 2:
                raise InvalidArgumentError("validation must be a pair (x, labels)")
            x_val = self._inputs(validation[0], network, "validation x")
            y_val = as_labels(validation[1], x_val.shape[0], network.sizes[-1], "validation labels")
            if x_val.shape[0] == 0:
                raise InvalidArgumentError("validation set is empty")

        import numba

        from hippo.domain import kernels

        dtype = network.dtype.type
        theta = network.parameters.copy()
        velocity = np.zeros_like(theta)
        sizes = np.array(network.sizes, dtype=np.int64)
        act = kernels.ACTIVATION_CODES[network.activation]
        classic = network.output == "classic"
        momentum = dtype(config.momentum_for(network))
        decay = dtype(config.weight_decay)
        rng = np.random.default_rng(config.seed)
        n = x.shape[0]
        n_batches = -(-n // config.batch_size)
        per_call = max(1, CHUNK_ROWS // config.batch_size)
        threads = (
            numba.get_num_threads() if self.threads is None else min(self.threads, numba.get_num_threads())
        )
        rows = min(config.batch_size, n)
        if not any(
            rows * a * b >= self.parallel_min_work
            for a, b in zip(network.sizes, network.sizes[1:], strict=False)
        ):
            threads = 1  # nothing to split: the serial build, no thread wake-ups
        step = kernels.train_batches_parallel if threads > 1 else kernels.train_batches

        def snapshot(params: np.ndarray) -> Network:
            return Network._from_flat(network.sizes, network.activation, network.output, params)

        history: list[EpochReport] = []
        best = theta.copy()
        best_accuracy = -1.0
        interrupted = False
        for epoch in range(1, config.epochs + 1):
            lr = config.learning_rate_at(epoch)
            order = rng.permutation(n) if config.shuffle else np.arange(n, dtype=np.int64)
            started = time.perf_counter()
            loss = 0.0
            hits = seen = 0
            k = 0
            while k < n_batches:
                if should_stop is not None and should_stop():
                    interrupted = True
                    break
                count = min(per_call, n_batches - k)
                chunk_loss, chunk_hits, chunk_seen = step(
                    theta,
                    velocity,
                    sizes,
                    act,
                    classic,
                    x,
                    y,
                    order,
                    config.batch_size,
                    k,
                    count,
                    dtype(lr),
                    momentum,
                    decay,
                    threads,
                    self.parallel_min_work,
                )
                loss += chunk_loss
                hits += chunk_hits
                seen += chunk_seen
                k += count
                if on_progress is not None:
                    on_progress(seen, n)
            seconds = time.perf_counter() - started
            if not np.isfinite(theta).all():
                raise TrainingDivergedError(
                    f"training diverged in epoch {epoch}: parameters became NaN or infinite "
                    f"(learning rate {lr:g} is too high for this network)"
                )
            if interrupted:
                break
            val_loss = val_accuracy = None
            if x_val is not None:
                val_loss, val_accuracy = snapshot(theta.copy()).evaluate(x_val, y_val)
                best, best_accuracy = theta.copy(), val_accuracy
            report = EpochReport(epoch, loss / seen, hits / seen, val_loss, val_accuracy, seconds, lr)
            history.append(report)
            if on_epoch is not None:
                on_epoch(report)

        final = theta
        if interrupted and x_val is not None and history:
            current_accuracy = snapshot(theta.copy()).evaluate(x_val, y_val)[1]
            if current_accuracy < best_accuracy:
                final = best
        return TrainingResult(snapshot(final.copy()), history, interrupted)

    @staticmethod
    def _inputs(x: Any, network: Network, name: str) -> np.ndarray:
        a, single = as_inputs(x, network.sizes[0], network.dtype, name)
        if single:
            raise InvalidArgumentError(f"{name} must be a batch of shape (n, {network.sizes[0]})")
        return a if a.flags.writeable else a.copy()

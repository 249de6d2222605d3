"""Learning curves as a PNG (matplotlib, the optional ``plot`` extra)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from hippo.domain.errors import HippoError
from hippo.domain.model_metadata import EpochRecord


class PlotUnavailableError(HippoError):
    """matplotlib is not installed."""


def write_learning_curves(history: Sequence[EpochRecord], path: Path, *, title: str = "") -> Path:
    """Plot per-epoch loss (left) and accuracy (right) into `path` (PNG); returns the path."""
    try:
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise PlotUnavailableError(
            "--plot needs matplotlib: install the plot extra (pip install 'hippo[plot]')"
        ) from exc
    epochs = [r.epoch for r in history]
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5), layout="constrained")
    left.plot(epochs, [r.train_loss for r in history], marker="o", label="training loss")
    if any(r.loss is not None for r in history):
        left.plot(
            epochs,
            [float("nan") if r.loss is None else r.loss for r in history],
            marker="o",
            label="held-out loss",
        )
    left.set_xlabel("epoch")
    left.set_ylabel("loss")
    left.legend()
    right.plot(epochs, [100 * r.accuracy for r in history], marker="o", color="tab:green")
    right.set_xlabel("epoch")
    right.set_ylabel("held-out accuracy (%)")
    if title:
        fig.suptitle(title)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path

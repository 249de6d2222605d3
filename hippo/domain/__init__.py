"""Hippo's framework-free core: the numerical model and the dictionary model.

Imports only the standard library, NumPy and Numba, so a notebook can use it with nothing else
installed::

    from hippo.domain import Network, Trainer

Numba is imported only when training starts (:meth:`Trainer.fit`): loading a model and predicting use
NumPy alone.
"""

from typing import TYPE_CHECKING

from hippo.domain.errors import (
    ConflictError,
    HippoError,
    InvalidArgumentError,
    NotFoundError,
    TrainingDivergedError,
)

if TYPE_CHECKING:
    from hippo.domain.network import Network
    from hippo.domain.training import EpochReport, Trainer, TrainingConfig, TrainingResult

# `Network` and the training types load NumPy; they are imported on first use (PEP 562), so modules that
# only need the errors (the CLI, `hippo serve` before it limits OpenBLAS's threads) do not load NumPy.
_LAZY = {
    "Network": "hippo.domain.network",
    "EpochReport": "hippo.domain.training",
    "Trainer": "hippo.domain.training",
    "TrainingConfig": "hippo.domain.training",
    "TrainingResult": "hippo.domain.training",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ConflictError",
    "EpochReport",
    "HippoError",
    "InvalidArgumentError",
    "Network",
    "NotFoundError",
    "Trainer",
    "TrainingConfig",
    "TrainingDivergedError",
    "TrainingResult",
]

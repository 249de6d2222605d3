"""Hippo's framework-free core: the numerical model and the dictionary model.

Imports only the standard library, NumPy and Numba, so a notebook can use it with nothing else
installed::

    from hippo.domain import Network, Trainer

Numba is imported only when training starts (:meth:`Trainer.fit`): loading a model and predicting use
NumPy alone.
"""

from hippo.domain.errors import (
    ConflictError,
    HippoError,
    InvalidArgumentError,
    NotFoundError,
    TrainingDivergedError,
)
from hippo.domain.network import Network
from hippo.domain.training import EpochReport, Trainer, TrainingConfig, TrainingResult

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

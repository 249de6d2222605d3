"""Checks and normalisation of inputs and labels at the boundary of the numerical core.

Everything that enters a kernel goes through here once: the kernels then see C-contiguous arrays of
exactly one dtype (so Numba compiles one specialisation) holding finite numbers.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hippo.domain.errors import InvalidArgumentError


def as_inputs(x: Any, n_features: int, dtype: np.dtype[Any], name: str = "x") -> tuple[np.ndarray, bool]:
    """Returns ``x`` as a C-contiguous ``(n, n_features)`` array of ``dtype`` and whether it was one row.

    Args:
        x: one input of shape ``(n_features,)`` or a batch of shape ``(n, n_features)``; any real
            numeric array-like (uint8 pixels are accepted and converted, not rescaled).
        n_features: expected input width (the network's ``sizes[0]``).
        dtype: dtype of the result (the network's dtype).
        name: argument name used in error messages.

    Raises:
        InvalidArgumentError: wrong type, rank or width, or a NaN/infinite entry.
    """
    try:
        a = np.asarray(x)
    except Exception as error:
        raise InvalidArgumentError(f"{name} must be a numeric array: {error}") from error
    if a.dtype.kind not in "biuf":
        raise InvalidArgumentError(f"{name} must hold real numbers, got dtype {a.dtype}")
    if a.ndim not in (1, 2) or a.shape[-1] != n_features:
        raise InvalidArgumentError(
            f"{name} must have shape ({n_features},) or (n, {n_features}), got {a.shape}"
        )
    single = a.ndim == 1
    out = np.ascontiguousarray(a.reshape(1, n_features) if single else a, dtype=dtype)
    if a.dtype.kind == "f" and not np.isfinite(out).all():
        raise InvalidArgumentError(f"{name} contains NaN or infinite values")
    return out, single


def as_labels(labels: Any, n: int, n_classes: int, name: str = "labels") -> np.ndarray:
    """Returns ``labels`` as a C-contiguous int64 array of shape ``(n,)`` with values in ``0..n_classes-1``.

    Raises:
        InvalidArgumentError: wrong shape or length, non-integer values, or a label out of range.
    """
    y = np.asarray(labels)
    if y.ndim == 0 and n == 1:
        y = y.reshape(1)
    if y.ndim != 1 or y.shape[0] != n:
        raise InvalidArgumentError(f"{name} must have shape ({n},) to match the inputs, got {y.shape}")
    if y.dtype.kind == "f":
        if not np.all(np.isfinite(y)) or not np.all(y == np.round(y)):
            raise InvalidArgumentError(f"{name} must be whole numbers")
    elif y.dtype.kind not in "iub":
        raise InvalidArgumentError(f"{name} must be integers, got dtype {y.dtype}")
    out = np.ascontiguousarray(y, dtype=np.int64)
    if n and (out.min() < 0 or out.max() >= n_classes):
        bad = out[(out < 0) | (out >= n_classes)][0]
        raise InvalidArgumentError(f"{name} must be in 0..{n_classes - 1}, found {bad}")
    return out

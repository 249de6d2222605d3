"""MNIST-style preprocessing of a hand-drawn digit.

The MNIST digits were prepared in a particular way (LeCun et al., *Gradient-based learning applied to
document recognition*, 1998): each digit was size-normalised to fit a 20×20 box **preserving its aspect
ratio**, anti-aliased, and then placed in a 28×28 field so that its **centre of mass** sits at the centre
of the field. A network trained on MNIST expects exactly that framing; a digit drawn small in a corner of
a canvas looks nothing like its training data. `mnist_preprocess` reproduces the framing:

1. bounding box of the pixels brighter than `threshold`;
2. crop to the box and resample it so that its longer side is `box` pixels (20), with an
   anti-aliasing tent filter (bilinear when enlarging, area-weighted when shrinking);
3. translate by a whole number of pixels so that the centre of mass lands at the field's centre
   ``(size - 1) / 2 = 13.5`` (row and column, in pixel-index coordinates), rounded to the nearest pixel.

Pure NumPy; no SciPy, no image library.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from hippo.domain.errors import InvalidArgumentError

SIDE = 28
"""Side of an MNIST image in pixels."""
BOX = 20
"""Side of the box the digit is scaled into, as in the original MNIST preparation."""


def _resample_matrix(n_in: int, n_out: int) -> npt.NDArray[np.float64]:
    """Linear map resampling a 1-D signal of `n_in` samples to `n_out` samples.

    Each output sample ``i`` covers the input interval centred on ``c = (i + 0.5) · s`` with
    ``s = n_in / n_out``. Its weights are a tent (triangle) filter of radius ``r = max(1, s)`` evaluated at
    the input pixel centres ``j + 0.5``: ``w_ij = max(0, 1 - |j + 0.5 - c| / r)``, normalised to sum to 1.
    When enlarging (``s < 1``) this is bilinear interpolation; when shrinking it averages every input pixel
    under the output pixel (anti-aliasing), the scheme used by common image libraries.

    Returns:
        Array of shape ``(n_out, n_in)``; every row sums to 1.
    """
    scale = n_in / n_out
    radius = max(1.0, scale)
    centres = (np.arange(n_out, dtype=np.float64) + 0.5) * scale
    inputs = np.arange(n_in, dtype=np.float64) + 0.5
    weights = np.maximum(0.0, 1.0 - np.abs(inputs[None, :] - centres[:, None]) / radius)
    sums = weights.sum(axis=1, keepdims=True)
    # A row can only be empty if no input centre lies within `radius`; the nearest one always does.
    normalised: npt.NDArray[np.float64] = weights / sums
    return normalised


def _centre_of_mass(image: npt.NDArray[np.float64]) -> tuple[float, float]:
    """Intensity-weighted mean (row, column) of a non-blank image, in pixel-index coordinates."""
    total = float(image.sum())
    rows = np.arange(image.shape[0], dtype=np.float64)
    cols = np.arange(image.shape[1], dtype=np.float64)
    return float(image.sum(axis=1) @ rows) / total, float(image.sum(axis=0) @ cols) / total


def mnist_preprocess(
    pixels: npt.ArrayLike, *, threshold: float = 0.0, box: int = BOX, side: int = SIDE
) -> npt.NDArray[np.float32]:
    """Frame a hand-drawn digit the way MNIST digits are framed.

    Args:
        pixels: ``side × side`` intensities in [0, 1] (0 = background, 1 = ink), either flat
            (``side²``,) in row-major order or 2-D ``(side, side)``.
        threshold: pixels ``<= threshold`` are background when finding the bounding box (raise it to
            ignore faint specks far from the digit; whatever lies outside the box is dropped).
        box: the digit's longer side after scaling, in pixels (MNIST: 20).
        side: side of the output field (MNIST: 28).

    Returns:
        Flat float32 array of ``side²`` values in [0, 1], row-major. A blank input (no pixel above
        `threshold`) gives a blank output.

    Raises:
        InvalidArgumentError: wrong number of pixels, non-finite values, or ``box > side``.
    """
    if not 1 <= box <= side:
        raise InvalidArgumentError(f"box must be between 1 and side={side}, got {box}")
    image = np.asarray(pixels, dtype=np.float64)
    if image.size != side * side:
        raise InvalidArgumentError(f"expected {side * side} pixels ({side}×{side}), got {image.size}")
    image = image.reshape(side, side)
    if not np.isfinite(image).all():
        raise InvalidArgumentError("pixels must be finite numbers")
    image = np.clip(image, 0.0, 1.0)

    ink = image > threshold
    out = np.zeros((side, side), dtype=np.float64)
    if not ink.any():
        return out.reshape(-1).astype(np.float32)

    rows = np.flatnonzero(ink.any(axis=1))
    cols = np.flatnonzero(ink.any(axis=0))
    crop = image[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    height, width = crop.shape

    # Longer side becomes `box`; the shorter keeps the aspect ratio (at least one pixel).
    factor = box / max(height, width)
    new_h = max(1, round(height * factor))
    new_w = max(1, round(width * factor))
    scaled = _resample_matrix(height, new_h) @ crop @ _resample_matrix(width, new_w).T
    scaled = np.clip(scaled, 0.0, 1.0)

    # Place the scaled digit so its centre of mass lands on the field's centre, then clip to the field.
    centre = (side - 1) / 2.0
    com_r, com_c = _centre_of_mass(scaled)
    top = round(centre - com_r)
    left = round(centre - com_c)
    r0, c0 = max(top, 0), max(left, 0)
    r1, c1 = min(top + new_h, side), min(left + new_w, side)
    if r0 < r1 and c0 < c1:
        out[r0:r1, c0:c1] = scaled[r0 - top : r1 - top, c0 - left : c1 - left]
    return out.reshape(-1).astype(np.float32)

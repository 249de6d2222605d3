"""MNIST-style framing of hand-drawn digits: properties of `mnist_preprocess`."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from hippo.domain.errors import InvalidArgumentError
from hippo.domain.preprocessing import mnist_preprocess


@st.composite
def drawings(draw: st.DrawFn) -> tuple[np.ndarray, int, int]:
    """A 28×28 canvas with a random non-blank patch at a random place; returns (canvas, row, col)."""
    h = draw(st.integers(1, 28))
    w = draw(st.integers(1, 28))
    patch = draw(arrays(np.float64, (h, w), elements=st.sampled_from([0.0, 0.25, 0.5, 1.0])))
    assume(patch.any())
    top = draw(st.integers(0, 28 - h))
    left = draw(st.integers(0, 28 - w))
    canvas = np.zeros((28, 28))
    canvas[top : top + h, left : left + w] = patch
    return canvas, top, left


def clipped(canvas: np.ndarray) -> bool:
    """Whether centring pushed part of the digit off the 28×28 field (a 48×48 field never clips)."""
    roomy = mnist_preprocess(np.pad(canvas, 10), side=48)
    return not np.isclose(roomy.sum(), mnist_preprocess(canvas).sum(), rtol=1e-5)


def bbox(image: np.ndarray) -> tuple[int, int]:
    rows = np.flatnonzero(image.any(axis=1))
    cols = np.flatnonzero(image.any(axis=0))
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    total = image.sum()
    return (image.sum(axis=1) @ np.arange(28)) / total, (image.sum(axis=0) @ np.arange(28)) / total


@given(drawings())
def test_output_is_784_values_in_the_unit_interval(drawing):
    out = mnist_preprocess(drawing[0])
    assert out.shape == (784,)
    assert out.dtype == np.float32
    assert np.isfinite(out).all()
    assert out.min() >= 0.0
    assert out.max() <= 1.0


@given(drawings())
def test_the_longer_side_of_the_digit_becomes_20_pixels(drawing):
    out = mnist_preprocess(drawing[0]).reshape(28, 28)
    rows = np.flatnonzero(out.any(axis=1))
    cols = np.flatnonzero(out.any(axis=0))
    assert rows[-1] - rows[0] + 1 <= 20
    assert cols[-1] - cols[0] + 1 <= 20
    # Unless centring pushed part of the digit off the field, the long side is exactly 20.
    assume(not clipped(drawing[0]))
    assert max(bbox(out)) == 20


@given(drawings())
def test_centre_of_mass_lands_within_half_a_pixel_of_the_centre(drawing):
    canvas, _, _ = drawing
    out = mnist_preprocess(canvas).reshape(28, 28).astype(np.float64)
    # Only when nothing was clipped at the field's edge (a digit with almost all its ink on one edge).
    assume(not clipped(canvas))
    r, c = centre_of_mass(out)
    assert abs(r - 13.5) <= 0.5 + 1e-6
    assert abs(c - 13.5) <= 0.5 + 1e-6


@given(drawings(), st.data())
def test_where_the_digit_was_drawn_does_not_matter(drawing, data):
    canvas, _, _ = drawing
    rows = np.flatnonzero(canvas.any(axis=1))
    cols = np.flatnonzero(canvas.any(axis=0))
    dr = data.draw(st.integers(-rows[0], 27 - rows[-1]), label="rows moved")
    dc = data.draw(st.integers(-cols[0], 27 - cols[-1]), label="columns moved")
    moved = np.roll(canvas, (dr, dc), axis=(0, 1))
    np.testing.assert_array_equal(mnist_preprocess(moved), mnist_preprocess(canvas))


def test_a_small_digit_and_the_same_digit_drawn_twice_as_big_frame_alike():
    small = np.zeros((28, 28))
    small[2:9, 3:6] = 1.0  # a thick "1" in the corner, 7 × 3
    small[2:4, 1:3] = 0.5
    big = np.zeros((28, 28))
    big[6:20, 8:18] = np.kron(small[2:9, 1:6], np.ones((2, 2)))
    a = mnist_preprocess(small)
    b = mnist_preprocess(big)
    # Same framing up to resampling blur: most of the ink in the same places.
    assert np.abs(a - b).sum() < 0.2 * a.sum()


def test_blank_canvas_stays_blank():
    assert not mnist_preprocess(np.zeros(784)).any()


def test_specks_at_or_below_the_threshold_are_ignored_for_the_bounding_box():
    canvas = np.zeros((28, 28))
    canvas[10:20, 12:16] = 1.0
    with_speck = canvas.copy()
    with_speck[0, 0] = 0.05
    np.testing.assert_array_equal(
        mnist_preprocess(with_speck, threshold=0.1), mnist_preprocess(canvas, threshold=0.1)
    )


def test_a_real_mnist_like_digit_is_left_roughly_where_it_was():
    digit = np.zeros((28, 28))
    digit[4:24, 11:17] = 1.0  # already 20 tall and centred: framing must not move it
    out = mnist_preprocess(digit).reshape(28, 28)
    assert np.abs(out - digit).sum() < 0.1 * digit.sum()


@pytest.mark.parametrize(
    ("pixels", "message"),
    [
        (np.zeros(783), "expected 784 pixels"),
        (np.full(784, np.nan), "finite"),
        (np.full(784, np.inf), "finite"),
    ],
)
def test_bad_input_is_rejected_with_a_message_naming_the_problem(pixels, message):
    with pytest.raises(InvalidArgumentError, match=message):
        mnist_preprocess(pixels)

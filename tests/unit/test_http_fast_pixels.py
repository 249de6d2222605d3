"""The simdjson reader of prediction bodies gives the same float64 pixels as msgspec, or declines."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hippo.entrypoints.http.fast_predict import PredictAnswers, pixels_reader
from hippo.entrypoints.http.schemas.inference import PIXELS
from tests.unit.test_http_fast_predict import BODIES, DIGIT

SIMD = pixels_reader()
MSGSPEC = pixels_reader(simd=False)


def _msgspec(body: bytes) -> np.ndarray | None:
    try:
        x = MSGSPEC(body)
    except Exception:
        return None
    return None if x is None else x.copy()


def _bits(x: np.ndarray) -> list[int]:
    return (x + 0.0).view(np.uint64).tolist()  # + 0.0: an integer -0 is 0.0 in simdjson, -0.0 in msgspec


def test_simdjson_is_installed_here():
    assert type(SIMD).__name__ == "_SimdjsonPixels"


def _formatted(value: float, style: int) -> str:
    if style == 0:
        return repr(value)
    if style == 1:
        return f"{value:.6f}"
    if style == 2:
        return f"{value:.17e}".replace("e", "E")
    if style == 3:
        return f"{value:.3g}"
    return str(int(value)) if value == int(value) and abs(value) < 2**63 else repr(value)


finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
pixel = st.one_of(st.floats(0.0, 1.0), st.sampled_from([0.0, 1.0, 5e-324, 2.2250738585072014e-308]), finite)


@settings(max_examples=150, deadline=None)
@given(
    values=st.lists(pixel, min_size=1, max_size=16),
    style=st.integers(0, 4),
    separator=st.sampled_from([",", ", ", ",\n\t", " ,"]),
)
@example(values=[1.7976931348623157e308], style=3, separator=",")  # "1.8e+308": out of range for both
@example(values=[0.5, 2.5e-324, 1e-5], style=0, separator=", ")  # subnormal, underflow to 0, exponent
def test_every_number_reads_as_the_same_float64_as_msgspec(values, style, separator):
    numbers = [_formatted(v, style) for v in values] * PIXELS
    body = ('{"pixels": [' + separator.join(numbers[:PIXELS]) + "]}").encode()
    want = _msgspec(body)
    got = _simd_or_none(body)
    if want is None:  # a formatting that overflows float64 (e.g. 1.8e+308): neither may read it
        assert got is None
    else:
        assert got is not None
        assert _bits(got) == _bits(want)
    if all(0.0 <= v <= 1.0 for v in values):  # pixels in range are always read
        assert want is not None


field_values = st.one_of(
    st.none(),
    st.just(DIGIT),
    st.lists(st.floats(0.0, 1.0), max_size=3),
    st.text(max_size=5),
    st.integers(),
    st.lists(st.lists(st.just(0.5), max_size=1), min_size=PIXELS, max_size=PIXELS),
)


@settings(max_examples=100, deadline=None)
@given(
    fields=st.lists(
        st.tuples(st.sampled_from(["pixels", "model", "preprocess", "extra", "Pixels"]), field_values),
        max_size=4,
    ),
    garbage=st.sampled_from(["", " ", "x", ",", "]", "}"]),
)
def test_any_object_is_declined_or_read_as_msgspec_reads_it(fields, garbage):
    body = ("{" + ", ".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in fields) + "}" + garbage).encode()
    got = SIMD(body) if body.count(b"[") != 1 else _simd_or_none(body)
    want = _msgspec(body)
    if got is not None:
        assert want is not None
        assert _bits(got) == _bits(want)


def _simd_or_none(body: bytes) -> np.ndarray | None:
    try:
        return SIMD(body)
    except Exception:
        return None


@pytest.mark.parametrize("body", BODIES, ids=range(len(BODIES)))
def test_both_readers_give_the_same_answer_when_both_answer(models, body):
    models.start()
    simd = PredictAnswers(models, cors=False).answer(body)
    plain = PredictAnswers(models, cors=False, simd=False).answer(body)
    if simd is not None and plain is not None:
        assert simd == plain
    if body == json.dumps({"pixels": DIGIT}).encode():
        assert simd is not None
        assert plain is not None


def test_the_parser_is_reusable_after_a_declined_or_broken_body():
    good = json.dumps({"pixels": DIGIT}).encode()
    wrong_type = b'{"pixels": [' + b"true," * 783 + b"true]}"
    for bad in (wrong_type, b'{"pixels": [0.5,]}', b'{"pixels": [1e999]}'):
        with pytest.raises((TypeError, ValueError)):
            SIMD(bad)
        assert SIMD(good) is not None
    assert SIMD(b"[1]") is None
    assert SIMD(good) is not None

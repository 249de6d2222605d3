"""RSGI probe apps for benchmarks/predict_floor.py: the server's floor, and Hippo's answer timed step by step.

``PROBE=fixed`` reads the body and answers a fixed prediction: what granian, uvloop, the kernel and wrk
cost per request on this machine with nothing of Hippo's. ``PROBE=hippo`` answers as `hippo serve`'s
prediction fast path does (`fast_predict.PredictAnswers`: read the pixels, check them, convert, forward
pass, encode), with the shipped default model, timing each step with ``time.perf_counter_ns``.
``GET /steps`` answers the median of each step since the previous ``GET /steps``, in microseconds.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

import msgspec
import numpy as np

import hippo
from hippo.adapters.model_files import read_parameters
from hippo.domain.network import Network
from hippo.entrypoints.http.fast_predict import pixels_reader
from hippo.entrypoints.http.schemas.inference import PredictResponse

MODEL = "mnist-relu-100"
STEPS = ("read", "check", "convert", "forward", "encode")
_JSON = [("content-type", "application/json")]
_ENCODER = msgspec.json.Encoder()


def shipped_network() -> Network:
    """The default model shipped in the package."""
    p = read_parameters(Path(hippo.__file__).parent / "assets" / "models" / f"{MODEL}.npz")
    return Network(p.sizes, p.activation, p.output, p.weights, p.biases)


class TimedAnswer:
    """The fast path's answer, step by step (the same calls as `PredictAnswers.answer`)."""

    def __init__(self) -> None:
        self.network = shipped_network()
        self.read = pixels_reader()
        self.times: dict[str, list[int]] = {step: [] for step in STEPS}

    def __call__(self, body: bytes) -> bytes:
        clock = time.perf_counter_ns
        t0 = clock()
        x = self.read(body)
        t1 = clock()
        if x is None or not (x.min() >= 0.0 and x.max() <= 1.0):
            raise ValueError("the probe takes plain, valid bodies only")
        t2 = clock()
        converted = x.astype(self.network.dtype)
        t3 = clock()
        probabilities = self.network.probabilities_of_checked(converted)
        t4 = clock()
        answer = _ENCODER.encode(PredictResponse.of(probabilities, MODEL))
        t5 = clock()
        for step, took in zip(STEPS, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4), strict=True):
            self.times[step].append(took)
        return answer

    def medians_us(self) -> dict[str, float]:
        """Median microseconds of each step since the last call, then forget them."""
        out = {s: statistics.median(v) / 1000 if v else float("nan") for s, v in self.times.items()}
        for v in self.times.values():
            v.clear()
        return out


class Probe:
    """The RSGI app granian serves (see the module doc)."""

    def __init__(self, kind: str) -> None:
        self.timed = TimedAnswer() if kind == "hippo" else None
        zeros = np.full(10, 0.1)
        self.fixed = _ENCODER.encode(PredictResponse.of(zeros, MODEL))

    async def __rsgi__(self, scope: Any, protocol: Any) -> None:
        if scope.method == "GET":
            steps = self.timed.medians_us() if self.timed is not None else {}
            protocol.response_bytes(200, _JSON, json.dumps(steps).encode())
            return
        body = await protocol()
        answer = self.timed(body) if self.timed is not None else self.fixed
        protocol.response_bytes(200, _JSON, answer)


def create() -> Probe:
    """granian's factory: the probe named by ``PROBE``."""
    return Probe(os.environ.get("PROBE", "fixed"))

"""The baseline of benchmarks/serve.py: a bare Litestar + msgspec app with Hippo's predict route shape.

No container, no model, no middleware: it decodes the same 784-pixel body with a strict msgspec
decoder and answers a fixed prediction. Served by the same server with the same flags, it shows the
ceiling the framework and server reach on this machine at this moment, so Hippo's numbers can be read
as a fraction of it even when the machine is shared.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Litestar, Request, get, post

Pixels = Annotated[
    list[Annotated[float, msgspec.Meta(ge=0.0, le=1.0)]], msgspec.Meta(min_length=784, max_length=784)
]


class Body(msgspec.Struct, forbid_unknown_fields=True):
    pixels: Pixels


class Answer(msgspec.Struct):
    predicted_digit: int
    confidence: float
    probabilities: list[float]


DECODER = msgspec.json.Decoder(Body)
FIXED = Answer(predicted_digit=7, confidence=0.91, probabilities=[0.01] * 9 + [0.91])


@post("/v1/predict", status_code=200)
async def predict(request: Request[Any, Any, Any]) -> Answer:
    DECODER.decode(await request.body())
    return FIXED


@get("/healthz")
async def health() -> dict[str, str]:
    return {"status": "healthy"}


def create() -> Litestar:
    return Litestar([predict, health], logging_config=None)

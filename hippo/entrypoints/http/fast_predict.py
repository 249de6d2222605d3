"""A raw-ASGI fast path for the common `POST /v1/predict`, in front of Litestar's routing and middleware.

Litestar spends about 250 µs per prediction on routing, dependency resolution, response building and
middleware, more than the decode and the forward pass together, so the everyday request — a valid body
of 784 pixels, no `model`, no `preprocess`, the default model loaded — is answered here directly:

- the body is read only when ``Content-Length`` is present and small, and parsed by simdjson
  (pysimdjson), which copies the 784 numbers straight into one float64 buffer: no Python float per
  pixel. Only the plain shape is taken: one JSON object with ``pixels`` (an array of exactly 784
  numbers, no nested array) and optionally ``model``/``preprocess`` set to null; numbers sent as strings,
  unknown or repeated fields, a wrong length: not for this path. Where pysimdjson has no wheel (it is
  installed for Python < 3.14), a strict `msgspec.json.Decoder` does the same job, about 40 µs slower;
- the pixels are checked with NumPy (every value in [0, 1], which also excludes NaN and infinities);
- the answer is the same `PredictResponse` the Litestar handler returns, encoded by msgspec, with the
  same headers (``content-type``, ``content-length``, ``x-request-id``).

Everything else goes to Litestar, unchanged, with the body replayed when it was already read: another
method or path, a body that does not decode or fails a check (Litestar then answers the 422 naming the
problem), a named model or ``preprocess``, no model loaded yet (503 or a load), an ``Origin`` header when
CORS is configured (Litestar's CORS middleware adds its headers), a chunked or large body (Litestar
enforces the size limit), and any exception during the forward pass (Litestar's handlers log it and
answer the generic 500). So every error body and header comes from one place, and the fast path can only
answer what Litestar would have answered.
"""

from __future__ import annotations

import logging
import struct
import time
from collections.abc import Callable
from typing import Annotated, Any

import msgspec
import numpy as np

try:  # parses the pixel array into float64 without a Python object per pixel (see `_SimdjsonPixels`)
    import simdjson
except ImportError:  # pragma: no cover - no wheel for this Python: msgspec decodes instead
    simdjson = None  # type: ignore[assignment]

from hippo.entrypoints.http.request_ids import HEADER, safe_request_id
from hippo.entrypoints.http.schemas.inference import PIXELS, PredictResponse
from hippo.entrypoints.logging_setup import request_id_var

log = logging.getLogger("hippo.http.access")

PATH = "/v1/predict"
MAX_FAST_BODY = 64 * 1024
"""Bodies up to this size are read here; a 784-pixel body is 2-20 kB."""


class _FastPredictBody(msgspec.Struct, forbid_unknown_fields=True):
    # The same fields as `PredictRequest`, with the per-pixel bounds checked by NumPy instead (faster).
    pixels: Annotated[list[float], msgspec.Meta(min_length=PIXELS, max_length=PIXELS)]
    model: Any = None
    preprocess: Any = None


_DECODER = msgspec.json.Decoder(_FastPredictBody)
_FIELDS = frozenset(_FastPredictBody.__struct_fields__)
_ENCODER = msgspec.json.Encoder()
_PACK = struct.Struct(f"{PIXELS}d")
_JSON = (b"content-type", b"application/json")

Scope = dict[str, Any]
Message = dict[str, Any]


class _MsgspecPixels:
    """The pixels of a plain body as float64 ``(784,)``, or None (decoded by msgspec, strict)."""

    def __init__(self) -> None:
        self._buffer = bytearray(_PACK.size)
        self._x = np.frombuffer(self._buffer, dtype=np.float64)

    def __call__(self, body: bytes) -> np.ndarray | None:
        request = _DECODER.decode(body)
        if request.model is not None or request.preprocess is not None:
            return None
        _PACK.pack_into(self._buffer, 0, *request.pixels)
        return self._x


class _SimdjsonPixels:
    """The pixels of a plain body as float64 ``(784,)``, or None (parsed by simdjson).

    simdjson validates the whole document (RFC 8259: no NaN, no trailing commas, nothing after the
    value) and parses numbers with correct rounding, so every pixel is the same float64 msgspec gives
    (a property test checks it). ``Array.as_buffer`` copies a homogeneous array of numbers into one
    buffer; it raises for strings, booleans, nulls and objects, and would flatten nested arrays, which is
    why a body with more than one ``[`` is declined: ``model`` and ``preprocess`` must be null here, so
    every ``[`` in a plain body belongs to an array. Repeated fields are declined (simdjson keeps both,
    msgspec the last). An integer ``-0`` becomes ``0.0`` here and ``-0.0`` in msgspec; the network's sums
    start from ``+0.0``, so the answer is the same.

    One parser is reused; simdjson refuses to parse again while objects of the previous document are
    alive, so nothing of the document outlives `_read`.
    """

    def __init__(self) -> None:
        self._parser = simdjson.Parser()

    def __call__(self, body: bytes) -> np.ndarray | None:
        if body.count(b"[") != 1:
            return None
        return self._read(body)

    def _read(self, body: bytes) -> np.ndarray | None:
        document = self._parser.parse(body)
        if not isinstance(document, simdjson.Object):
            return None
        keys = list(document.keys())
        if keys != ["pixels"]:  # the everyday body has nothing else; no lookup of absent keys (slow)
            if len(set(keys)) != len(keys) or "pixels" not in keys or not _FIELDS.issuperset(keys):
                return None
            if any(document[key] is not None for key in keys if key != "pixels"):
                return None
        pixels = document["pixels"]
        if not isinstance(pixels, simdjson.Array) or len(pixels) != PIXELS:
            return None
        return np.frombuffer(pixels.as_buffer(of_type="d"), dtype=np.float64)


def pixels_reader(*, simd: bool = True) -> Callable[[bytes], np.ndarray | None]:
    """The fastest reader of plain bodies available: simdjson when installed (and `simd`), else msgspec."""
    return _SimdjsonPixels() if simd and simdjson is not None else _MsgspecPixels()


class PredictAnswers:
    """Answers the plain prediction, or says Litestar must (shared by the ASGI and the RSGI front).

    The pixels are read into float64 (`pixels_reader`), checked there, converted to the network's dtype
    and run through `Network.probabilities_of_checked` (no second conversion or check). Measured in the
    server (granian, wrk at concurrency 8 on the same 2 cores), packing msgspec's floats into one
    preallocated buffer instead of a new one cut the CPU time of one answer from about 170 µs to about
    100 µs; reading them with simdjson instead of msgspec then saved about 40 µs more in a hot loop.
    `answer` is synchronous, so one event loop never runs two at once (the readers reuse their buffers).

    Args:
        models: the `ModelService` (its default model is used once loaded).
        cors: whether a CORS configuration is active (then requests with ``Origin`` go to Litestar).
        simd: read bodies with simdjson when it is installed (False: always msgspec).
    """

    def __init__(self, models: Any, *, cors: bool, simd: bool = True) -> None:
        self.models = models
        self.cors = cors
        self.pixels = pixels_reader(simd=simd)

    def takes(self, length: int, origin: bool) -> bool:
        """Whether a request with this ``Content-Length`` (-1: none) and ``Origin`` presence is read here."""
        return 0 < length <= MAX_FAST_BODY and not (origin and self.cors) and self.models.is_loaded

    def answer(self, body: bytes) -> bytes | None:
        """The encoded `PredictResponse`, or None when Litestar must answer (see the module doc)."""
        try:
            x = self.pixels(body)
            if x is None or not (x.min() >= 0.0 and x.max() <= 1.0):  # NaN fails both comparisons
                return None
            loaded = self.models.default()
            network = loaded.network
            probabilities = network.probabilities_of_checked(x.astype(network.dtype))
            return _ENCODER.encode(PredictResponse.of(probabilities, loaded.name))
        except Exception:  # Litestar answers it: the 422 naming the problem, or a logged 500
            return None


def log_answer(request_id: str, started: float, method: str = "POST", path: str = PATH) -> None:
    """The access-log line of a fast-path answer (DEBUG, as the request-id middleware logs a 200)."""
    if not log.isEnabledFor(logging.DEBUG):
        return
    token = request_id_var.set(request_id)
    millis = (time.perf_counter() - started) * 1000
    log.debug("%s %s -> 200 in %.1f ms", method, path, millis, extra={"status": 200, "ms": round(millis, 2)})
    request_id_var.reset(token)


class FastPredict:
    """Wraps Litestar's ASGI handler; answers the plain `POST /v1/predict` itself (see the module doc).

    Args:
        app: the ASGI handler to delegate to (``Litestar.asgi_handler``).
        models: the `ModelService` (its default model is used once loaded).
        cors: whether a CORS configuration is active (then requests with ``Origin`` are delegated).
    """

    def __init__(self, app: Any, models: Any, *, cors: bool) -> None:
        self.app = app
        self.answers = PredictAnswers(models, cors=cors)

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        length = -1
        given_id: bytes | None = None
        origin = False
        for name, value in scope["headers"]:
            if name == b"content-length":
                length = int(value) if value.isdigit() else -1
            elif name == HEADER:
                given_id = value
            elif name == b"origin":
                origin = True
        if not self.answers.takes(length, origin):
            await self.app(scope, receive, send)
            return
        body = b""
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        answer = self.answers.answer(body)
        if answer is None:
            await self.app(scope, _replay(body, receive), send)
            return
        request_id = safe_request_id(given_id)
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [_JSON, (b"content-length", b"%d" % len(answer)), (HEADER, request_id.encode())],
            }
        )
        await send({"type": "http.response.body", "body": answer})
        log_answer(request_id, started)


def _replay(body: bytes, receive: Any) -> Any:
    """A `receive` that first gives back the body already read, then defers to the server's."""
    pending = True

    async def replayed() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        message: Message = await receive()
        return message

    return replayed

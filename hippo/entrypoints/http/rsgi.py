"""The RSGI front `hippo serve` runs under granian: plain predictions natively, the rest through Litestar.

Granian's RSGI interface costs less per request than its ASGI one (no scope dict, no message dicts, no
future per `send`): a bare app reading the body and answering a fixed JSON reached about 35 % more
requests/s at concurrency 1 and 55 % more at 64 (docs/SERVING.md). This front uses it for the everyday
`POST /v1/predict` (`fast_predict.PredictAnswers`: same body, headers and request id as the ASGI fast
path) and the plain word lookup ``GET /v1/dictionary/words/{language}/{text}``
(`fast_lookup.LookupAnswers`), and hands every other request, and every one those decline, to the
Litestar ASGI app through a small bridge:

- the ASGI scope is built as granian's ASGI interface builds it (decoded ``path``, ``query_string``,
  lower-case ``headers`` in order, ``server``/``client`` pairs, the lifespan ``state``; ``raw_path`` is
  the path quoted again, which Litestar reads only for mounted apps). One difference comes from granian:
  its RSGI scope leaves out header values that are not visible ASCII (its ASGI scope keeps their bytes);
  Hippo reads no such header;
- ``receive`` streams the body in the chunks granian reads (Litestar enforces the size limit as it
  reads), replays a body the fast path already read, then answers ``http.disconnect`` once the client
  has gone away or the response is complete (Litestar's streaming responses wait for it, as uvicorn
  and granian's ASGI interface send it);
- ``send`` answers in one piece when the response has one body message, and streams otherwise;
- Litestar's lifespan (model loading, database pool) runs in `__rsgi_init__` before the worker serves,
  through granian's own ASGI lifespan driver, and its shutdown in `__rsgi_del__`; a failed startup stops
  the worker, as under the ASGI interface.

Hippo serves no websockets; a websocket request is refused.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from typing import Any
from urllib.parse import quote

from granian.rsgi import ProtocolClosed  # type: ignore[attr-defined]  # re-exported without __all__

from hippo.entrypoints.http.fast_lookup import LookupAnswers
from hippo.entrypoints.http.fast_predict import PATH, PredictAnswers, log_answer
from hippo.entrypoints.http.request_ids import safe_request_id

log = logging.getLogger("hippo.http")

_ASGI = {"version": "3.0", "spec_version": "2.3"}
_JSON = ("content-type", "application/json")
Message = dict[str, Any]


def _address(text: str) -> tuple[str, int] | None:
    host, _, port = text.rpartition(":")
    return (host, int(port)) if port.isdigit() else None


class RsgiFront:
    """An RSGI application serving `app` (Litestar), answering plain predictions itself.

    Args:
        app: the Litestar application (built without its ASGI fast path: this front has its own).
        answers: the prediction fast path (`PredictAnswers`), or None to send predictions to `app`.
        lookups: the word-lookup fast path (`LookupAnswers`), or None to send lookups to `app`.
    """

    def __init__(
        self, app: Any, answers: PredictAnswers | None, lookups: LookupAnswers | None = None
    ) -> None:
        self.app = app
        self.answers = answers
        self.lookups = lookups
        self.state: dict[str, Any] = {}
        self._lifespan: Any = None

    def __rsgi_init__(self, loop: Any) -> None:
        """Run the app's lifespan startup (granian calls this in the worker before it serves)."""
        from granian.asgi import LifespanProtocol

        self._lifespan = LifespanProtocol(self.app)  # type: ignore[no-untyped-call]
        loop.run_until_complete(self._lifespan.startup())
        if self._lifespan.interrupt:
            log.error("the application failed to start", exc_info=self._lifespan.exc)
            sys.exit(1)
        self.state = self._lifespan.state

    def __rsgi_del__(self, loop: Any) -> None:
        """Run the app's lifespan shutdown (granian calls this when the worker stops)."""
        if self._lifespan is not None:
            loop.run_until_complete(self._lifespan.shutdown())

    async def __rsgi__(self, scope: Any, protocol: Any) -> None:
        if scope.proto != "http":
            protocol.close(403)  # websocket: Hippo has no websocket routes
            return
        body = None
        method = scope.method
        if method == "POST" and self.answers is not None and scope.path == PATH:
            started = time.perf_counter()
            headers = scope.headers
            length = headers.get("content-length", "")
            if self.answers.takes(int(length) if length.isdigit() else -1, "origin" in headers):
                body = await protocol()
                answer = self.answers.answer(body)
                if answer is not None:
                    request_id = _request_id(headers)
                    protocol.response_bytes(200, [_JSON, ("x-request-id", request_id)], answer)
                    log_answer(request_id, started)
                    return
        elif method == "GET" and self.lookups is not None:
            started = time.perf_counter()
            headers = scope.headers
            path = scope.path
            word = self.lookups.takes(path, scope.query_string, "origin" in headers)
            if word is not None:
                request_id = _request_id(headers)
                answer = await self.lookups.answer(*word, request_id)
                if answer is not None:
                    protocol.response_bytes(200, [_JSON, ("x-request-id", request_id)], answer)
                    log_answer(request_id, started, method, path)
                    return
        await _Bridge(scope, protocol, body).run(self.app, self.state)


def _request_id(headers: Any) -> str:
    given = headers.get("x-request-id")
    return safe_request_id(given.encode() if given is not None else None)


class _Bridge:
    """One HTTP request carried from RSGI to an ASGI app (see the module doc)."""

    def __init__(self, scope: Any, protocol: Any, body: bytes | None) -> None:
        self.scope = scope
        self.protocol = protocol
        self.pending = body
        self.chunks: Any = None if body is not None else protocol.__aiter__()
        self.request_done = body is not None
        self.status = 500
        self.headers: list[tuple[str, str]] = []
        self.stream: Any = None
        self.finished = False
        self.done: asyncio.Event | None = None

    async def run(self, app: Any, state: dict[str, Any]) -> None:
        rsgi = self.scope
        path = rsgi.path
        scope = {
            "type": "http",
            "asgi": _ASGI,
            "http_version": rsgi.http_version,
            "server": _address(rsgi.server),
            "client": _address(rsgi.client),
            "scheme": rsgi.scheme,
            "method": rsgi.method,
            "root_path": "",
            "path": path,
            "raw_path": quote(path, safe="/:@!$&'()*+,;=~").encode("ascii"),
            "query_string": rsgi.query_string.encode(),  # granian decoded the raw bytes as UTF-8
            "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in rsgi.headers.items()],
            "state": state.copy(),
        }
        try:
            await app(scope, self.receive, self.send)
        except Exception:
            log.exception("unhandled error in the ASGI application")
            if self.stream is None and not self.finished:
                self.protocol.response_bytes(500, [("content-type", "text/plain")], b"Internal Server Error")
            return
        if self.stream is None and not self.finished:  # the app sent no body message
            self.protocol.response_empty(self.status, self.headers)

    async def receive(self) -> Message:
        if self.pending is not None:
            body, self.pending = self.pending, None
            return {"type": "http.request", "body": body, "more_body": False}
        if not self.request_done:
            try:
                chunk = await self.chunks.__anext__()
            except StopAsyncIteration:
                self.request_done = True
                return {"type": "http.request", "body": b"", "more_body": False}
            return {"type": "http.request", "body": chunk, "more_body": True}
        if not self.finished:  # wait until the client goes away or the response is complete
            self.done = asyncio.Event()
            waits = {
                asyncio.ensure_future(self.protocol.client_disconnect()),
                asyncio.create_task(self.done.wait()),
            }
            try:
                await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for waiting in waits:
                    waiting.cancel()
        return {"type": "http.disconnect"}

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            self.status = message["status"]
            self.headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in message.get("headers", ())]
        elif kind == "http.response.body" and not self.finished:
            body = message.get("body", b"")
            more = message.get("more_body", False)
            if self.stream is None and not more:
                self.protocol.response_bytes(self.status, self.headers, body)
                self._finish()
                return
            if self.stream is None:
                self.stream = self.protocol.response_stream(self.status, self.headers)
            try:
                if body:
                    await self.stream.send_bytes(body)
            except ProtocolClosed:  # the client went away: the rest of the stream is dropped
                more = False
            if not more:
                self._finish()

    def _finish(self) -> None:
        self.finished = True
        if self.done is not None:
            self.done.set()

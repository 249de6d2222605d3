"""ASGI middleware giving every HTTP request an id, for the logs and the client.

The id is the client's ``X-Request-ID`` when it is a short safe token, otherwise a fresh random one.
It is put in `hippo.entrypoints.logging_setup.request_id_var` (so every log line written while the
request runs carries it), returned in the ``X-Request-ID`` response header, and logged with the
status and duration: at DEBUG normally, at WARNING for 5xx answers.
"""

from __future__ import annotations

import logging
import os
import re
import time
from typing import Any

from hippo.entrypoints.logging_setup import request_id_var

log = logging.getLogger("hippo.http.access")

HEADER = b"x-request-id"
_SAFE = re.compile(rb"^[A-Za-z0-9._:-]{1,64}$")

Scope = dict[str, Any]
Message = dict[str, Any]


def safe_request_id(given: bytes | None) -> str:
    """`given` (a client's ``X-Request-ID``) when safe to echo, else a new random 32-hex-digit id."""
    if given is not None and _SAFE.match(given):
        return given.decode("ascii")
    return os.urandom(16).hex()  # as uuid.uuid4().hex, without building a UUID object


def incoming_request_id(scope: Scope) -> str:
    """The client's ``X-Request-ID`` when safe to echo, else a new 32-hex-digit id."""
    for name, value in scope.get("headers", ()):
        if name == HEADER and _SAFE.match(value):
            return str(value.decode("ascii"))
    return safe_request_id(None)


class RequestIdMiddleware:
    """Wraps an ASGI app; HTTP requests get an id (lifespan and websocket scopes pass through)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = incoming_request_id(scope)
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = [(k, v) for k, v in message.get("headers", ()) if k.lower() != HEADER]
                headers.append((HEADER, request_id.encode("ascii")))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            millis = (time.perf_counter() - started) * 1000
            log.log(
                logging.WARNING if status >= 500 else logging.DEBUG,
                "%s %s -> %d in %.1f ms",
                scope.get("method", "?"),
                scope.get("path", "?"),
                status,
                millis,
                extra={"status": status, "ms": round(millis, 2)},
            )
            request_id_var.reset(token)


def request_id_middleware(app: Any) -> RequestIdMiddleware:
    """Factory in the shape Litestar's ``middleware=[...]`` expects."""
    return RequestIdMiddleware(app)

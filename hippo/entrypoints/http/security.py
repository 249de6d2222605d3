"""Who may write the dictionary, which origins a browser may call from, and the production checks.

- Dictionary writes (POST, PATCH, DELETE under `/v1/dictionary`) need ``Authorization: Bearer <token>``
  when `HIPPO_ADMIN_TOKEN` is set: 401 when the header is missing or not a bearer token, 403 when the
  token is wrong (compared in constant time). Reads, health and inference stay anonymous.
- In production (`HIPPO_ENV=production`, or Railway's variables present) the app refuses to start without
  a token.
- CORS is off unless `ALLOWED_ORIGINS` lists origins; a wildcard is never combined with credentials
  (Hippo never allows credentials: the token travels in a header, not a cookie).
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from litestar.config.cors import CORSConfig
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from hippo.config import Settings
from hippo.entrypoints.http.startup import StartupRefusedError, check_startup

log = logging.getLogger("hippo.http")

__all__ = ["StartupRefusedError", "admin_guard", "check_startup", "cors_config"]

_READS = frozenset({"GET", "HEAD", "OPTIONS"})

Guard = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], Awaitable[None]]


def admin_guard(token: str | None) -> Guard:
    """A Litestar guard requiring ``Authorization: Bearer <token>``; lets everything in without a token."""
    expected = token.encode() if token else None

    # async: Litestar runs a sync guard in a worker thread, a round trip that cost more than the lookup
    async def require_admin(
        connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
    ) -> None:
        if expected is None or connection.scope.get("method") in _READS:
            return
        header = connection.headers.get("authorization")
        if not header:
            raise NotAuthorizedException(
                detail="This dictionary write needs an 'Authorization: Bearer <token>' header.",
                headers={"WWW-Authenticate": 'Bearer realm="hippo"'},
            )
        scheme, _space, given = header.partition(" ")
        if scheme.lower() != "bearer" or not given.strip():
            raise NotAuthorizedException(
                detail="The Authorization header must be 'Bearer <token>'.",
                headers={"WWW-Authenticate": 'Bearer realm="hippo"'},
            )
        if not hmac.compare_digest(given.strip().encode(), expected):
            raise PermissionDeniedException(detail="The bearer token is not valid for dictionary writes.")

    return require_admin


def cors_config(settings: Settings) -> CORSConfig | None:
    """CORS for exactly `ALLOWED_ORIGINS`, or none at all when it is empty."""
    if not settings.allowed_origins:
        return None
    return CORSConfig(
        allow_origins=list(settings.allowed_origins),
        allow_methods=["GET", "POST", "PATCH", "DELETE", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
        allow_credentials=False,
        expose_headers=["X-Request-ID", "Retry-After"],
        max_age=600,
    )

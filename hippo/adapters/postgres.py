"""PostgreSQL connections: one `DATABASE_URL` in any pasted form, asyncpg pools tuned for Neon.

A URL may arrive as ``postgresql://``, ``postgres://``, ``postgresql+psycopg://`` or
``postgresql+asyncpg://``, with Neon's ``?sslmode=require&channel_binding=require``:

- asyncpg gets a plain ``postgresql://`` DSN without ``channel_binding`` (asyncpg would send unknown
  query keys to the server as settings, and it cannot do channel binding anyway; FACTS.md §1.1);
- alembic/SQLAlchemy get ``postgresql+psycopg://`` with every libpq parameter kept (§1.2-1.3), on
  Neon's direct host instead of the ``-pooler`` one (migrations need a session, §1.4).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg

_log = logging.getLogger(__name__)

_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg", "postgresql+psycopg2", "postgresql+asyncpg")
_ASYNCPG_DROPPED = frozenset({"channel_binding"})
_RETRYABLE = (
    OSError,
    asyncio.TimeoutError,
    asyncpg.CannotConnectNowError,
    asyncpg.ConnectionDoesNotExistError,
)


def _parts(url: str) -> SplitResult:
    parts = urlsplit(url.strip())
    if parts.scheme not in _SCHEMES:
        raise ValueError(f"not a PostgreSQL URL (scheme {parts.scheme!r}); expected postgresql://...")
    return parts


def asyncpg_dsn(url: str) -> str:
    """The URL as asyncpg wants it: scheme ``postgresql``, no ``channel_binding``, ``sslmode`` (not ``ssl``).

    ``ssl=...`` is the spelling of SQLAlchemy's asyncpg dialect; asyncpg's DSN parser wants ``sslmode``.
    """
    parts = _parts(url)
    query = []
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key in _ASYNCPG_DROPPED:
            continue
        query.append(("sslmode" if key == "ssl" else key, value))
    return urlunsplit(parts._replace(scheme="postgresql", query=urlencode(query)))


def psycopg_url(url: str, *, direct: bool = True) -> str:
    """The URL for SQLAlchemy with psycopg 3 (``postgresql+psycopg://``), every libpq parameter kept.

    With `direct`, Neon's pooler host becomes the direct one (``ep-x-pooler.eu...`` -> ``ep-x.eu...``).
    """
    parts = _parts(url)
    query = [("sslmode" if k == "ssl" else k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    netloc = direct_netloc(parts.netloc) if direct else parts.netloc
    return urlunsplit(parts._replace(scheme="postgresql+psycopg", netloc=netloc, query=urlencode(query)))


def direct_netloc(netloc: str) -> str:
    """Drop Neon's ``-pooler`` suffix from the first host label, keeping user, password and port."""
    userinfo, at, hostport = netloc.rpartition("@")
    host, colon, port = hostport.partition(":")
    first, dot, rest = host.partition(".")
    if first.endswith("-pooler"):
        host = first.removesuffix("-pooler") + dot + rest
    return f"{userinfo}{at}{host}{colon}{port}"


def is_pooled(url: str) -> bool:
    """Whether the URL points at a PgBouncer-style pooler (Neon's ``-pooler`` host)."""
    host = urlsplit(url.strip()).hostname or ""
    return host.split(".", 1)[0].endswith("-pooler")


@dataclass(frozen=True, slots=True)
class PoolSettings:
    """Pool sizing and timeouts for Neon's small computes (FACTS.md §1.5).

    `idle_lifetime` (seconds) stays below Neon's 5-minute suspend so idle connections are closed by
    us first; `connect_timeout` allows a scale-to-zero wake-up; `command_timeout` bounds a query.
    """

    min_size: int = 1
    max_size: int = 5
    connect_timeout: float = 15.0
    command_timeout: float = 30.0
    idle_lifetime: float = 240.0
    connect_attempts: int = 5
    backoff: float = 0.5


async def _keep_session(connection: asyncpg.Connection) -> None:
    """Skip asyncpg's reset query on release (advisory unlock, CLOSE ALL, UNLISTEN, RESET ALL).

    Hippo never leaves session state behind (no SET, LISTEN, session locks or held cursors), and the
    reset costs a round trip on every release, about as much as a whole indexed lookup.
    """


async def create_pool(url: str, settings: PoolSettings | None = None) -> asyncpg.Pool:
    """Open an asyncpg pool, retrying with exponential backoff and jitter while the server wakes up.

    On a ``-pooler`` host the statement cache is off (PgBouncer transaction mode). Otherwise the
    cached statements run with generic plans (``plan_cache_mode``): every Hippo query is an index
    lookup or range scan whose plan does not depend on the values, and PostgreSQL's own choice kept
    re-planning the prefix search on every call (its generic estimate looked worse), which cost more
    than running it (about 0.9 of 1.9 ms server time at 1M words, measured).
    """
    settings = settings or PoolSettings()
    dsn = asyncpg_dsn(url)
    pooled = is_pooled(url)
    cache = 0 if pooled else 100
    # PgBouncer refuses unknown startup parameters, and unnamed statements are planned per call anyway.
    server_settings = {} if pooled else {"plan_cache_mode": "force_generic_plan"}
    delay = settings.backoff
    for attempt in range(1, settings.connect_attempts + 1):
        try:
            pool: asyncpg.Pool = await asyncpg.create_pool(
                dsn,
                min_size=settings.min_size,
                max_size=settings.max_size,
                timeout=settings.connect_timeout,
                command_timeout=settings.command_timeout,
                max_inactive_connection_lifetime=settings.idle_lifetime,
                statement_cache_size=cache,
                server_settings=server_settings,
                reset=_keep_session,
            )
            return pool
        except _RETRYABLE as error:
            if attempt == settings.connect_attempts:
                raise
            _log.warning("PostgreSQL not reachable (%s), retry %d in %.1fs", error, attempt, delay)
            await asyncio.sleep(delay * (1 + random.random() / 4))
            delay = min(delay * 2, 8.0)
    raise AssertionError("unreachable")


async def pool_resource(url: str, settings: PoolSettings | None = None) -> AsyncIterator[asyncpg.Pool]:
    """The pool as a resource (an async generator): opened on start, closed on shutdown."""
    pool = await create_pool(url, settings)
    try:
        yield pool
    finally:
        await pool.close()

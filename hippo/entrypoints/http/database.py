"""The dictionary's repository as the HTTP layer sees it: opened lazily, re-opened after an outage.

The database may be down when the app starts (Neon asleep, a wrong URL) or go away later. Inference never
depends on it. A dictionary request first asks `Database.repository()`: when the repository cannot be
opened within `open_timeout` seconds the request is answered 503 (`UnavailableError`), and the next
request tries again, at most once per `retry_interval` seconds, so the dictionary recovers by itself.
Failures of an open repository (a dropped connection) are the adapter's `UnavailableError`, also 503;
its pool replaces dead connections on the following requests.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import time
from collections.abc import Callable
from typing import Any

import anyio.to_thread

from hippo.domain.errors import NotFoundError, UnavailableError
from hippo.domain.vocabulary import MAX_ID
from hippo.ports.vocabulary_repository import VocabularyRepository

log = logging.getLogger("hippo.http")

UNAVAILABLE = "The dictionary database is unavailable right now (inference still works); try again shortly."
_CONNECTION_ERRORS = (OSError, asyncio.TimeoutError, ConnectionError)


class Database:
    """Opens `container.vocabulary_repository()` on demand and probes it for `/healthz`."""

    def __init__(
        self,
        container: Any,
        *,
        prepare: Callable[[], object] | None = None,
        open_pool: Callable[[], object] | None = None,
        open_timeout: float = 30.0,
        probe_timeout: float = 1.0,
        retry_interval: float = 2.0,
    ) -> None:
        self._container = container
        self._prepare = prepare
        self._open_pool = open_pool
        self._open_timeout = open_timeout
        self._probe_timeout = probe_timeout
        self._retry_interval = retry_interval
        self._repository: VocabularyRepository | None = None
        self._last_failure = -float("inf")
        self._lock = asyncio.Lock()
        self._opening: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Try to open the repository now; a failure is logged, not raised (the first success is timed)."""
        started = time.perf_counter()
        first = self._repository is None
        with contextlib.suppress(UnavailableError):
            await self.repository()
            if first:
                seconds = round(time.perf_counter() - started, 4)
                log.info("startup phase database took %.3f s", seconds, extra={"phase": "database"})

    def start_in_background(self) -> None:
        """Open the repository without delaying startup (requests meanwhile wait for it, up to a bound)."""
        if self._opening is None or self._opening.done():
            self._opening = asyncio.create_task(self.start())

    async def repository(self) -> VocabularyRepository:
        """The open repository, opening it first when needed.

        Raises:
            UnavailableError: it cannot be opened now (or failed less than `retry_interval` ago).
        """
        repository = self._repository
        if repository is not None:
            return repository
        async with self._lock:
            if self._repository is not None:
                return self._repository
            if time.monotonic() - self._last_failure < self._retry_interval:
                raise UnavailableError(UNAVAILABLE)
            try:
                if self._prepare is not None:  # blocking set-up (start a server, migrate) off the event loop
                    await asyncio.wait_for(anyio.to_thread.run_sync(self._prepare), self._open_timeout)
                if self._open_pool is not None:
                    # The pool is awaited here, not through the repository's singleton: cancelling this
                    # wait (shutdown, the timeout) then cancels the pool's opening cleanly, whereas a
                    # cancelled singleton future makes dependency-injector log an InvalidStateError
                    # when the opening it still runs ends.
                    pool = self._open_pool()
                    if inspect.isawaitable(pool):
                        await asyncio.wait_for(pool, self._open_timeout)
                opened: VocabularyRepository = self._container.vocabulary_repository()
                if inspect.isawaitable(opened):  # a provider over an async resource returns a future
                    opened = await asyncio.wait_for(opened, self._open_timeout)
            except (UnavailableError, *_CONNECTION_ERRORS) as exc:
                self._last_failure = time.monotonic()
                log.warning(
                    "cannot open the dictionary database (%s: %s); the dictionary answers 503 until it can",
                    type(exc).__name__,
                    exc,
                )
                raise UnavailableError(UNAVAILABLE) from exc
            self._repository = opened
            return opened

    async def probe(self) -> bool:
        """Whether the database answers a trivial primary-key lookup within `probe_timeout` seconds."""
        repository = self._repository
        if repository is None:
            # Opening can take seconds (a sleeping Neon compute): do it in the background, answer now.
            due = time.monotonic() - self._last_failure >= self._retry_interval
            if due:
                self.start_in_background()
            return False
        try:
            await asyncio.wait_for(repository.get_word(MAX_ID), self._probe_timeout)
        except NotFoundError:
            return True
        except (UnavailableError, *_CONNECTION_ERRORS):
            return False
        return True

    async def close(self) -> None:
        """Stop an opening still under way, then close what the container opened (the pool, a server).

        An opening that is still retrying (the database unreachable) is cancelled and awaited first:
        otherwise closing the container's resources would wait for its retries to run out.
        """
        opening = self._opening
        if opening is not None and not opening.done():
            opening.cancel()
            await asyncio.wait([opening])  # does not raise; a cancellation of `close` itself still does
        self._repository = None
        closing = self._container.shutdown_resources()
        if inspect.isawaitable(closing):  # None when the container has no async resources
            await closing

"""A fast path for the everyday word lookup, ``GET /v1/dictionary/words/{language}/{text}``.

Served by the RSGI front (`rsgi.RsgiFront`) in front of Litestar, like the prediction fast path: in the
server a lookup cost about 670 µs of CPU in-process, of which about 220 µs were the repository's query
and the rest Litestar's routing, guard (it copies the handler for every guard call), dependency and
parameter resolution, response building and middleware. Only the plain request is answered here:

- ``GET``, no query string (so the handler's defaults hold: the full word, no search through forms), no
  ``Origin`` header when CORS is configured, a path of exactly two segments after ``/words/`` that
  Litestar routes to ``getWordByText`` (a GET route with a fixed segment in that place, such as
  ``/words/{language}/definitions``, keeps its requests);
- the repository is the one Litestar's handlers use (`Database.repository`), the answer the same
  `mapping.word_full` encoded by msgspec, with ``content-type`` and ``x-request-id``.

Anything else, and every failure (the word is missing: 404; the database is down: 503; a text the
repository rejects: 422), goes to Litestar, which answers it as for any request (a missing word is then
looked up twice).
"""

from __future__ import annotations

import logging
from typing import Any

import msgspec

from hippo.entrypoints.http import mapping
from hippo.entrypoints.logging_setup import request_id_var

log = logging.getLogger("hippo.http.access")

PREFIX = "/v1/dictionary/words/"
_ENCODER = msgspec.json.Encoder()


def _fixed_segments(routes: Any) -> tuple[set[str], set[str]]:
    """Fixed first and second segments of the other GET routes shaped ``/words/<a>/<b>``."""
    first: set[str] = set()
    second: set[str] = set()
    for route in routes:
        path: str = route.path
        if not path.startswith(PREFIX) or "GET" not in getattr(route, "methods", ()):
            continue
        parts = path[len(PREFIX) :].split("/")
        if len(parts) != 2 or all(part.startswith("{") for part in parts):
            continue
        if not parts[0].startswith("{"):
            first.add(parts[0])
        if not parts[1].startswith("{"):
            second.add(parts[1])
    return first, second


class LookupAnswers:
    """Answers the plain word lookup, or says Litestar must.

    Args:
        routes: the Litestar app's routes (to leave the other ``/words/<a>/<b>`` GET routes alone).
        database: the app's `Database` (its repository is opened once and then reused).
        cors: whether a CORS configuration is active (then requests with ``Origin`` go to Litestar).
    """

    def __init__(self, routes: Any, database: Any, *, cors: bool) -> None:
        self.database = database
        self.cors = cors
        self._fixed_first, self._fixed_second = _fixed_segments(routes)

    def takes(self, path: str, query: str, origin: bool) -> tuple[str, str] | None:
        """The (language, text) of a plain lookup on `path` (already percent-decoded), or None."""
        if query or (origin and self.cors) or not path.startswith(PREFIX):
            return None
        language, slash, text = path[len(PREFIX) :].partition("/")
        if not (slash and language and text) or "/" in text:
            return None
        if language in self._fixed_first or text in self._fixed_second:
            return None
        return language, text

    async def answer(self, language: str, text: str, request_id: str) -> bytes | None:
        """The encoded `WordFull`, or None when Litestar must answer."""
        token = request_id_var.set(request_id)  # the repository's log lines carry the request's id
        try:
            repository = await self.database.repository()
            details = await repository.find_word(language, text, through_forms=False)
            return _ENCODER.encode(mapping.word_full(details))
        except Exception:  # Litestar answers it: 404, 503, 422, or a logged 500
            return None
        finally:
            request_id_var.reset(token)

"""Shared plumbing of the PostgreSQL vocabulary repository: transactions, error mapping, lookups."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from hippo.adapters import postgres_vocabulary_rows as rows
from hippo.domain.errors import ConflictError, InvalidArgumentError, NotFoundError, UnavailableError
from hippo.domain.vocabulary import Word, WordDetails, is_storable_id

TOUCH = "UPDATE words SET updated_at = now() WHERE id = $1"
"""Mark a word changed (its own fields or its definitions, examples, tags or forms)."""

CONNECTION_ERRORS = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.OperatorInterventionError,
)
"""Driver failures that mean "the database is not reachable now", as opposed to a bad query."""

MAX_OFFSET = 2**62
"""Offsets beyond this are clamped (an empty page), never an int8 overflow."""


class PostgresStore:
    """Holds the pool; every public method of the subclasses runs in one transaction."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[asyncpg.Connection]:
        """A pooled connection; an unreachable database (down, restarting, network) is `UnavailableError`.

        The pool replaces broken connections on a later acquire, so service resumes by itself.
        """
        try:
            async with self._pool.acquire() as con:
                yield con
        except CONNECTION_ERRORS as error:
            raise UnavailableError(f"The database cannot be reached ({type(error).__name__})") from error

    @asynccontextmanager
    async def _tx(self) -> AsyncIterator[asyncpg.Connection]:
        """A connection in a transaction; driver integrity errors become domain errors (races)."""
        async with self._connection() as con:
            try:
                async with con.transaction():
                    yield con
            except asyncpg.UniqueViolationError as error:
                raise ConflictError(f"Already exists: {error.detail or error}") from None
            except asyncpg.ForeignKeyViolationError as error:
                raise NotFoundError(f"Referenced row not found: {error.detail or error}") from None
            except (asyncpg.CheckViolationError, asyncpg.DataError) as error:
                raise InvalidArgumentError(f"Invalid value: {error}") from None

    @staticmethod
    async def _lock_word(con: asyncpg.Connection, word_id: int) -> Word:
        row = None
        if is_storable_id(word_id):
            row = await con.fetchrow(
                f"SELECT {rows.WORD_COLUMNS} FROM words w WHERE w.id = $1 FOR UPDATE", word_id
            )
        if row is None:
            raise NotFoundError(f"Word {word_id} not found")
        return rows.word_from(row)

    @staticmethod
    async def _details(con: asyncpg.Connection, word_id: int) -> WordDetails:
        row = (
            await con.fetchrow(rows.DETAILS + " WHERE w.id = $1", word_id)
            if is_storable_id(word_id)
            else None
        )
        if row is None:
            raise NotFoundError(f"Word {word_id} not found")
        return rows.details_from(row)

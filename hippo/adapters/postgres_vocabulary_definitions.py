"""Definitions and examples of the PostgreSQL vocabulary repository."""

from __future__ import annotations

import asyncpg

from hippo.adapters import postgres_vocabulary_rows as rows
from hippo.adapters.postgres_vocabulary_base import TOUCH, PostgresStore
from hippo.domain.errors import ConflictError, NotFoundError
from hippo.domain.vocabulary import (
    Definition,
    Example,
    is_storable_id,
)
from hippo.domain.vocabulary_changes import (
    DefinitionPatch,
    ExamplePatch,
    NewDefinition,
    NewExample,
    Unset,
    assign_orders,
)


class PostgresDefinitions(PostgresStore):
    # --- definitions and examples ---------------------------------------------------------------
    async def _insert_definition(self, con: asyncpg.Connection, word_id: int, new: NewDefinition) -> int:
        taken = [r[0] for r in await con.fetch('SELECT "order" FROM definitions WHERE word_id = $1', word_id)]
        (order,) = assign_orders(taken, [new.order])
        definition_id: int = await con.fetchval(
            'INSERT INTO definitions (word_id, definition_text, part_of_speech, "order") '
            "VALUES ($1, $2, $3, $4) RETURNING id",
            word_id,
            new.definition_text,
            new.part_of_speech.value,
            order,
        )
        await rows.insert_examples(con, definition_id, new.examples)
        return definition_id

    async def add_definition(self, word_id: int, new: NewDefinition) -> Definition:
        async with self._tx() as con:
            await self._lock_word(con, word_id)
            definition_id = await self._insert_definition(con, word_id, new)
            await con.execute(TOUCH, word_id)
            return rows.definition_from(await con.fetchrow(rows.DEFINITION, definition_id))

    async def get_definition(self, definition_id: int) -> Definition:
        async with self._connection() as con:
            return await self._definition(con, definition_id)

    @staticmethod
    async def _definition(con: asyncpg.Connection, definition_id: int, *, lock: bool = False) -> Definition:
        row = None
        if is_storable_id(definition_id):
            row = await con.fetchrow(rows.DEFINITION + (" FOR UPDATE OF d" if lock else ""), definition_id)
        if row is None:
            raise NotFoundError(f"Definition {definition_id} not found")
        return rows.definition_from(row)

    @staticmethod
    async def _patch_definition(con: asyncpg.Connection, row: Definition, patch: DefinitionPatch) -> None:
        if (
            not isinstance(patch.order, Unset)
            and patch.order != row.order
            and await con.fetchval(
                'SELECT 1 FROM definitions WHERE word_id = $1 AND "order" = $2 AND id <> $3',
                row.word_id,
                patch.order,
                row.id,
            )
        ):
            raise ConflictError(f"Definition order {patch.order} is already used by this word")
        await con.execute(
            'UPDATE definitions SET definition_text = $2, part_of_speech = $3, "order" = $4 WHERE id = $1',
            row.id,
            row.definition_text if isinstance(patch.definition_text, Unset) else patch.definition_text,
            (row.part_of_speech if isinstance(patch.part_of_speech, Unset) else patch.part_of_speech).value,
            row.order if isinstance(patch.order, Unset) else patch.order,
        )
        if not isinstance(patch.examples, Unset):
            await con.execute("DELETE FROM examples WHERE definition_id = $1", row.id)
            await rows.insert_examples(con, row.id, patch.examples)

    async def update_definition(self, definition_id: int, patch: DefinitionPatch) -> Definition:
        async with self._tx() as con:
            row = await self._definition(con, definition_id, lock=True)
            await self._patch_definition(con, row, patch)
            await con.execute(TOUCH, row.word_id)
            return await self._definition(con, definition_id)

    async def delete_definition(self, definition_id: int) -> None:
        async with self._tx() as con:
            word_id = is_storable_id(definition_id) and await con.fetchval(
                "DELETE FROM definitions WHERE id = $1 RETURNING word_id", definition_id
            )
            if not word_id:
                raise NotFoundError(f"Definition {definition_id} not found")
            await con.execute(TOUCH, word_id)

    async def add_example(self, definition_id: int, new: NewExample) -> Example:
        async with self._tx() as con:
            row = await self._definition(con, definition_id)
            example_id = await con.fetchval(
                "INSERT INTO examples (definition_id, example_text, source) VALUES ($1, $2, $3) RETURNING id",
                definition_id,
                new.example_text,
                new.source,
            )
            await con.execute(TOUCH, row.word_id)
            return Example(example_id, definition_id, new.example_text, new.source)

    async def get_example(self, example_id: int) -> Example:
        async with self._connection() as con:
            example, _ = await self._example(con, example_id)
            return example

    @staticmethod
    async def _example(con: asyncpg.Connection, example_id: int) -> tuple[Example, int]:
        row = None
        if is_storable_id(example_id):
            row = await con.fetchrow(
                "SELECT e.id, e.definition_id, e.example_text, e.source, d.word_id FROM examples e "
                "JOIN definitions d ON d.id = e.definition_id WHERE e.id = $1",
                example_id,
            )
        if row is None:
            raise NotFoundError(f"Example {example_id} not found")
        return Example(row[0], row[1], row[2], row[3]), row[4]

    async def update_example(self, example_id: int, patch: ExamplePatch) -> Example:
        async with self._tx() as con:
            example, word_id = await self._example(con, example_id)
            text = example.example_text if isinstance(patch.example_text, Unset) else patch.example_text
            source = example.source if isinstance(patch.source, Unset) else patch.source
            await con.execute(
                "UPDATE examples SET example_text = $2, source = $3 WHERE id = $1", example_id, text, source
            )
            await con.execute(TOUCH, word_id)
            return Example(example_id, example.definition_id, text, source)

    async def delete_example(self, example_id: int) -> None:
        async with self._tx() as con:
            _, word_id = await self._example(con, example_id)
            await con.execute("DELETE FROM examples WHERE id = $1", example_id)
            await con.execute(TOUCH, word_id)

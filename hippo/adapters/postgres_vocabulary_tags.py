"""Tags, relations and word forms of the PostgreSQL vocabulary repository."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from hippo.adapters.postgres_vocabulary_base import MAX_OFFSET, TOUCH, PostgresStore
from hippo.domain.errors import ConflictError, NotFoundError
from hippo.domain.vocabulary import (
    Page,
    Relation,
    RelationType,
    Tag,
    VocabularyCounts,
    WordForm,
    check_page,
    is_storable_id,
    prefix_bounds,
)
from hippo.domain.vocabulary_changes import (
    NewTag,
    NewWordForm,
    TagPatch,
    Unset,
)

_ADD_NEW_RELATIONS = """
INSERT INTO word_relations (word_id_1, word_id_2, relation_type)
SELECT * FROM unnest($1::int[], $2::int[], $3::text[]) ORDER BY 1, 2, 3
ON CONFLICT DO NOTHING
"""
_RELATION_TYPES = {t: t.value for t in RelationType}


class PostgresTagsRelationsForms(PostgresStore):
    # --- tags ------------------------------------------------------------------------------------
    async def create_tag(self, new: NewTag) -> Tag:
        async with self._tx() as con:
            tag_id = await con.fetchval(
                "INSERT INTO tags (name, description) VALUES ($1, $2) "
                "ON CONFLICT (name) DO NOTHING RETURNING id",
                new.name,
                new.description,
            )
            if tag_id is None:
                raise ConflictError(f"Tag '{new.name}' already exists")
            return Tag(tag_id, new.name, new.description)

    async def get_tag(self, tag_id: int) -> Tag:
        async with self._connection() as con:
            return await self._tag(con, tag_id)

    @staticmethod
    async def _tag(con: asyncpg.Connection, tag_id: int) -> Tag:
        row = None
        if is_storable_id(tag_id):
            row = await con.fetchrow("SELECT id, name, description FROM tags WHERE id = $1", tag_id)
        if row is None:
            raise NotFoundError(f"Tag {tag_id} not found")
        return Tag(row[0], row[1], row[2])

    async def list_tags(self, *, search: str | None = None, page: int = 1, page_size: int = 100) -> Page[Tag]:
        offset = min(check_page(page, page_size), MAX_OFFSET)
        where, args = "", []
        if search:
            low, high = prefix_bounds(search)
            where = ' WHERE lower(name) COLLATE "C" >= $1 AND lower(name) COLLATE "C" < $2'
            args = [low, high or low + "\U0010ffff"]
        async with self._connection() as con:
            total = await con.fetchval("SELECT count(*) FROM tags" + where, *args)
            found = await con.fetch(
                f'SELECT id, name, description FROM tags{where} ORDER BY name COLLATE "C", id'
                f" LIMIT {page_size} OFFSET {offset}",
                *args,
            )
        return Page(tuple(Tag(r[0], r[1], r[2]) for r in found), total, page, page_size)

    async def update_tag(self, tag_id: int, patch: TagPatch) -> Tag:
        async with self._tx() as con:
            tag = await self._tag(con, tag_id)
            name = tag.name if isinstance(patch.name, Unset) else patch.name
            description = tag.description if isinstance(patch.description, Unset) else patch.description
            if name != tag.name and await con.fetchval("SELECT 1 FROM tags WHERE name = $1", name):
                raise ConflictError(f"Tag '{name}' already exists")
            await con.execute(
                "UPDATE tags SET name = $2, description = $3 WHERE id = $1", tag_id, name, description
            )
            return Tag(tag_id, name, description)

    async def delete_tag(self, tag_id: int) -> None:
        async with self._tx() as con:
            deleted = is_storable_id(tag_id) and await con.fetchval(
                "DELETE FROM tags WHERE id = $1 RETURNING id", tag_id
            )
            if not deleted:
                raise NotFoundError(f"Tag {tag_id} not found")

    # --- relations -------------------------------------------------------------------------------
    async def _check_words(self, con: asyncpg.Connection, ids: Sequence[int]) -> None:
        unique = list(dict.fromkeys(ids))
        for word_id in unique:
            if not is_storable_id(word_id):
                raise NotFoundError(f"Word {word_id} not found")
        found = {r[0] for r in await con.fetch("SELECT id FROM words WHERE id = ANY($1::int[])", unique)}
        for word_id in unique:
            if word_id not in found:
                raise NotFoundError(f"Word {word_id} not found")

    async def add_relation(self, relation: Relation) -> Relation:
        async with self._tx() as con:
            await self._check_words(con, [relation.word_id_1, relation.word_id_2])
            added = await con.fetchval(
                "INSERT INTO word_relations (word_id_1, word_id_2, relation_type) VALUES ($1, $2, $3) "
                "ON CONFLICT DO NOTHING RETURNING 1",
                relation.word_id_1,
                relation.word_id_2,
                relation.relation_type.value,
            )
            if not added:
                raise ConflictError("Word relation already exists")
            return relation

    async def add_relations(self, relations: Sequence[Relation]) -> int:
        # One statement from three arrays, in key order (B-tree appends stay on the rightmost leaf);
        # ON CONFLICT skips existing triples, also against a concurrent add. A missing word fails the
        # foreign key (one indexed probe per row, which the insert does anyway): `NotFoundError`.
        unique = list({(r.word_id_1, r.word_id_2, _RELATION_TYPES[r.relation_type]) for r in relations})
        if not unique:
            return 0
        for word_id_1, word_id_2, _ in unique:
            if not (is_storable_id(word_id_1) and is_storable_id(word_id_2)):
                raise NotFoundError(f"Word {max(word_id_1, word_id_2)} not found")
        first, second, kinds = (list(column) for column in zip(*unique, strict=True))
        async with self._tx() as con:
            status: str = await con.execute(_ADD_NEW_RELATIONS, first, second, kinds)
        return int(status.rsplit(" ", 1)[-1])

    async def list_relations(
        self,
        *,
        word_id: int | None = None,
        relation_type: RelationType | None = None,
        page: int = 1,
        page_size: int = 100,
    ) -> Page[Relation]:
        offset = min(check_page(page, page_size), MAX_OFFSET)
        if word_id is not None and not is_storable_id(word_id):
            return Page((), 0, page, page_size)
        conditions: list[str] = []
        args: list[Any] = []
        if word_id is not None:
            args.append(word_id)
            conditions.append(f"(word_id_1 = ${len(args)} OR word_id_2 = ${len(args)})")
        if relation_type is not None:
            args.append(RelationType(relation_type).value)
            conditions.append(f"relation_type = ${len(args)}")
        where = (" WHERE " + " AND ".join(conditions)) if conditions else ""
        async with self._connection() as con:
            total = await con.fetchval("SELECT count(*) FROM word_relations" + where, *args)
            found = await con.fetch(
                f"SELECT word_id_1, word_id_2, relation_type FROM word_relations{where}"
                ' ORDER BY word_id_1, word_id_2, relation_type COLLATE "C"'
                f" LIMIT {page_size} OFFSET {offset}",
                *args,
            )
        return Page(tuple(Relation(r[0], r[1], RelationType(r[2])) for r in found), total, page, page_size)

    async def delete_relation(self, relation: Relation) -> None:
        async with self._tx() as con:
            deleted = (
                is_storable_id(relation.word_id_1)
                and is_storable_id(relation.word_id_2)
                and await con.fetchval(
                    "DELETE FROM word_relations"
                    " WHERE word_id_1 = $1 AND word_id_2 = $2 AND relation_type = $3 RETURNING 1",
                    relation.word_id_1,
                    relation.word_id_2,
                    relation.relation_type.value,
                )
            )
            if not deleted:
                raise NotFoundError("Word relation not found")

    # --- word forms ------------------------------------------------------------------------------
    async def add_word_form(self, word_id: int, new: NewWordForm) -> WordForm:
        async with self._tx() as con:
            await self._lock_word(con, word_id)
            form_id = await con.fetchval(
                "INSERT INTO word_forms (word_id, form_text, form_type) VALUES ($1, $2, $3) "
                "ON CONFLICT (word_id, form_text) DO NOTHING RETURNING id",
                word_id,
                new.form_text,
                new.form_type,
            )
            if form_id is None:
                raise ConflictError(f"Word form '{new.form_text}' already exists for word {word_id}")
            await con.execute(TOUCH, word_id)
            return WordForm(form_id, word_id, new.form_text, new.form_type)

    async def delete_word_form(self, form_id: int) -> None:
        async with self._tx() as con:
            word_id = is_storable_id(form_id) and await con.fetchval(
                "DELETE FROM word_forms WHERE id = $1 RETURNING word_id", form_id
            )
            if not word_id:
                raise NotFoundError(f"Word form {form_id} not found")
            await con.execute(TOUCH, word_id)

    async def counts(self) -> VocabularyCounts:
        async with self._connection() as con:
            row = await con.fetchrow(
                "SELECT (SELECT count(*) FROM words), (SELECT count(*) FROM definitions),"
                " (SELECT count(*) FROM examples), (SELECT count(*) FROM tags),"
                " (SELECT count(*) FROM word_relations), (SELECT count(*) FROM word_forms)"
            )
        return VocabularyCounts(*row)

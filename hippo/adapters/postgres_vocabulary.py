"""`VocabularyRepository` on PostgreSQL through an asyncpg pool (schema: `postgres_schema`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import asyncpg

from hippo.adapters import postgres_vocabulary_rows as rows
from hippo.adapters.postgres_vocabulary_base import MAX_OFFSET, TOUCH
from hippo.adapters.postgres_vocabulary_bulk import insert_words
from hippo.adapters.postgres_vocabulary_definitions import PostgresDefinitions
from hippo.adapters.postgres_vocabulary_search import WordSearch
from hippo.adapters.postgres_vocabulary_tags import PostgresTagsRelationsForms
from hippo.domain.errors import ConflictError, InvalidArgumentError, NotFoundError
from hippo.domain.vocabulary import (
    BULK_CREATE_LIMIT,
    Page,
    Word,
    WordDetails,
    check_page,
    is_storable_id,
)
from hippo.domain.vocabulary_changes import (
    DefinitionEdit,
    NewDefinition,
    NewWord,
    Unset,
    WordPatch,
)

_THROUGH_FORM = """
WHERE w.id = (SELECT f.word_id FROM word_forms f JOIN words o ON o.id = f.word_id
  WHERE lower(f.form_text) COLLATE "C" = lower($2::varchar) COLLATE "C" AND f.form_text = $2
    AND o.language_code = $1
  ORDER BY f.word_id LIMIT 1)
"""


_KEY = rows.WORD_KEY.format(lang="$1", text="$2::varchar")


class PostgresVocabularyRepository(PostgresDefinitions, PostgresTagsRelationsForms):
    """The dictionary in PostgreSQL; every method runs in one transaction (see `PostgresStore`)."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        super().__init__(pool)
        self._search = WordSearch()

    # --- words -------------------------------------------------------------------------------
    async def create_word(self, new: NewWord) -> WordDetails:
        async with self._tx() as con:
            if await con.fetchval("SELECT 1 FROM words w WHERE " + _KEY, *new.key):
                raise ConflictError(
                    f"Word '{new.word_text}' already exists for language '{new.language_code}'"
                )
            (created,) = await insert_words(con, [new])
            return created

    async def create_words(self, new: Sequence[NewWord]) -> list[WordDetails]:
        if not new:
            raise InvalidArgumentError("No words provided")
        if len(new) > BULK_CREATE_LIMIT:
            raise InvalidArgumentError(f"At most {BULK_CREATE_LIMIT} words per request, got {len(new)}")
        keys = [w.key for w in new]
        if len(set(keys)) < len(keys):
            repeated = sorted(k for k, n in Counter(keys).items() if n > 1)
            listed = ", ".join(f"{text} ({lang})" for lang, text in repeated)
            raise ConflictError(f"Duplicate words found in request: {listed}")
        try:
            async with self._tx() as con:
                return await insert_words(con, new)
        except ConflictError:
            # Optimistic: no existence check on the way in. The only unique key a new batch can hit is
            # (language, text), so name the pairs that exist (or were created meanwhile).
            async with self._connection() as con:
                existing = await self._existing(con, keys)
            if not existing:
                raise
            listed = ", ".join(f"{text} ({lang})" for lang, text in keys if (lang, text) in existing)
            raise ConflictError(f"Words already exist: {listed}") from None

    async def import_words(self, new: Sequence[NewWord]) -> int:
        first: dict[tuple[str, str], NewWord] = {}
        for word in new:
            first.setdefault(word.key, word)
        unique = list(first.values())
        if not unique:
            return 0
        async with self._tx() as con:
            await con.execute("LOCK TABLE words IN SHARE ROW EXCLUSIVE MODE")
            existing = await self._existing(con, [w.key for w in unique])
            missing = [w for w in unique if w.key not in existing]
            if missing:
                await insert_words(con, missing, build=False)
            return len(missing)

    @staticmethod
    async def _existing(con: asyncpg.Connection, keys: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        found = await con.fetch(
            "SELECT w.language_code, w.word_text FROM words w "
            "JOIN unnest($1::text[], $2::text[]) AS k(l, t) ON "
            + rows.WORD_KEY.format(lang="k.l", text="k.t"),
            [k[0] for k in keys],
            [k[1] for k in keys],
        )
        return {(r[0], r[1]) for r in found}

    async def get_word(self, word_id: int) -> WordDetails:
        async with self._connection() as con:
            return await self._details(con, word_id)

    async def find_word(self, language_code: str, text: str, *, through_forms: bool = False) -> WordDetails:
        language = language_code.lower()
        async with self._connection() as con:
            row = await con.fetchrow(rows.DETAILS + " WHERE " + _KEY, language, text)
            if row is None and through_forms:
                row = await con.fetchrow(rows.DETAILS + _THROUGH_FORM, language, text)
        if row is None:
            raise NotFoundError(f"Word '{text}' not found for language '{language_code}'")
        return rows.details_from(row)

    async def word_ids(self, language_code: str, texts: Sequence[str]) -> dict[str, int]:
        async with self._connection() as con:
            found = await con.fetch(
                "SELECT w.word_text, w.id FROM words w JOIN unnest($2::text[]) AS k(t) ON "
                + rows.WORD_KEY.format(lang="$1", text="k.t"),
                language_code.lower(),
                list(texts),
            )
        return {r[0]: r[1] for r in found}

    async def list_words(
        self, *, search: str | None = None, language: str | None = None, page: int = 1, page_size: int = 100
    ) -> Page[Word]:
        offset = check_page(page, page_size)
        async with self._connection() as con:
            items, total = await self._search.run(
                con,
                search or None,
                language.lower() if language else None,
                min(offset, MAX_OFFSET),
                page_size,
            )
        return Page(tuple(items), total, page, page_size)

    async def list_word_details(
        self, *, search: str | None = None, language: str | None = None, page: int = 1, page_size: int = 100
    ) -> Page[WordDetails]:
        found = await self.list_words(search=search, language=language, page=page, page_size=page_size)
        async with self._connection() as con:
            fetched = await con.fetch(
                rows.DETAILS + " WHERE w.id = ANY($1::int[])", [w.id for w in found.items]
            )
        by_id = {r["id"]: rows.details_from(r) for r in fetched}
        items = tuple(by_id[w.id] for w in found.items if w.id in by_id)
        return Page(items, found.total, page, page_size)

    async def update_word(self, word_id: int, patch: WordPatch) -> WordDetails:
        async with self._tx() as con:
            word = await self._lock_word(con, word_id)
            text = word.word_text if isinstance(patch.word_text, Unset) else patch.word_text
            language = word.language_code if isinstance(patch.language_code, Unset) else patch.language_code
            renamed = (text, language) != (word.word_text, word.language_code)
            if renamed:
                if await con.fetchval(
                    "SELECT 1 FROM words w WHERE " + _KEY + " AND w.id <> $3",
                    language,
                    text,
                    word_id,
                ):
                    raise ConflictError(f"Word '{text}' already exists for language '{language}'")
                await con.execute(
                    "UPDATE words SET word_text = $2, language_code = $3 WHERE id = $1",
                    word_id,
                    text,
                    language,
                )
            if not isinstance(patch.definitions, Unset):
                for item in patch.definitions:
                    await self._apply_definition_item(con, word_id, item)
            if not isinstance(patch.tags, Unset):
                tags = await rows.upsert_tags(con, patch.tags)
                await self._replace_tags(con, word_id, [t.id for t in tags.values()])
            if not isinstance(patch.tag_ids, Unset):
                await self._replace_tags(con, word_id, await self._existing_tag_ids(con, patch.tag_ids))
            if not isinstance(patch.word_forms, Unset):
                await con.execute("DELETE FROM word_forms WHERE word_id = $1", word_id)
                await rows.insert_forms(con, word_id, patch.word_forms)
            if renamed or patch.touches_children:
                await con.execute(TOUCH, word_id)
            return await self._details(con, word_id)

    async def _apply_definition_item(
        self, con: asyncpg.Connection, word_id: int, item: NewDefinition | DefinitionEdit
    ) -> None:
        if isinstance(item, DefinitionEdit):
            row = None
            if is_storable_id(item.definition_id):
                row = await con.fetchrow(
                    rows.DEFINITION + " AND d.word_id = $2 FOR UPDATE OF d", item.definition_id, word_id
                )
            if row is None:
                raise NotFoundError(f"Definition {item.definition_id} not found for word {word_id}")
            await self._patch_definition(con, rows.definition_from(row), item.patch)
        else:
            await self._insert_definition(con, word_id, item)

    @staticmethod
    async def _existing_tag_ids(con: asyncpg.Connection, tag_ids: Sequence[int]) -> list[int]:
        for tag_id in tag_ids:
            if not is_storable_id(tag_id):
                raise NotFoundError(f"Tag {tag_id} not found")
        found = {
            r[0] for r in await con.fetch("SELECT id FROM tags WHERE id = ANY($1::int[])", list(tag_ids))
        }
        missing = [t for t in tag_ids if t not in found]
        if missing:
            raise NotFoundError(f"Tag {missing[0]} not found")
        return list(tag_ids)

    @staticmethod
    async def _replace_tags(con: asyncpg.Connection, word_id: int, tag_ids: Sequence[int]) -> None:
        await con.execute("DELETE FROM word_tags WHERE word_id = $1", word_id)
        await con.execute(
            "INSERT INTO word_tags (word_id, tag_id) SELECT $1, unnest($2::int[])", word_id, list(tag_ids)
        )

    async def delete_word(self, word_id: int) -> None:
        async with self._tx() as con:
            deleted = is_storable_id(word_id) and await con.fetchval(
                "DELETE FROM words WHERE id = $1 RETURNING id", word_id
            )
            if not deleted:
                raise NotFoundError(f"Word {word_id} not found")

"""SQL shared by the PostgreSQL vocabulary repository: reading whole words and set-based inserts.

A whole word (definitions with examples, tags, forms) is read in one query with JSON aggregates.
New words with their nested rows are written by `postgres_vocabulary_bulk`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import asyncpg

from hippo.domain.vocabulary import Definition, Example, PartOfSpeech, Tag, Word, WordDetails, WordForm
from hippo.domain.vocabulary_changes import NewExample, NewWordForm

WORD_COLUMNS = "w.id, w.word_text, w.language_code, w.created_at, w.updated_at"

EPOCHS = (
    "date_part('epoch', {alias}.created_at) AS created_at,"
    " date_part('epoch', {alias}.updated_at) AS updated_at"
)
"""A word's timestamps as float8 seconds since 1970 (format with the table alias); see `instant`.

asyncpg decodes a `timestamptz` in about 1.7 us (a timedelta added to an aware datetime), a float8
in a fraction of that, and the timestamps of many rows repeat (a bulk create gives every word the
same one), so converting each distinct value once is much cheaper.
"""

WORD_KEY = (
    'w.language_code = {lang} AND lower(w.word_text) COLLATE "C" = lower({text}) COLLATE "C"'
    " AND w.word_text = {text}"
)
"""The word (language, text) as `uq_words_language_sort` answers it (format with SQL for both)."""

DETAILS = f"""
SELECT w.id, w.word_text, w.language_code, {EPOCHS.format(alias="w")},
  (SELECT coalesce(json_agg(json_build_array(d.id, d.definition_text, d.part_of_speech, d."order",
      (SELECT coalesce(json_agg(json_build_array(e.id, e.example_text, e.source) ORDER BY e.id), '[]')
       FROM examples e WHERE e.definition_id = d.id)) ORDER BY d."order"), '[]')
   FROM definitions d WHERE d.word_id = w.id) AS definitions,
  (SELECT coalesce(json_agg(json_build_array(t.id, t.name, t.description) ORDER BY t.name COLLATE "C", t.id),
      '[]')
   FROM word_tags wt JOIN tags t ON t.id = wt.tag_id WHERE wt.word_id = w.id) AS tags,
  (SELECT coalesce(json_agg(json_build_array(f.id, f.form_text, f.form_type) ORDER BY f.id), '[]')
   FROM word_forms f WHERE f.word_id = w.id) AS forms
FROM words w
"""

DEFINITION = """
SELECT d.id, d.word_id, d.definition_text, d.part_of_speech, d."order",
  (SELECT coalesce(json_agg(json_build_array(e.id, e.example_text, e.source) ORDER BY e.id), '[]')
   FROM examples e WHERE e.definition_id = d.id) AS examples
FROM definitions d WHERE d.id = $1
"""

_UPSERT_TAGS = """
WITH new AS (
  INSERT INTO tags (name) SELECT unnest($1::text[]) ON CONFLICT (name) DO NOTHING
  RETURNING id, name, description
)
SELECT id, name, description FROM new
UNION ALL SELECT id, name, description FROM tags WHERE name = ANY($1::text[])
"""


def instant(epoch: float) -> datetime:
    """The UTC datetime of `epoch` seconds (from `EPOCHS`), exact to the microsecond.

    PostgreSQL computes the epoch as (microseconds since 1970) / 1e6, correctly rounded; a float8 near
    1.8e9 is spaced 0.24 us apart (below 1 us up to the year 2242), and `fromtimestamp` rounds to the
    nearest microsecond, so the stored microsecond comes back unchanged.
    """
    return datetime.fromtimestamp(epoch, UTC)


class Instants(dict[float, datetime]):
    """`instant` with memory: ``instants[epoch]`` converts each distinct epoch once."""

    def __missing__(self, epoch: float) -> datetime:
        value = self[epoch] = instant(epoch)
        return value


def word_from(row: asyncpg.Record) -> Word:
    return Word(row["id"], row["word_text"], row["language_code"], row["created_at"], row["updated_at"])


def examples_from(raw: list[list[Any]], definition_id: int) -> tuple[Example, ...]:
    return tuple(Example(e[0], definition_id, e[1], e[2]) for e in raw)


def details_from(row: asyncpg.Record) -> WordDetails:
    """A `DETAILS` row as the domain object (timestamps from epochs, see `EPOCHS`)."""
    word_id = row[0]
    definitions = tuple(
        Definition(d[0], word_id, d[1], _PART_OF_SPEECH[d[2]], d[3], examples_from(d[4], d[0]))
        for d in json.loads(row[5])
    )
    tags = tuple(Tag(*t) for t in json.loads(row[6])) if row[6] != "[]" else ()
    forms = tuple(WordForm(f[0], word_id, f[1], f[2]) for f in json.loads(row[7])) if row[7] != "[]" else ()
    created = instant(row[3])
    updated = created if row[4] == row[3] else instant(row[4])
    return WordDetails(Word(word_id, row[1], row[2], created, updated), definitions, tags, forms)


_PART_OF_SPEECH = {p.value: p for p in PartOfSpeech}


def definition_from(row: asyncpg.Record) -> Definition:
    examples = examples_from(json.loads(row["examples"]), row["id"])
    return Definition(
        row["id"],
        row["word_id"],
        row["definition_text"],
        PartOfSpeech(row["part_of_speech"]),
        row["order"],
        examples,
    )


async def upsert_tags(con: asyncpg.Connection, names: Sequence[str]) -> dict[str, Tag]:
    """Tags by name, creating the missing ones (without description)."""
    if not names:
        return {}
    rows = await con.fetch(_UPSERT_TAGS, list(names))
    if len(rows) < len(names):  # created by a concurrent transaction after this statement began
        rows = await con.fetch(
            "SELECT id, name, description FROM tags WHERE name = ANY($1::text[])", list(names)
        )
    return {r["name"]: Tag(r["id"], r["name"], r["description"]) for r in rows}


async def insert_examples(con: asyncpg.Connection, definition_id: int, new: Sequence[NewExample]) -> None:
    if new:
        await con.execute(
            "INSERT INTO examples (definition_id, example_text, source) "
            "SELECT $1, * FROM unnest($2::text[], $3::text[])",
            definition_id,
            [e.example_text for e in new],
            [e.source for e in new],
        )


async def insert_forms(con: asyncpg.Connection, word_id: int, new: Sequence[NewWordForm]) -> None:
    if new:
        await con.execute(
            "INSERT INTO word_forms (word_id, form_text, form_type) "
            "SELECT $1, * FROM unnest($2::text[], $3::text[])",
            word_id,
            [f.form_text for f in new],
            [f.form_type for f in new],
        )

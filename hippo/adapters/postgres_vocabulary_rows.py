"""SQL shared by the PostgreSQL vocabulary repository: reading whole words and set-based inserts.

A whole word (definitions with examples, tags, forms) is read in one query with JSON aggregates.
New words are written set-based: ids are taken from the identity sequences in one round trip, then
words, definitions, examples, tag links and forms go in with one binary COPY per table. The returned
objects are built from the inputs, the ids and the transaction time, which is exactly what was stored.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg

from hippo.domain.vocabulary import Definition, Example, PartOfSpeech, Tag, Word, WordDetails, WordForm
from hippo.domain.vocabulary_changes import NewExample, NewWord, NewWordForm, assign_orders

WORD_COLUMNS = "w.id, w.word_text, w.language_code, w.created_at, w.updated_at"

DETAILS = f"""
SELECT {WORD_COLUMNS},
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

_ALLOCATE = """
SELECT now() AS now,
  ARRAY(SELECT nextval('words_id_seq') FROM generate_series(1, $1)) AS words,
  ARRAY(SELECT nextval('definitions_id_seq') FROM generate_series(1, $2)) AS definitions,
  ARRAY(SELECT nextval('examples_id_seq') FROM generate_series(1, $3)) AS examples,
  ARRAY(SELECT nextval('word_forms_id_seq') FROM generate_series(1, $4)) AS forms
"""

_COPY_COLUMNS = {
    "words": ("id", "word_text", "language_code"),  # created_at = updated_at = now(), the transaction time
    "definitions": ("id", "word_id", "definition_text", "part_of_speech", "order"),
    "examples": ("id", "definition_id", "example_text", "source"),
    "word_tags": ("word_id", "tag_id"),
    "word_forms": ("id", "word_id", "form_text", "form_type"),
}
"""Binary COPY per table: measured ~30 % less server time and 4x less client time than `unnest` inserts."""

_UPSERT_TAGS = """
WITH new AS (
  INSERT INTO tags (name) SELECT unnest($1::text[]) ON CONFLICT (name) DO NOTHING
  RETURNING id, name, description
)
SELECT id, name, description FROM new
UNION ALL SELECT id, name, description FROM tags WHERE name = ANY($1::text[])
"""


def word_from(row: asyncpg.Record) -> Word:
    return Word(row["id"], row["word_text"], row["language_code"], row["created_at"], row["updated_at"])


def examples_from(raw: list[list[Any]], definition_id: int) -> tuple[Example, ...]:
    return tuple(Example(e[0], definition_id, e[1], e[2]) for e in raw)


def details_from(row: asyncpg.Record) -> WordDetails:
    word_id = row["id"]
    definitions = tuple(
        Definition(d[0], word_id, d[1], PartOfSpeech(d[2]), d[3], examples_from(d[4], d[0]))
        for d in json.loads(row["definitions"])
    )
    tags = tuple(Tag(*t) for t in json.loads(row["tags"]))
    forms = tuple(WordForm(f[0], word_id, f[1], f[2]) for f in json.loads(row["forms"]))
    return WordDetails(word_from(row), definitions, tags, forms)


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


async def insert_words(
    con: asyncpg.Connection, new: Sequence[NewWord], *, build: bool = True
) -> list[WordDetails]:
    """Insert `new` (known not to exist) set-based; return them as stored, in input order (if `build`)."""
    n_definitions = sum(len(w.definitions) for w in new)
    n_examples = sum(len(d.examples) for w in new for d in w.definitions)
    n_forms = sum(len(w.word_forms) for w in new)
    ids = await con.fetchrow(_ALLOCATE, len(new), n_definitions, n_examples, n_forms)
    now: datetime = ids["now"]
    word_ids, definition_ids = iter(sorted(ids["words"])), iter(sorted(ids["definitions"]))
    example_ids, form_ids = iter(sorted(ids["examples"])), iter(sorted(ids["forms"]))
    tags = await upsert_tags(con, list(dict.fromkeys(name for w in new for name in w.tags)))
    records: dict[str, list[tuple[Any, ...]]] = {table: [] for table in _COPY_COLUMNS}
    words, definitions_, examples_ = records["words"], records["definitions"], records["examples"]
    result: list[WordDetails] = []
    for item in new:
        word_id = next(word_ids)
        words.append((word_id, item.word_text, item.language_code))
        definitions = []
        requested = [nd.order for nd in item.definitions]
        orders = (
            assign_orders([], requested) if any(o is not None for o in requested) else range(len(requested))
        )
        for nd, order in zip(item.definitions, orders, strict=True):
            definition_id = next(definition_ids)
            definitions_.append((definition_id, word_id, nd.definition_text, nd.part_of_speech.value, order))
            examples = []
            for ne in nd.examples:
                example_id = next(example_ids)
                examples_.append((example_id, definition_id, ne.example_text, ne.source))
                if build:
                    examples.append(Example(example_id, definition_id, ne.example_text, ne.source))
            if build:
                definitions.append(
                    Definition(
                        definition_id, word_id, nd.definition_text, nd.part_of_speech, order, tuple(examples)
                    )
                )
        word_tags = [tags[name] for name in item.tags]
        records["word_tags"].extend((word_id, tag.id) for tag in word_tags)
        forms = []
        for nf in item.word_forms:
            form_id = next(form_ids)
            records["word_forms"].append((form_id, word_id, nf.form_text, nf.form_type))
            if build:
                forms.append(WordForm(form_id, word_id, nf.form_text, nf.form_type))
        if build:
            definitions.sort(key=_order)
            word_tags.sort(key=_name)
            word = Word(word_id, item.word_text, item.language_code, now, now)
            result.append(WordDetails(word, tuple(definitions), tuple(word_tags), tuple(forms)))
    for table, rows in records.items():
        if rows:
            await con.copy_records_to_table(table, records=rows, columns=_COPY_COLUMNS[table])
    return result


def _order(definition: Definition) -> int:
    return definition.order


def _name(tag: Tag) -> tuple[str, int]:
    return (tag.name, tag.id)

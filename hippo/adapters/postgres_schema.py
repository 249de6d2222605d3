"""The dictionary schema as SQLAlchemy Core tables: what alembic compares and autogenerates from.

Nothing here runs at request time (the repository speaks SQL through asyncpg); the tables are the
single description of the schema, and `alembic check` proves the migrations produce exactly it.

Search indexes: word lists are ordered by ``lower(word_text) COLLATE "C", word_text COLLATE "C"``
(code-point order, independent of the server's locale), and a prefix search is a range condition on
that first key. Both are read in index order from `uq_words_language_sort` (language given) and
`ix_words_sort` (all languages), so a page of a prefix search never sorts all matches. Alembic cannot
see the collations of index elements; `postgres_schema_compare` compares these indexes for it.

`uq_words_language_sort` is also the uniqueness of (language_code, word_text): `lower(word_text)` is
a function of `word_text`, and equality is byte equality in "C" (and in any deterministic collation),
so a unique (language, lower, text) triple is exactly a unique (language, text) pair. One index
instead of a separate unique constraint and a sort index: every new word costs one index insert
fewer (each secondary index on `words` cost about 4 us per inserted word, measured). Lookups by
(language, text) therefore say ``lower(w.word_text) COLLATE "C" = lower($2) COLLATE "C"`` (see
`postgres_vocabulary_rows.WORD_KEY`), which this index answers.
"""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    UniqueConstraint,
    func,
    text,
)

from hippo.domain.vocabulary import PartOfSpeech, RelationType

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _in(column: str, values: list[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _cascade(target: str) -> ForeignKey:
    return ForeignKey(target, ondelete="CASCADE")


words = Table(
    "words",
    metadata,
    Column("id", Integer, Identity(), primary_key=True),
    Column("word_text", String(255), nullable=False),
    Column("language_code", String(10), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("btrim(word_text) <> ''", name="word_text_not_blank"),
    CheckConstraint(
        "char_length(language_code) >= 2 AND language_code = lower(language_code)", name="language_code_lower"
    ),
)
Index(
    "uq_words_language_sort",
    words.c.language_code,
    func.lower(words.c.word_text).collate("C"),
    words.c.word_text.collate("C"),
    unique=True,
)
Index(
    "ix_words_sort",
    func.lower(words.c.word_text).collate("C"),
    words.c.word_text.collate("C"),
    words.c.language_code.collate("C"),
    words.c.id,
)

definitions = Table(
    "definitions",
    metadata,
    Column("id", Integer, Identity(), primary_key=True),
    Column("word_id", Integer, _cascade("words.id"), nullable=False),
    Column("definition_text", String(10_000), nullable=False),
    Column("part_of_speech", String(20), nullable=False),
    Column("order", Integer, nullable=False, server_default=text("0")),
    UniqueConstraint("word_id", "order"),
    CheckConstraint(_in("part_of_speech", [p.value for p in PartOfSpeech]), name="part_of_speech"),
    CheckConstraint('"order" >= 0', name="order_not_negative"),
)

examples = Table(
    "examples",
    metadata,
    Column("id", Integer, Identity(), primary_key=True),
    Column("definition_id", Integer, _cascade("definitions.id"), nullable=False, index=True),
    Column("example_text", String(5_000), nullable=False),
    Column("source", String(255), nullable=True),
)

tags = Table(
    "tags",
    metadata,
    Column("id", Integer, Identity(), primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("description", String(1_000), nullable=True),
    CheckConstraint("btrim(name) <> ''", name="name_not_blank"),
)

word_tags = Table(
    "word_tags",
    metadata,
    Column("word_id", Integer, _cascade("words.id"), nullable=False),
    Column("tag_id", Integer, _cascade("tags.id"), nullable=False, index=True),
    PrimaryKeyConstraint("word_id", "tag_id"),
)

word_relations = Table(
    "word_relations",
    metadata,
    Column("word_id_1", Integer, _cascade("words.id"), nullable=False),
    Column("word_id_2", Integer, _cascade("words.id"), nullable=False, index=True),
    Column("relation_type", String(20), nullable=False),
    PrimaryKeyConstraint("word_id_1", "word_id_2", "relation_type"),
    CheckConstraint("word_id_1 <> word_id_2", name="not_self"),
    CheckConstraint(_in("relation_type", [r.value for r in RelationType]), name="relation_type"),
)

word_forms = Table(
    "word_forms",
    metadata,
    Column("id", Integer, Identity(), primary_key=True),
    Column("word_id", Integer, _cascade("words.id"), nullable=False),
    Column("form_text", String(255), nullable=False),
    Column("form_type", String(50), nullable=True),
    UniqueConstraint("word_id", "form_text"),
)
Index("ix_word_forms_sort", func.lower(word_forms.c.form_text).collate("C"), word_forms.c.word_id)

TABLES = ("words", "definitions", "examples", "tags", "word_tags", "word_relations", "word_forms")
"""Every table of the dictionary (for TRUNCATE and counts)."""

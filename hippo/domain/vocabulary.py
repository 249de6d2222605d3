"""The dictionary's stored entities: words, definitions, examples, tags, relations and word forms.

These frozen dataclasses are what a `VocabularyRepository` returns. Inputs (what a caller asks to
create or change) live in `hippo.domain.vocabulary_changes`, where the text rules are enforced.

Identity and uniqueness (API_CONTRACT.md §5):

- a word is unique by (`language_code`, `word_text`), exact and case-sensitive; language codes are
  stored lower-cased;
- a definition's `order` is unique per word; a word form's `form_text` is unique per word;
- a tag `name` is unique, exact and case-sensitive;
- a relation is identified by the ordered triple (`word_id_1`, `word_id_2`, `relation_type`) and is
  directional; a word never relates to itself.

Ids are PostgreSQL `integer`s: an id outside ``1 <= id <= MAX_ID`` is simply not found.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Generic, TypeVar

from hippo.domain.errors import InvalidArgumentError

MAX_ID = 2**31 - 1
"""Largest storable id (PostgreSQL `integer`); larger ids are never found."""

MAX_PAGE_SIZE = 1000
"""Largest page a list call returns."""

BULK_CREATE_LIMIT = 10_000
"""Most words one bulk create accepts (all or nothing, one transaction)."""


class PartOfSpeech(StrEnum):
    """Part of speech of a definition; the lower-case value is the wire and storage form."""

    NOUN = "noun"
    VERB = "verb"
    ADJECTIVE = "adjective"
    ADVERB = "adverb"
    PRONOUN = "pronoun"
    PREPOSITION = "preposition"
    CONJUNCTION = "conjunction"
    INTERJECTION = "interjection"
    DETERMINER = "determiner"
    AUXILIARY = "auxiliary"
    PHRASE = "phrase"
    OTHER = "other"


class RelationType(StrEnum):
    """Kind of a directional relation from `word_id_1` to `word_id_2`."""

    SYNONYM = "synonym"
    ANTONYM = "antonym"
    HYPERNYM = "hypernym"
    HYPONYM = "hyponym"
    MERONYM = "meronym"
    HOLONYM = "holonym"
    RELATED = "related"


def is_storable_id(value: int) -> bool:
    """Whether `value` can be a stored id (``1 <= value <= MAX_ID``)."""
    return 1 <= value <= MAX_ID


@dataclass(frozen=True, slots=True)
class Word:
    """A word in one language; timestamps are timezone-aware UTC."""

    id: int
    word_text: str
    language_code: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Example:
    """A usage example of one definition; `source` is free text (a book, a corpus) or None."""

    id: int
    definition_id: int
    example_text: str
    source: str | None


@dataclass(frozen=True, slots=True)
class Definition:
    """One sense of a word; `examples` are sorted by id."""

    id: int
    word_id: int
    definition_text: str
    part_of_speech: PartOfSpeech
    order: int
    examples: tuple[Example, ...] = ()


@dataclass(frozen=True, slots=True)
class Tag:
    """A label that can be attached to many words."""

    id: int
    name: str
    description: str | None


@dataclass(frozen=True, slots=True)
class WordForm:
    """An inflected or variant form of a word (e.g. "went" for "go"); `form_type` is free text."""

    id: int
    word_id: int
    form_text: str
    form_type: str | None


@dataclass(frozen=True, slots=True)
class WordDetails:
    """A word with everything attached to it.

    Lists are deterministic: definitions by `order`, examples by id, tags by name, forms by id.
    """

    word: Word
    definitions: tuple[Definition, ...] = ()
    tags: tuple[Tag, ...] = ()
    word_forms: tuple[WordForm, ...] = ()


@dataclass(frozen=True, slots=True)
class Relation:
    """A directional relation; the whole triple is its identity.

    Raises:
        InvalidArgumentError: when both ids are the same word, or an id is not positive.
    """

    word_id_1: int
    word_id_2: int
    relation_type: RelationType

    def __post_init__(self) -> None:
        if self.word_id_1 < 1 or self.word_id_2 < 1:
            raise InvalidArgumentError("word_id_1 and word_id_2 must be positive integers")
        if self.word_id_1 == self.word_id_2:
            raise InvalidArgumentError("a word cannot be related to itself (word_id_1 == word_id_2)")
        object.__setattr__(self, "relation_type", RelationType(self.relation_type))


@dataclass(frozen=True, slots=True)
class VocabularyCounts:
    """How many rows of each kind the dictionary holds."""

    words: int
    definitions: int
    examples: int
    tags: int
    relations: int
    word_forms: int


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list: ``items`` are rows ``(page-1)*page_size ...`` of ``total`` matches."""

    items: tuple[T, ...]
    total: int
    page: int
    page_size: int

    @property
    def total_pages(self) -> int:
        """``ceil(total / page_size)``; 0 when nothing matches."""
        return math.ceil(self.total / self.page_size) if self.total else 0

    @property
    def has_more(self) -> bool:
        """Whether a later page holds items."""
        return self.page < self.total_pages


def check_page(page: int, page_size: int) -> int:
    """Validate pagination and return the row offset ``(page - 1) * page_size``.

    Raises:
        InvalidArgumentError: when ``page < 1`` or ``page_size`` is outside ``1..MAX_PAGE_SIZE``.
    """
    if page < 1:
        raise InvalidArgumentError(f"page must be >= 1, got {page}")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InvalidArgumentError(f"page_size must be between 1 and {MAX_PAGE_SIZE}, got {page_size}")
    return (page - 1) * page_size


def prefix_bounds(prefix: str) -> tuple[str, str | None]:
    """Half-open code-point range ``[low, high)`` of the lower-cased strings starting with `prefix`.

    ``s.lower().startswith(p)`` iff ``low <= s.lower() < high`` in code-point (= UTF-8 byte, = SQL
    ``COLLATE "C"``) order, where ``low = p.lower()`` and ``high`` is `low` with its last character
    incremented. `high` is None when no upper bound exists (the prefix is all U+10FFFF).
    This is what makes a prefix search an index range scan instead of a `LIKE` match, and it treats
    `%` and `_` literally.
    """
    low = prefix.lower()
    stem = low
    while stem and ord(stem[-1]) == 0x10FFFF:
        stem = stem[:-1]
    if not stem:
        return low, None
    return low, stem[:-1] + chr(ord(stem[-1]) + 1)


def word_sort_key(word: Word) -> tuple[str, str, str, int]:
    """The order of word lists: lower-cased text by code point, then text, language and id."""
    return (word.word_text.lower(), word.word_text, word.language_code, word.id)

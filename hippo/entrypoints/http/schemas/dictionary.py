"""Wire schemas of `/v1/dictionary`: the earlier service's field names and shapes (API_CONTRACT.md §5-§7).

Request Structs forbid unknown fields (§9 D3) and are decoded strictly. Text limits here are the
contract's; the domain additionally strips surrounding whitespace and rejects blank values (§9 D11).
List lengths are capped (§9 S4). Patch Structs use `UNSET` for "not sent", so an omitted field stays
unchanged and an explicit null clears a nullable field (§9 D2).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

MAX_BULK = 1000
"""Most words one `POST /v1/dictionary/words` array may hold (all or nothing)."""
MAX_NESTED = 100
"""Most definitions, examples, tags or forms one request may nest in one parent."""

PartOfSpeechName = Literal[
    "noun",
    "verb",
    "adjective",
    "adverb",
    "pronoun",
    "preposition",
    "conjunction",
    "interjection",
    "determiner",
    "auxiliary",
    "phrase",
    "other",
]
RelationTypeName = Literal["synonym", "antonym", "hypernym", "hyponym", "meronym", "holonym", "related"]

WordText = Annotated[str, Meta(min_length=1, max_length=255)]
LanguageCode = Annotated[str, Meta(min_length=2, max_length=10, description="e.g. `en`; stored lower-cased")]
DefinitionText = Annotated[str, Meta(min_length=1, max_length=10_000)]
ExampleText = Annotated[str, Meta(min_length=1, max_length=5_000)]
Source = Annotated[str, Meta(min_length=1, max_length=255)]
TagName = Annotated[str, Meta(min_length=1, max_length=100)]
Description = Annotated[str, Meta(min_length=1, max_length=1_000)]
FormText = Annotated[str, Meta(min_length=1, max_length=255)]
FormType = Annotated[str, Meta(min_length=1, max_length=50)]
Order = Annotated[int, Meta(ge=0, le=2**31 - 1)]
Id = Annotated[int, Meta(ge=1, le=2**31 - 1)]


class _In(msgspec.Struct, forbid_unknown_fields=True):
    """Base of request bodies: unknown fields are an error, not silently ignored."""


# ------------------------------------------------------------------ requests
class ExampleCreate(_In):
    example_text: ExampleText
    source: Source | None = None


class DefinitionNested(_In):
    definition_text: DefinitionText
    part_of_speech: PartOfSpeechName
    order: Order | None = None
    """Omitted: after the word's last definition."""
    examples: Annotated[list[ExampleCreate], Meta(max_length=MAX_NESTED)] | UnsetType = UNSET
    """In `PATCH /words/{id}`, an item with `id` keeps its examples unless `examples` is sent."""
    id: Id | None = None
    """Only in `PATCH /words/{id}`: the word's definition to change (ignored on create)."""


class WordFormCreate(_In):
    form_text: FormText
    form_type: FormType | None = None


class WordCreate(_In):
    word_text: WordText
    language_code: LanguageCode
    definitions: Annotated[list[DefinitionNested], Meta(max_length=MAX_NESTED)] = msgspec.field(
        default_factory=list
    )
    tags: Annotated[list[TagName], Meta(max_length=MAX_NESTED)] = msgspec.field(default_factory=list)
    """Tag names: an existing tag is reused, a missing one is created."""
    word_forms: Annotated[list[WordFormCreate], Meta(max_length=MAX_NESTED)] = msgspec.field(
        default_factory=list
    )


WordCreateBody = WordCreate | Annotated[list[WordCreate], Meta(min_length=1, max_length=MAX_BULK)]


class WordUpdate(_In):
    word_text: WordText | UnsetType = UNSET
    language_code: LanguageCode | UnsetType = UNSET
    definitions: Annotated[list[DefinitionNested], Meta(max_length=MAX_NESTED)] | UnsetType = UNSET
    """Items with `id` change that definition (omitted fields stay); items without `id` are added."""
    tags: Annotated[list[TagName], Meta(max_length=MAX_NESTED)] | UnsetType = UNSET
    """Replaces the word's tags by name (`[]` removes them all)."""
    tag_ids: Annotated[list[Id], Meta(max_length=MAX_NESTED)] | UnsetType = UNSET
    """Replaces the word's tags by id; an unknown id is 404."""
    word_forms: Annotated[list[WordFormCreate], Meta(max_length=MAX_NESTED)] | UnsetType = UNSET
    """Replaces the word's forms."""


class DefinitionUpdate(_In):
    definition_text: DefinitionText | UnsetType = UNSET
    part_of_speech: PartOfSpeechName | UnsetType = UNSET
    order: Order | UnsetType = UNSET
    examples: Annotated[list[ExampleCreate], Meta(max_length=MAX_NESTED)] | UnsetType = UNSET
    """When sent, replaces all of the definition's examples."""


class ExampleUpdate(_In):
    example_text: ExampleText | UnsetType = UNSET
    source: Source | UnsetType | None = UNSET
    """`null` clears it."""


class TagCreate(_In):
    name: TagName
    description: Description | None = None


class TagUpdate(_In):
    name: TagName | UnsetType = UNSET
    description: Description | UnsetType | None = UNSET
    """`null` clears it."""


class RelationCreate(_In):
    word_id_1: Id
    word_id_2: Id
    relation_type: RelationTypeName


# ------------------------------------------------------------------ responses
class ExampleOut(msgspec.Struct):
    id: int
    definition_id: int
    example_text: str
    source: str | None


class DefinitionOut(msgspec.Struct):
    id: int
    word_id: int
    definition_text: str
    part_of_speech: str
    order: int
    examples: list[ExampleOut]


class TagOut(msgspec.Struct):
    id: int
    name: str
    description: str | None


class WordFormOut(msgspec.Struct):
    id: int
    word_id: int
    form_text: str
    form_type: str | None


class WordOut(msgspec.Struct):
    id: int
    word_text: str
    language_code: str
    created_at: datetime
    updated_at: datetime


class WordFull(msgspec.Struct):
    id: int
    word_text: str
    language_code: str
    created_at: datetime
    updated_at: datetime
    definitions: list[DefinitionOut]
    """Sorted by `order`."""
    tags: list[TagOut]
    """Sorted by name."""
    word_forms: list[WordFormOut]
    """Sorted by id."""


class RelationOut(msgspec.Struct):
    word_id_1: int
    word_id_2: int
    relation_type: str


class WordPage(msgspec.Struct):
    data: list[WordOut]
    total: int
    page: int
    page_size: int
    total_pages: int
    has_more: bool


class WordFullPage(msgspec.Struct):
    data: list[WordFull]
    total: int
    page: int
    page_size: int
    total_pages: int
    has_more: bool


class TagPage(msgspec.Struct):
    data: list[TagOut]
    total: int
    page: int
    page_size: int
    total_pages: int
    has_more: bool


class RelationPage(msgspec.Struct):
    data: list[RelationOut]
    total: int
    page: int
    page_size: int
    total_pages: int
    has_more: bool

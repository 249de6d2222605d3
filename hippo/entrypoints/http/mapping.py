"""One mapping function each way between the dictionary's wire schemas and its domain types.

Building a domain input (`NewWord`, `WordPatch`, ...) runs the domain's text rules, which raise
`InvalidArgumentError` (answered 422) for blank or oversized values.
"""

from __future__ import annotations

from typing import Any, TypeVar

from msgspec import UNSET as WIRE_UNSET

from hippo.domain.vocabulary import (
    Definition,
    Example,
    Page,
    PartOfSpeech,
    Relation,
    RelationType,
    Tag,
    Word,
    WordDetails,
    WordForm,
)
from hippo.domain.vocabulary_changes import (
    UNSET,
    DefinitionEdit,
    DefinitionPatch,
    ExamplePatch,
    NewDefinition,
    NewExample,
    NewTag,
    NewWord,
    NewWordForm,
    TagPatch,
    WordPatch,
)
from hippo.entrypoints.http.schemas import dictionary as wire

T = TypeVar("T")


def _keep(value: Any) -> Any:
    """Msgspec's "not sent" becomes the domain's."""
    return UNSET if value is WIRE_UNSET else value


# ------------------------------------------------------------------ wire -> domain
def new_example(body: wire.ExampleCreate) -> NewExample:
    return NewExample(example_text=body.example_text, source=body.source)


def new_definition(body: wire.DefinitionNested) -> NewDefinition:
    return NewDefinition(
        definition_text=body.definition_text,
        part_of_speech=PartOfSpeech(body.part_of_speech),
        order=body.order,
        examples=() if body.examples is WIRE_UNSET else tuple(new_example(e) for e in body.examples),
    )


def new_word(body: wire.WordCreate) -> NewWord:
    return NewWord(
        word_text=body.word_text,
        language_code=body.language_code,
        definitions=tuple(new_definition(d) for d in body.definitions),
        tags=tuple(body.tags),
        word_forms=tuple(NewWordForm(form_text=f.form_text, form_type=f.form_type) for f in body.word_forms),
    )


def _definition_change(body: wire.DefinitionNested) -> NewDefinition | DefinitionEdit:
    if body.id is None:
        return new_definition(body)
    # Inside PATCH /words, an item with an id changes that definition; what it sends is applied.
    return DefinitionEdit(
        definition_id=body.id,
        patch=DefinitionPatch(
            definition_text=body.definition_text,
            part_of_speech=PartOfSpeech(body.part_of_speech),
            order=UNSET if body.order is None else body.order,
            examples=UNSET if body.examples is WIRE_UNSET else tuple(new_example(e) for e in body.examples),
        ),
    )


def word_patch(body: wire.WordUpdate) -> WordPatch:
    definitions = body.definitions
    forms = body.word_forms
    return WordPatch(
        word_text=_keep(body.word_text),
        language_code=_keep(body.language_code),
        definitions=UNSET if definitions is WIRE_UNSET else tuple(_definition_change(d) for d in definitions),
        tags=UNSET if body.tags is WIRE_UNSET else tuple(body.tags),
        tag_ids=UNSET if body.tag_ids is WIRE_UNSET else tuple(body.tag_ids),
        word_forms=UNSET
        if forms is WIRE_UNSET
        else tuple(NewWordForm(form_text=f.form_text, form_type=f.form_type) for f in forms),
    )


def definition_patch(body: wire.DefinitionUpdate) -> DefinitionPatch:
    pos = body.part_of_speech
    examples = body.examples
    return DefinitionPatch(
        definition_text=_keep(body.definition_text),
        part_of_speech=UNSET if pos is WIRE_UNSET else PartOfSpeech(pos),
        order=_keep(body.order),
        examples=UNSET if examples is WIRE_UNSET else tuple(new_example(e) for e in examples),
    )


def example_patch(body: wire.ExampleUpdate) -> ExamplePatch:
    return ExamplePatch(example_text=_keep(body.example_text), source=_keep(body.source))


def new_tag(body: wire.TagCreate) -> NewTag:
    return NewTag(name=body.name, description=body.description)


def tag_patch(body: wire.TagUpdate) -> TagPatch:
    return TagPatch(name=_keep(body.name), description=_keep(body.description))


def relation(body: wire.RelationCreate) -> Relation:
    return Relation(body.word_id_1, body.word_id_2, RelationType(body.relation_type))


# ------------------------------------------------------------------ domain -> wire
def example_out(example: Example) -> wire.ExampleOut:
    return wire.ExampleOut(
        id=example.id,
        definition_id=example.definition_id,
        example_text=example.example_text,
        source=example.source,
    )


def definition_out(definition: Definition) -> wire.DefinitionOut:
    return wire.DefinitionOut(
        id=definition.id,
        word_id=definition.word_id,
        definition_text=definition.definition_text,
        part_of_speech=definition.part_of_speech.value,
        order=definition.order,
        examples=[example_out(e) for e in definition.examples],
    )


def tag_out(tag: Tag) -> wire.TagOut:
    return wire.TagOut(id=tag.id, name=tag.name, description=tag.description)


def word_form_out(form: WordForm) -> wire.WordFormOut:
    return wire.WordFormOut(
        id=form.id, word_id=form.word_id, form_text=form.form_text, form_type=form.form_type
    )


def word_out(word: Word) -> wire.WordOut:
    return wire.WordOut(
        id=word.id,
        word_text=word.word_text,
        language_code=word.language_code,
        created_at=word.created_at,
        updated_at=word.updated_at,
    )


def word_full(details: WordDetails) -> wire.WordFull:
    word = details.word
    return wire.WordFull(
        id=word.id,
        word_text=word.word_text,
        language_code=word.language_code,
        created_at=word.created_at,
        updated_at=word.updated_at,
        definitions=[definition_out(d) for d in details.definitions],
        tags=[tag_out(t) for t in details.tags],
        word_forms=[word_form_out(f) for f in details.word_forms],
    )


def relation_out(relation: Relation) -> wire.RelationOut:
    return wire.RelationOut(
        word_id_1=relation.word_id_1, word_id_2=relation.word_id_2, relation_type=relation.relation_type.value
    )


def envelope(page: Page[object], data: list[T]) -> dict[str, object]:
    """The pagination envelope's fields (`data, total, page, page_size, total_pages, has_more`)."""
    return {
        "data": data,
        "total": page.total,
        "page": page.page,
        "page_size": page.page_size,
        "total_pages": page.total_pages,
        "has_more": page.has_more,
    }

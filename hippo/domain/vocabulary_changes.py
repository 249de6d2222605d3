"""What a caller asks the dictionary to create or change, validated on construction.

Text rules (API_CONTRACT.md §5 and §9 D11, D17): surrounding whitespace is stripped, then the value
must be non-empty and within its length limit (counted in characters); language codes are also
lower-cased. Every violation raises `InvalidArgumentError` naming the field.

Patches follow §9 D1-D3: a field left at `UNSET` stays unchanged, an explicit None clears a nullable
field, lists that are sent replace what was there (tags, word forms, a definition's examples).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Final

from hippo.domain.errors import ConflictError, InvalidArgumentError
from hippo.domain.vocabulary import PartOfSpeech, RelationType


class Unset(Enum):
    """Type of `UNSET`, the marker of a patch field that was not sent."""

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = Unset.UNSET

_LIMITS: Final = {
    "word_text": 255,
    "language_code": 10,
    "definition_text": 10_000,
    "example_text": 5_000,
    "source": 255,
    "name": 100,
    "description": 1_000,
    "form_text": 255,
    "form_type": 50,
}


def clean_text(field: str, value: object, *, min_length: int = 1) -> str:
    """Strip `value` and check it against the length limit of `field`.

    Raises:
        InvalidArgumentError: not a string, blank, or too long.
    """
    if not isinstance(value, str):
        raise InvalidArgumentError(f"{field} must be a string, got {type(value).__name__}")
    text = value.strip()
    if len(text) < min_length:
        if min_length == 1:
            raise InvalidArgumentError(f"{field} must not be blank")
        raise InvalidArgumentError(f"{field} must have at least {min_length} characters, got {text!r}")
    limit = _LIMITS[field]
    if len(text) > limit:
        raise InvalidArgumentError(f"{field} must have at most {limit} characters, got {len(text)}")
    return text


def clean_language(value: object) -> str:
    """A language code: stripped, lower-cased, 2-10 characters."""
    return clean_text("language_code", value, min_length=2).lower()


def clean_optional(field: str, value: object) -> str | None:
    """An optional text: None stays None; otherwise as `clean_text` (a blank string is an error)."""
    return None if value is None else clean_text(field, value)


def clean_order(value: object) -> int:
    """A definition order: an integer >= 0."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidArgumentError(f"order must be an integer >= 0, got {value!r}")
    return value


def _set(obj: object, name: str, value: object) -> None:
    object.__setattr__(obj, name, value)


@dataclass(frozen=True, slots=True)
class NewExample:
    example_text: str
    source: str | None = None

    def __post_init__(self) -> None:
        _set(self, "example_text", clean_text("example_text", self.example_text))
        _set(self, "source", clean_optional("source", self.source))


@dataclass(frozen=True, slots=True)
class NewDefinition:
    """A definition to create; `order` None means "after the word's last definition"."""

    definition_text: str
    part_of_speech: PartOfSpeech
    order: int | None = None
    examples: tuple[NewExample, ...] = ()

    def __post_init__(self) -> None:
        _set(self, "definition_text", clean_text("definition_text", self.definition_text))
        _set(self, "part_of_speech", _part_of_speech(self.part_of_speech))
        if self.order is not None:
            _set(self, "order", clean_order(self.order))
        _set(self, "examples", tuple(self.examples))


@dataclass(frozen=True, slots=True)
class NewWordForm:
    form_text: str
    form_type: str | None = None

    def __post_init__(self) -> None:
        _set(self, "form_text", clean_text("form_text", self.form_text))
        _set(self, "form_type", clean_optional("form_type", self.form_type))


@dataclass(frozen=True, slots=True)
class NewTag:
    name: str
    description: str | None = None

    def __post_init__(self) -> None:
        _set(self, "name", clean_text("name", self.name))
        _set(self, "description", clean_optional("description", self.description))


@dataclass(frozen=True, slots=True)
class NewWord:
    """A word to create with its nested data.

    `tags` are tag names (an existing tag is reused, a missing one is created without description);
    repeated tag names and repeated form texts are dropped (the first one wins). Definitions without
    an order get distinct orders after the explicit ones (see `assign_orders`).
    """

    word_text: str
    language_code: str
    definitions: tuple[NewDefinition, ...] = ()
    tags: tuple[str, ...] = ()
    word_forms: tuple[NewWordForm, ...] = ()

    def __post_init__(self) -> None:
        _set(self, "word_text", clean_text("word_text", self.word_text))
        _set(self, "language_code", clean_language(self.language_code))
        _set(self, "definitions", tuple(self.definitions))
        _set(self, "tags", unique_tag_names(self.tags))
        _set(self, "word_forms", unique_forms(self.word_forms))

    @property
    def key(self) -> tuple[str, str]:
        """Identity of the word: (language_code, word_text)."""
        return (self.language_code, self.word_text)


@dataclass(frozen=True, slots=True)
class DefinitionPatch:
    """Partial update of a definition; `examples`, when sent, replace all of its examples."""

    definition_text: str | Unset = UNSET
    part_of_speech: PartOfSpeech | Unset = UNSET
    order: int | Unset = UNSET
    examples: tuple[NewExample, ...] | Unset = UNSET

    def __post_init__(self) -> None:
        if not isinstance(self.definition_text, Unset):
            _set(self, "definition_text", clean_text("definition_text", self.definition_text))
        if not isinstance(self.part_of_speech, Unset):
            _set(self, "part_of_speech", _part_of_speech(self.part_of_speech))
        if not isinstance(self.order, Unset):
            _set(self, "order", clean_order(self.order))
        if not isinstance(self.examples, Unset):
            _set(self, "examples", tuple(self.examples))


@dataclass(frozen=True, slots=True)
class DefinitionEdit:
    """Inside a word patch: change the word's existing definition `definition_id`."""

    definition_id: int
    patch: DefinitionPatch


@dataclass(frozen=True, slots=True)
class ExamplePatch:
    example_text: str | Unset = UNSET
    source: str | Unset | None = UNSET

    def __post_init__(self) -> None:
        if not isinstance(self.example_text, Unset):
            _set(self, "example_text", clean_text("example_text", self.example_text))
        if not isinstance(self.source, Unset):
            _set(self, "source", clean_optional("source", self.source))


@dataclass(frozen=True, slots=True)
class TagPatch:
    name: str | Unset = UNSET
    description: str | Unset | None = UNSET

    def __post_init__(self) -> None:
        if not isinstance(self.name, Unset):
            _set(self, "name", clean_text("name", self.name))
        if not isinstance(self.description, Unset):
            _set(self, "description", clean_optional("description", self.description))


@dataclass(frozen=True, slots=True)
class WordPatch:
    """Partial update of a word, applied atomically.

    - `definitions`: new definitions are added (order appended when omitted); a `DefinitionEdit`
      patches a definition of this word (another word's id is not found); unlisted ones stay.
    - `tags` (names, created when missing) or `tag_ids` (existing ids) replace the word's tag set;
      sending both is an error.
    - `word_forms` replaces the word's forms.
    """

    word_text: str | Unset = UNSET
    language_code: str | Unset = UNSET
    definitions: tuple[NewDefinition | DefinitionEdit, ...] | Unset = UNSET
    tags: tuple[str, ...] | Unset = UNSET
    tag_ids: tuple[int, ...] | Unset = UNSET
    word_forms: tuple[NewWordForm, ...] | Unset = UNSET

    def __post_init__(self) -> None:
        if not isinstance(self.word_text, Unset):
            _set(self, "word_text", clean_text("word_text", self.word_text))
        if not isinstance(self.language_code, Unset):
            _set(self, "language_code", clean_language(self.language_code))
        if not isinstance(self.definitions, Unset):
            _set(self, "definitions", tuple(self.definitions))
        if not isinstance(self.tags, Unset):
            if not isinstance(self.tag_ids, Unset):
                raise InvalidArgumentError("send either tags (names) or tag_ids, not both")
            _set(self, "tags", unique_tag_names(self.tags))
        if not isinstance(self.tag_ids, Unset):
            _set(self, "tag_ids", tuple(dict.fromkeys(self.tag_ids)))
        if not isinstance(self.word_forms, Unset):
            _set(self, "word_forms", unique_forms(self.word_forms))

    @property
    def touches_children(self) -> bool:
        """Whether definitions, tags or forms change (the word's `updated_at` moves either way)."""
        return any(
            not isinstance(value, Unset)
            for value in (self.definitions, self.tags, self.tag_ids, self.word_forms)
        )


def unique_tag_names(names: Sequence[str]) -> tuple[str, ...]:
    """Cleaned tag names, repeated ones dropped (first wins)."""
    return tuple(dict.fromkeys(clean_text("name", name) for name in names))


def unique_forms(forms: Sequence[NewWordForm]) -> tuple[NewWordForm, ...]:
    """Forms with repeated `form_text` dropped (first wins)."""
    seen: dict[str, NewWordForm] = {}
    for form in forms:
        seen.setdefault(form.form_text, form)
    return tuple(seen.values())


def assign_orders(taken: Sequence[int], requested: Sequence[int | None]) -> list[int]:
    """Orders for new definitions of one word.

    An explicit order must be free (not in `taken`, not repeated); each None gets
    ``max(all orders so far) + 1`` (0 for a word without definitions), in request order.

    Raises:
        ConflictError: an explicit order is already used.
    """
    used = set(taken)
    for wanted in requested:
        if wanted is not None:
            if wanted in used:
                raise ConflictError(f"Definition order {wanted} is already used by this word")
            used.add(wanted)
    top = max(used, default=-1)
    result: list[int] = []
    for requested_order in requested:
        if requested_order is None:
            top += 1
            result.append(top)
        else:
            result.append(requested_order)
    return result


def _part_of_speech(value: object) -> PartOfSpeech:
    try:
        return PartOfSpeech(value if isinstance(value, str) else repr(value))
    except ValueError:
        allowed = ", ".join(p.value for p in PartOfSpeech)
        raise InvalidArgumentError(f"part_of_speech must be one of {allowed}; got {value!r}") from None


@dataclass(frozen=True, slots=True)
class TextRelation:
    """A relation between two words of one language named by their texts (ids are not known yet)."""

    language_code: str
    text_1: str
    text_2: str
    relation_type: RelationType


@dataclass(frozen=True, slots=True)
class Lexicon:
    """A vocabulary to import: words with their nested data, then relations between them by text."""

    words: tuple[NewWord, ...]
    relations: tuple[TextRelation, ...] = ()

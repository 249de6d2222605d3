"""The dictionary's storage port: everything the `/v1/dictionary` endpoints need, as domain types.

Every method is async and atomic: when it raises, nothing was changed. Failures are domain errors:

- `NotFoundError`: a word, definition, example, tag, form or relation does not exist; ids outside
  ``1..MAX_ID`` are never found (they are not an error of their own);
- `ConflictError`: an existing (language, text) pair, tag name, relation triple, form of the same
  word, or an explicit definition order already in use;
- `InvalidArgumentError`: bad pagination, an empty or oversized bulk, the same word twice in one bulk.

Any change to a word or to its definitions, examples, tags or forms sets the word's `updated_at`;
what is returned is read back after the change (never stale). Lists are totally ordered: words by
(lower-cased text by code point, text, language, id), tags by (name, id), relations by
(`word_id_1`, `word_id_2`, `relation_type`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from hippo.domain.vocabulary import (
    Definition,
    Example,
    Page,
    Relation,
    RelationType,
    Tag,
    VocabularyCounts,
    Word,
    WordDetails,
    WordForm,
)
from hippo.domain.vocabulary_changes import (
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


class VocabularyRepository(Protocol):
    # --- words -------------------------------------------------------------------------------
    async def create_word(self, new: NewWord) -> WordDetails:
        """Create one word with its nested definitions, examples, tags (by name) and forms."""
        ...

    async def create_words(self, new: Sequence[NewWord]) -> list[WordDetails]:
        """Create 1..BULK_CREATE_LIMIT words in one transaction (all or nothing), in input order.

        Raises `InvalidArgumentError` for an empty or oversized batch, `ConflictError` when a pair
        repeats inside the batch or already exists (the message lists the existing pairs).
        """
        ...

    async def import_words(self, new: Sequence[NewWord]) -> int:
        """Create the words whose (language, text) does not exist yet; return how many were created.

        The bulk path without the size limit and without returning rows: for idempotent imports.
        """
        ...

    async def get_word(self, word_id: int) -> WordDetails:
        """The word with its definitions, examples, tags and forms."""
        ...

    async def find_word(self, language_code: str, text: str, *, through_forms: bool = False) -> WordDetails:
        """The word with exactly this text in this language (the code is lower-cased first).

        With `through_forms`, when no word has this text, the word owning a form with exactly this
        text (the lowest word id when several do).
        """
        ...

    async def word_ids(self, language_code: str, texts: Sequence[str]) -> dict[str, int]:
        """Ids of the given exact texts in a language; missing texts are left out."""
        ...

    async def list_words(
        self, *, search: str | None = None, language: str | None = None, page: int = 1, page_size: int = 100
    ) -> Page[Word]:
        """Words whose text, or one of whose forms, starts with `search` (case-insensitive, literal)."""
        ...

    async def list_word_details(
        self, *, search: str | None = None, language: str | None = None, page: int = 1, page_size: int = 100
    ) -> Page[WordDetails]:
        """As `list_words`, each word with its definitions, examples, tags and forms."""
        ...

    async def update_word(self, word_id: int, patch: WordPatch) -> WordDetails:
        """Apply a partial update (see `WordPatch`) atomically; returns the fresh word."""
        ...

    async def delete_word(self, word_id: int) -> None:
        """Delete a word, its definitions with their examples, forms, tag links and relations."""
        ...

    # --- definitions and examples ---------------------------------------------------------------
    async def add_definition(self, word_id: int, new: NewDefinition) -> Definition:
        """Add a definition (order appended after the last one when None) with its examples."""
        ...

    async def get_definition(self, definition_id: int) -> Definition: ...

    async def update_definition(self, definition_id: int, patch: DefinitionPatch) -> Definition: ...

    async def delete_definition(self, definition_id: int) -> None:
        """Delete a definition and its examples."""
        ...

    async def add_example(self, definition_id: int, new: NewExample) -> Example: ...

    async def get_example(self, example_id: int) -> Example: ...

    async def update_example(self, example_id: int, patch: ExamplePatch) -> Example: ...

    async def delete_example(self, example_id: int) -> None: ...

    # --- tags ------------------------------------------------------------------------------------
    async def create_tag(self, new: NewTag) -> Tag: ...

    async def get_tag(self, tag_id: int) -> Tag: ...

    async def list_tags(self, *, search: str | None = None, page: int = 1, page_size: int = 100) -> Page[Tag]:
        """Tags whose name starts with `search` (case-insensitive, literal), by name."""
        ...

    async def update_tag(self, tag_id: int, patch: TagPatch) -> Tag: ...

    async def delete_tag(self, tag_id: int) -> None:
        """Delete a tag and its links; the words stay."""
        ...

    # --- relations -------------------------------------------------------------------------------
    async def add_relation(self, relation: Relation) -> Relation:
        """Store a relation; `NotFoundError` names the missing word (word_id_1 checked first)."""
        ...

    async def add_relations(self, relations: Sequence[Relation]) -> int:
        """Store the relations that do not exist yet (one transaction); return how many were new."""
        ...

    async def list_relations(
        self,
        *,
        word_id: int | None = None,
        relation_type: RelationType | None = None,
        page: int = 1,
        page_size: int = 100,
    ) -> Page[Relation]:
        """Relations with `word_id` on either side, optionally of one type."""
        ...

    async def delete_relation(self, relation: Relation) -> None:
        """Delete exactly this directional triple."""
        ...

    # --- word forms ------------------------------------------------------------------------------
    async def add_word_form(self, word_id: int, new: NewWordForm) -> WordForm: ...

    async def delete_word_form(self, form_id: int) -> None: ...

    # --- housekeeping ----------------------------------------------------------------------------
    async def counts(self) -> VocabularyCounts:
        """Row counts of every kind."""
        ...

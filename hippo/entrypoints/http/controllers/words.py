"""`/v1/dictionary/words...`: create (one, bulk, nested), list and search, get, patch, delete."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, delete, get, patch, post
from litestar.params import FromPath, QueryParameter

from hippo.entrypoints.http import mapping
from hippo.entrypoints.http.body import JsonBody
from hippo.entrypoints.http.controllers.common import (
    ERRORS,
    PAGE,
    PAGE_SIZE,
    Vocabulary,
    language_filter,
    search_filter,
)
from hippo.entrypoints.http.schemas import dictionary as wire

WORD_CREATE: JsonBody[wire.WordCreate | list[wire.WordCreate]] = JsonBody(
    wire.WordCreateBody,
    example={
        "word_text": "apple",
        "language_code": "en",
        "definitions": [
            {
                "definition_text": "The round fruit of a tree of the rose family.",
                "part_of_speech": "noun",
                "examples": [{"example_text": "She ate an apple.", "source": None}],
            }
        ],
        "tags": ["fruit"],
        "word_forms": [{"form_text": "apples", "form_type": "plural"}],
    },
    description=f"One word, or an array of 1 to {wire.MAX_BULK} words created all or nothing.",
)
WORD_UPDATE: JsonBody[wire.WordUpdate] = JsonBody(
    wire.WordUpdate, example={"word_text": "apple", "language_code": "en", "tag_ids": [1, 2]}
)
DEFINITION_CREATE: JsonBody[wire.DefinitionNested] = JsonBody(
    wire.DefinitionNested,
    example={"definition_text": "A tech company.", "part_of_speech": "noun", "examples": []},
)

IncludeAll = Annotated[bool, QueryParameter(description="Add definitions, tags and word forms.")]
IncludeDefinitions = Annotated[
    bool, QueryParameter(description="Add definitions (with examples), tags and forms.")
]
IncludeTags = Annotated[bool, QueryParameter(description="Add definitions, tags and word forms.")]
ThroughForms = Annotated[
    bool, QueryParameter(description="When no word has this text, find the word owning a form with it.")
]


def _shape(details: Any, full: bool) -> wire.WordOut | wire.WordFull:
    return mapping.word_full(details) if full else mapping.word_out(details.word)


class WordsController(Controller):
    path = "/words"

    @post(
        "/",
        operation_id="createWords",
        summary="Create a word, or several",
        operation_class=WORD_CREATE.operation,
        responses=ERRORS,
        security=[{"AdminToken": []}],
    )
    async def create(
        self, request: Request[Any, Any, Any], vocabulary: Vocabulary
    ) -> wire.WordFull | list[wire.WordFull]:
        """Create one word with nested data, or an array of words in one transaction.

        Definitions, examples, tags (by name) and forms may be nested. A word that exists already, or
        the same word twice in an array, is 409 and nothing is created. The reply is always the full word.
        """
        body = await WORD_CREATE.read(request)
        if isinstance(body, list):
            created = await vocabulary.create_words([mapping.new_word(item) for item in body])
            return [mapping.word_full(details) for details in created]
        return mapping.word_full(await vocabulary.create_word(mapping.new_word(body)))

    @get("/", operation_id="listWords", summary="List and search words", responses=ERRORS)
    async def list_words(
        self,
        vocabulary: Vocabulary,
        search: Annotated[
            str | None,
            QueryParameter(max_length=255, description="Case-insensitive prefix of the text or of a form."),
        ] = None,
        language: Annotated[
            str | None, QueryParameter(max_length=10, description="Language code (exact).")
        ] = None,
        include_all: IncludeAll = False,
        include_definitions: IncludeDefinitions = False,
        include_tags: IncludeTags = False,
        page: PAGE = 1,
        page_size: PAGE_SIZE = 100,
    ) -> wire.WordPage | wire.WordFullPage:
        """Words sorted by text (then language, id); with any include flag, each with everything attached."""
        filters = {"search": search_filter(search), "language": language_filter(language)}
        if include_all or include_definitions or include_tags:
            full = await vocabulary.list_word_details(**filters, page=page, page_size=page_size)
            return wire.WordFullPage(**mapping.envelope(full, [mapping.word_full(d) for d in full.items]))  # type: ignore[arg-type]
        words = await vocabulary.list_words(**filters, page=page, page_size=page_size)
        return wire.WordPage(**mapping.envelope(words, [mapping.word_out(w) for w in words.items]))  # type: ignore[arg-type]

    @get(
        "/lookup",
        operation_id="lookupWord",
        summary="Find a word by language and exact text",
        responses=ERRORS,
    )
    async def lookup(
        self,
        vocabulary: Vocabulary,
        language: Annotated[str, QueryParameter(min_length=1, max_length=10)],
        text: Annotated[str, QueryParameter(min_length=1, max_length=255)],
        through_forms: ThroughForms = False,
    ) -> wire.WordFull:
        """Like `GET /words/{language}/{text}`, for texts containing `/`."""
        return mapping.word_full(await vocabulary.find_word(language, text, through_forms=through_forms))

    @get("/{word_id:str}", operation_id="getWord", summary="Get a word by id", responses=ERRORS)
    async def get_word(
        self,
        vocabulary: Vocabulary,
        word_id: FromPath[int],
        include_all: IncludeAll = False,
        include_definitions: IncludeDefinitions = False,
        include_tags: IncludeTags = False,
    ) -> wire.WordOut | wire.WordFull:
        """The word; with any include flag, with its definitions, tags and forms."""
        details = await vocabulary.get_word(word_id)
        return _shape(details, include_all or include_definitions or include_tags)

    @get(
        "/{language_code:str}/{word_text:str}",
        operation_id="getWordByText",
        summary="Get a word by language and text",
        responses=ERRORS,
    )
    async def get_word_by_text(
        self,
        vocabulary: Vocabulary,
        language_code: FromPath[str],
        word_text: FromPath[str],
        include_all: Annotated[bool, QueryParameter(description="Defaults to true here.")] = True,
        include_definitions: IncludeDefinitions = False,
        include_tags: IncludeTags = False,
        through_forms: ThroughForms = False,
    ) -> wire.WordOut | wire.WordFull:
        """Exact, case-sensitive text; the full word unless `include_all=false`."""
        details = await vocabulary.find_word(language_code, word_text, through_forms=through_forms)
        return _shape(details, include_all or include_definitions or include_tags)

    @get(
        "/{language_code:str}/definitions",
        operation_id="getWordDefinitionsByText",
        summary="Get the word `definitions` by language",
        responses=ERRORS,
        include_in_schema=False,
    )
    async def get_word_named_definitions(
        self,
        vocabulary: Vocabulary,
        language_code: FromPath[str],
        include_all: Annotated[bool, QueryParameter(description="Defaults to true here.")] = True,
        include_definitions: IncludeDefinitions = False,
        include_tags: IncludeTags = False,
        through_forms: ThroughForms = False,
    ) -> wire.WordOut | wire.WordFull:
        """`GET /words/{language}/definitions` is the word "definitions" (the route above has only POST)."""
        details = await vocabulary.find_word(language_code, "definitions", through_forms=through_forms)
        return _shape(details, include_all or include_definitions or include_tags)

    @patch(
        "/{word_id:str}",
        operation_id="updateWord",
        summary="Change a word",
        operation_class=WORD_UPDATE.operation,
        responses=ERRORS,
        security=[{"AdminToken": []}],
    )
    async def update(
        self, request: Request[Any, Any, Any], vocabulary: Vocabulary, word_id: FromPath[int]
    ) -> wire.WordFull:
        """Partial, atomic update: omitted fields stay.

        `tags` (names), `tag_ids` and `word_forms` replace those sets; `definitions` items with an `id`
        change that definition (omitted fields stay), items without one are added.
        """
        body = await WORD_UPDATE.read(request)
        return mapping.word_full(await vocabulary.update_word(word_id, mapping.word_patch(body)))

    @delete(
        "/{word_id:str}",
        operation_id="deleteWord",
        summary="Delete a word",
        responses=ERRORS,
        security=[{"AdminToken": []}],
    )
    async def remove(self, vocabulary: Vocabulary, word_id: FromPath[int]) -> None:
        """Also deletes its definitions, examples, forms, tag links and relations on either side."""
        await vocabulary.delete_word(word_id)

    @post(
        "/{word_id:str}/definitions",
        operation_id="createDefinition",
        summary="Add a definition to a word",
        operation_class=DEFINITION_CREATE.operation,
        responses=ERRORS,
        security=[{"AdminToken": []}],
    )
    async def add_definition(
        self, request: Request[Any, Any, Any], vocabulary: Vocabulary, word_id: FromPath[int]
    ) -> wire.DefinitionOut:
        """`order` omitted: after the last definition; an `order` already used is 409."""
        body = await DEFINITION_CREATE.read(request)
        return mapping.definition_out(await vocabulary.add_definition(word_id, mapping.new_definition(body)))

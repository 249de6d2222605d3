"""`/v1/dictionary/definitions`, `/examples`, `/tags` and `/relations`."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, delete, get, patch, post
from litestar.params import FromPath, QueryParameter

from hippo.domain.vocabulary import Relation, RelationType
from hippo.entrypoints.http import mapping
from hippo.entrypoints.http.body import JsonBody
from hippo.entrypoints.http.controllers.common import ERRORS, PAGE, PAGE_SIZE, Vocabulary, search_filter
from hippo.entrypoints.http.schemas import dictionary as wire

ADMIN: list[dict[str, list[str]]] = [{"AdminToken": []}]

DEFINITION_UPDATE: JsonBody[wire.DefinitionUpdate] = JsonBody(
    wire.DefinitionUpdate, example={"definition_text": "A round fruit.", "part_of_speech": "noun"}
)
EXAMPLE_CREATE: JsonBody[wire.ExampleCreate] = JsonBody(
    wire.ExampleCreate, example={"example_text": "An apple a day.", "source": "proverb"}
)
EXAMPLE_UPDATE: JsonBody[wire.ExampleUpdate] = JsonBody(wire.ExampleUpdate, example={"source": None})
TAG_CREATE: JsonBody[wire.TagCreate] = JsonBody(
    wire.TagCreate, example={"name": "fruit", "description": "Edible fruits"}
)
TAG_UPDATE: JsonBody[wire.TagUpdate] = JsonBody(wire.TagUpdate, example={"description": None})
RELATION_CREATE: JsonBody[wire.RelationCreate] = JsonBody(
    wire.RelationCreate, example={"word_id_1": 1, "word_id_2": 2, "relation_type": "synonym"}
)


class DefinitionsController(Controller):
    path = "/definitions"

    @get("/{definition_id:str}", operation_id="getDefinition", summary="Get a definition", responses=ERRORS)
    async def get_definition(
        self, vocabulary: Vocabulary, definition_id: FromPath[int]
    ) -> wire.DefinitionOut:
        """The definition with its examples."""
        return mapping.definition_out(await vocabulary.get_definition(definition_id))

    @patch(
        "/{definition_id:str}",
        operation_id="updateDefinition",
        summary="Change a definition",
        operation_class=DEFINITION_UPDATE.operation,
        responses=ERRORS,
        security=ADMIN,
    )
    async def update(
        self, request: Request[Any, Any, Any], vocabulary: Vocabulary, definition_id: FromPath[int]
    ) -> wire.DefinitionOut:
        """Partial update: omitted fields stay (order too); `examples`, when sent, replace the examples."""
        body = await DEFINITION_UPDATE.read(request)
        patch_ = mapping.definition_patch(body)
        return mapping.definition_out(await vocabulary.update_definition(definition_id, patch_))

    @delete(
        "/{definition_id:str}",
        operation_id="deleteDefinition",
        summary="Delete a definition",
        responses=ERRORS,
        security=ADMIN,
    )
    async def remove(self, vocabulary: Vocabulary, definition_id: FromPath[int]) -> None:
        """Also deletes its examples."""
        await vocabulary.delete_definition(definition_id)

    @post(
        "/{definition_id:str}/examples",
        operation_id="createExample",
        summary="Add an example to a definition",
        operation_class=EXAMPLE_CREATE.operation,
        responses=ERRORS,
        security=ADMIN,
    )
    async def add_example(
        self, request: Request[Any, Any, Any], vocabulary: Vocabulary, definition_id: FromPath[int]
    ) -> wire.ExampleOut:
        """Add a usage example; `source` is optional."""
        body = await EXAMPLE_CREATE.read(request)
        return mapping.example_out(await vocabulary.add_example(definition_id, mapping.new_example(body)))


class ExamplesController(Controller):
    path = "/examples"

    @get("/{example_id:str}", operation_id="getExample", summary="Get an example", responses=ERRORS)
    async def get_example(self, vocabulary: Vocabulary, example_id: FromPath[int]) -> wire.ExampleOut:
        """One usage example."""
        return mapping.example_out(await vocabulary.get_example(example_id))

    @patch(
        "/{example_id:str}",
        operation_id="updateExample",
        summary="Change an example",
        operation_class=EXAMPLE_UPDATE.operation,
        responses=ERRORS,
        security=ADMIN,
    )
    async def update(
        self, request: Request[Any, Any, Any], vocabulary: Vocabulary, example_id: FromPath[int]
    ) -> wire.ExampleOut:
        """Partial update: omitted fields stay; `"source": null` clears the source."""
        body = await EXAMPLE_UPDATE.read(request)
        return mapping.example_out(await vocabulary.update_example(example_id, mapping.example_patch(body)))

    @delete(
        "/{example_id:str}",
        operation_id="deleteExample",
        summary="Delete an example",
        responses=ERRORS,
        security=ADMIN,
    )
    async def remove(self, vocabulary: Vocabulary, example_id: FromPath[int]) -> None:
        """Delete one example."""
        await vocabulary.delete_example(example_id)


class TagsController(Controller):
    path = "/tags"

    @post(
        "/",
        operation_id="createTag",
        summary="Create a tag",
        operation_class=TAG_CREATE.operation,
        responses=ERRORS,
        security=ADMIN,
    )
    async def create(self, request: Request[Any, Any, Any], vocabulary: Vocabulary) -> wire.TagOut:
        """A tag name is unique (exact, case-sensitive): a duplicate is 409."""
        body = await TAG_CREATE.read(request)
        return mapping.tag_out(await vocabulary.create_tag(mapping.new_tag(body)))

    @get("/", operation_id="listTags", summary="List and search tags", responses=ERRORS)
    async def list_tags(
        self,
        vocabulary: Vocabulary,
        search: Annotated[
            str | None, QueryParameter(max_length=100, description="Case-insensitive name prefix.")
        ] = None,
        page: PAGE = 1,
        page_size: PAGE_SIZE = 100,
    ) -> wire.TagPage:
        """Tags sorted by name."""
        tags = await vocabulary.list_tags(search=search_filter(search), page=page, page_size=page_size)
        return wire.TagPage(**mapping.envelope(tags, [mapping.tag_out(t) for t in tags.items]))  # type: ignore[arg-type]

    @get("/{tag_id:str}", operation_id="getTag", summary="Get a tag", responses=ERRORS)
    async def get_tag(self, vocabulary: Vocabulary, tag_id: FromPath[int]) -> wire.TagOut:
        """One tag."""
        return mapping.tag_out(await vocabulary.get_tag(tag_id))

    @patch(
        "/{tag_id:str}",
        operation_id="updateTag",
        summary="Change a tag",
        operation_class=TAG_UPDATE.operation,
        responses=ERRORS,
        security=ADMIN,
    )
    async def update(
        self, request: Request[Any, Any, Any], vocabulary: Vocabulary, tag_id: FromPath[int]
    ) -> wire.TagOut:
        """Partial update: `"description": null` clears it; renaming onto an existing name is 409."""
        body = await TAG_UPDATE.read(request)
        return mapping.tag_out(await vocabulary.update_tag(tag_id, mapping.tag_patch(body)))

    @delete(
        "/{tag_id:str}", operation_id="deleteTag", summary="Delete a tag", responses=ERRORS, security=ADMIN
    )
    async def remove(self, vocabulary: Vocabulary, tag_id: FromPath[int]) -> None:
        """Removes the tag from every word; the words stay."""
        await vocabulary.delete_tag(tag_id)


class RelationsController(Controller):
    path = "/relations"

    @post(
        "/",
        operation_id="createRelation",
        summary="Relate two words",
        operation_class=RELATION_CREATE.operation,
        responses=ERRORS,
        security=ADMIN,
    )
    async def create(self, request: Request[Any, Any, Any], vocabulary: Vocabulary) -> wire.RelationOut:
        """Directional; the triple is its identity (a repeat is 409; a self-relation is 422)."""
        body = await RELATION_CREATE.read(request)
        return mapping.relation_out(await vocabulary.add_relation(mapping.relation(body)))

    @get("/", operation_id="listRelations", summary="List relations", responses=ERRORS)
    async def list_relations(
        self,
        vocabulary: Vocabulary,
        word_id: Annotated[
            int | None, QueryParameter(description="Relations with this word on either side.")
        ] = None,
        relation_type: Annotated[RelationType | None, QueryParameter(description="Only this type.")] = None,
        page: PAGE = 1,
        page_size: PAGE_SIZE = 100,
    ) -> wire.RelationPage:
        """Sorted by (word_id_1, word_id_2, relation_type)."""
        relations = await vocabulary.list_relations(
            word_id=word_id, relation_type=relation_type, page=page, page_size=page_size
        )
        data = [mapping.relation_out(r) for r in relations.items]
        return wire.RelationPage(**mapping.envelope(relations, data))  # type: ignore[arg-type]

    @delete(
        "/{word_id_1:str}/{word_id_2:str}/{relation_type:str}",
        operation_id="deleteRelation",
        summary="Delete a relation",
        responses=ERRORS,
        security=ADMIN,
    )
    async def remove(
        self,
        vocabulary: Vocabulary,
        word_id_1: FromPath[int],
        word_id_2: FromPath[int],
        relation_type: FromPath[RelationType],
    ) -> None:
        """The exact directional triple."""
        await vocabulary.delete_relation(Relation(word_id_1, word_id_2, relation_type))

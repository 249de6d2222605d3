"""Contract of `VocabularyRepository`: subclass `VocabularyRepositoryContract` and provide `repo`.

The `repo` fixture must yield an empty repository for every test.
"""

from __future__ import annotations

import pytest

from hippo.domain.errors import ConflictError, InvalidArgumentError, NotFoundError
from hippo.domain.vocabulary import BULK_CREATE_LIMIT, MAX_ID, PartOfSpeech, Relation, RelationType
from hippo.domain.vocabulary_changes import (
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
from hippo.ports.vocabulary_repository import VocabularyRepository

NOUN, VERB = PartOfSpeech.NOUN, PartOfSpeech.VERB


def nested(text: str = "apple", language: str = "en") -> NewWord:
    return NewWord(
        text,
        language,
        definitions=(
            NewDefinition("a fruit", NOUN, order=0, examples=(NewExample("an apple a day", "proverb"),)),
            NewDefinition("a tree", NOUN, order=5),
            NewDefinition("to pick apples", VERB),
        ),
        tags=("food", "plant", "food"),
        word_forms=(NewWordForm("apples", "plural"), NewWordForm("apples")),
    )


class VocabularyRepositoryContract:
    # --- create and read ---------------------------------------------------------------------
    async def test_created_word_reads_back_with_everything_nested(self, repo: VocabularyRepository) -> None:
        created = await repo.create_word(nested())
        assert created.word.word_text == "apple"
        assert created.word.language_code == "en"
        assert created.word.created_at.tzinfo is not None
        assert [d.order for d in created.definitions] == [0, 5, 6]
        assert created.definitions[0].examples[0].example_text == "an apple a day"
        assert created.definitions[0].examples[0].source == "proverb"
        assert [t.name for t in created.tags] == ["food", "plant"]
        assert [(f.form_text, f.form_type) for f in created.word_forms] == [("apples", "plural")]
        assert await repo.get_word(created.word.id) == created
        assert await repo.find_word("EN", "apple") == created

    async def test_text_is_stripped_and_language_lower_cased(self, repo: VocabularyRepository) -> None:
        created = await repo.create_word(NewWord("  Apple ", " EN"))
        assert (created.word.word_text, created.word.language_code) == ("Apple", "en")
        with pytest.raises(InvalidArgumentError):
            NewWord("   ", "en")

    async def test_duplicate_word_is_a_conflict_but_case_and_language_differ(
        self, repo: VocabularyRepository
    ) -> None:
        await repo.create_word(NewWord("apple", "en"))
        await repo.create_word(NewWord("Apple", "en"))
        await repo.create_word(NewWord("apple", "fr"))
        with pytest.raises(ConflictError, match="already exists"):
            await repo.create_word(nested())
        assert (await repo.counts()).definitions == 0

    async def test_missing_and_out_of_range_ids_are_not_found(self, repo: VocabularyRepository) -> None:
        for missing in (0, -1, 12345, MAX_ID + 1, 2**63):
            with pytest.raises(NotFoundError):
                await repo.get_word(missing)
            with pytest.raises(NotFoundError):
                await repo.get_definition(missing)
            with pytest.raises(NotFoundError):
                await repo.get_example(missing)
            with pytest.raises(NotFoundError):
                await repo.get_tag(missing)
            with pytest.raises(NotFoundError):
                await repo.delete_word(missing)
        with pytest.raises(NotFoundError, match="not found for language"):
            await repo.find_word("en", "nothing")

    async def test_find_word_through_a_form(self, repo: VocabularyRepository) -> None:
        go = await repo.create_word(NewWord("go", "en", word_forms=(NewWordForm("went", "past"),)))
        with pytest.raises(NotFoundError):
            await repo.find_word("en", "went")
        assert (await repo.find_word("en", "went", through_forms=True)).word.id == go.word.id
        with pytest.raises(NotFoundError):
            await repo.find_word("fr", "went", through_forms=True)

    async def test_word_ids_maps_existing_texts(self, repo: VocabularyRepository) -> None:
        a = await repo.create_word(NewWord("a b", "en"))
        await repo.create_word(NewWord("c", "fr"))
        assert await repo.word_ids("en", ["a b", "c", "zzz"]) == {"a b": a.word.id}

    # --- bulk ----------------------------------------------------------------------------------
    async def test_bulk_create_keeps_input_order(self, repo: VocabularyRepository) -> None:
        words = [nested("pear"), NewWord("zebra", "en"), NewWord("apple", "en")]
        created = await repo.create_words(words)
        assert [c.word.word_text for c in created] == ["pear", "zebra", "apple"]
        assert [d.order for d in created[0].definitions] == [0, 5, 6]
        assert await repo.get_word(created[0].word.id) == created[0]
        assert (await repo.counts()).words == 3

    async def test_bulk_is_all_or_nothing(self, repo: VocabularyRepository) -> None:
        await repo.create_word(NewWord("b", "en"))
        with pytest.raises(ConflictError, match=r"b \(en\)"):
            await repo.create_words([nested("a"), NewWord("b", "en"), nested("c")])
        with pytest.raises(ConflictError, match="Duplicate"):
            await repo.create_words([NewWord("x", "en"), NewWord("x", "en")])
        with pytest.raises(InvalidArgumentError):
            await repo.create_words([])
        with pytest.raises(InvalidArgumentError):
            await repo.create_words([NewWord(f"w{i}", "en") for i in range(BULK_CREATE_LIMIT + 1)])
        counts = await repo.counts()
        assert (counts.words, counts.definitions, counts.tags) == (1, 0, 0)

    async def test_bulk_of_many_words(self, repo: VocabularyRepository) -> None:
        words = [
            NewWord(
                f"w{i:04d}", "en", definitions=(NewDefinition(f"d{i}", NOUN, examples=(NewExample("e"),)),)
            )
            for i in range(1500)
        ]
        created = await repo.create_words(words)
        assert [c.word.word_text for c in created] == [w.word_text for w in words]
        assert len({d.id for c in created for d in c.definitions}) == 1500
        counts = await repo.counts()
        assert (counts.words, counts.definitions, counts.examples) == (1500, 1500, 1500)

    async def test_import_skips_existing_words(self, repo: VocabularyRepository) -> None:
        await repo.create_word(NewWord("a", "en"))
        assert await repo.import_words([NewWord("a", "en"), nested("b"), NewWord("b", "en")]) == 1
        assert await repo.import_words([NewWord("a", "en"), nested("b")]) == 0
        assert (await repo.counts()).words == 2

    # --- list and search -----------------------------------------------------------------------
    async def test_list_is_ordered_paginated_and_counted(self, repo: VocabularyRepository) -> None:
        for text, lang in [
            ("beta", "en"),
            ("Alpha", "en"),
            ("alpha", "fr"),
            ("alpha", "en"),
            ("gamma", "de"),
        ]:
            await repo.create_word(NewWord(text, lang))
        page = await repo.list_words(page=1, page_size=2)
        assert [(w.word_text, w.language_code) for w in page.items] == [("Alpha", "en"), ("alpha", "en")]
        assert (page.total, page.total_pages, page.has_more) == (5, 3, True)
        last = await repo.list_words(page=3, page_size=2)
        assert [w.word_text for w in last.items] == ["gamma"]
        assert not last.has_more
        beyond = await repo.list_words(page=10**12, page_size=1000)
        assert (beyond.items, beyond.total) == ((), 5)
        french = await repo.list_words(language="FR")
        assert [w.word_text for w in french.items] == ["alpha"]
        with pytest.raises(InvalidArgumentError):
            await repo.list_words(page=0)
        with pytest.raises(InvalidArgumentError):
            await repo.list_words(page_size=1001)

    async def test_search_is_a_case_insensitive_literal_prefix(self, repo: VocabularyRepository) -> None:
        for text in ["apple", "Applet", "pineapple", "ap_x", "ap%y", "apz", "b"]:
            await repo.create_word(NewWord(text, "en"))
        found = await repo.list_words(search="AP")
        assert [w.word_text for w in found.items] == ["ap%y", "ap_x", "apple", "Applet", "apz"]
        assert [w.word_text for w in (await repo.list_words(search="ap_")).items] == ["ap_x"]
        assert [w.word_text for w in (await repo.list_words(search="ap%")).items] == ["ap%y"]
        assert (await repo.list_words(search="%")).total == 0
        assert (await repo.list_words(search="")).total == 7

    async def test_search_covers_word_forms_once_per_word(self, repo: VocabularyRepository) -> None:
        await repo.create_word(
            NewWord("go", "en", word_forms=(NewWordForm("went"), NewWordForm("wends"), NewWordForm("gone")))
        )
        await repo.create_word(NewWord("wet", "en"))
        await repo.create_word(NewWord("wz", "fr", word_forms=(NewWordForm("wa"),)))
        found = await repo.list_words(search="we", language="en")
        assert [w.word_text for w in found.items] == ["go", "wet"]
        assert found.total == 2
        everywhere = await repo.list_words(search="w")
        assert [w.word_text for w in everywhere.items] == ["go", "wet", "wz"]
        second = await repo.list_words(search="w", page=2, page_size=2)
        assert [w.word_text for w in second.items] == ["wz"]
        details = await repo.list_word_details(search="wen")
        assert [f.form_text for f in details.items[0].word_forms] == ["went", "wends", "gone"]

    async def test_search_with_non_ascii_prefix(self, repo: VocabularyRepository) -> None:
        await repo.create_word(NewWord("שלום", "he"))
        await repo.create_word(NewWord("école", "fr"))
        assert [w.word_text for w in (await repo.list_words(search="של")).items] == ["שלום"]
        assert [w.word_text for w in (await repo.list_words(search="éc")).items] == ["école"]

    # --- update --------------------------------------------------------------------------------
    async def test_patch_changes_only_what_is_sent(self, repo: VocabularyRepository) -> None:
        created = await repo.create_word(nested())
        same = await repo.update_word(created.word.id, WordPatch())
        assert same == created
        renamed = await repo.update_word(created.word.id, WordPatch(word_text="Apple", language_code="EN"))
        assert (renamed.word.word_text, renamed.word.language_code) == ("Apple", "en")
        assert renamed.word.updated_at > created.word.updated_at
        assert renamed.definitions == created.definitions
        assert renamed.tags == created.tags

    async def test_patch_onto_an_existing_word_is_a_conflict(self, repo: VocabularyRepository) -> None:
        await repo.create_word(NewWord("pear", "en"))
        apple = await repo.create_word(nested())
        with pytest.raises(ConflictError):
            await repo.update_word(apple.word.id, WordPatch(word_text="pear", tags=("new",)))
        assert await repo.get_word(apple.word.id) == apple
        assert (await repo.list_tags()).total == 2
        with pytest.raises(NotFoundError):
            await repo.update_word(MAX_ID + 1, WordPatch(word_text="x"))

    async def test_patch_definitions_merge_by_id(self, repo: VocabularyRepository) -> None:
        apple = await repo.create_word(nested())
        first, tree, _ = apple.definitions
        patched = await repo.update_word(
            apple.word.id,
            WordPatch(
                definitions=(
                    DefinitionEdit(first.id, DefinitionPatch(definition_text="a red fruit")),
                    NewDefinition("a company", NOUN),
                )
            ),
        )
        by_id = {d.id: d for d in patched.definitions}
        assert by_id[first.id].definition_text == "a red fruit"
        assert by_id[first.id].examples == first.examples
        assert by_id[first.id].order == 0
        assert by_id[tree.id] == tree
        assert [d.order for d in patched.definitions] == [0, 5, 6, 7]
        assert patched.word.updated_at > apple.word.updated_at
        other = await repo.create_word(nested("pear"))
        with pytest.raises(NotFoundError, match="not found for word"):
            await repo.update_word(
                apple.word.id,
                WordPatch(definitions=(DefinitionEdit(other.definitions[0].id, DefinitionPatch()),)),
            )
        with pytest.raises(ConflictError):
            await repo.update_word(apple.word.id, WordPatch(definitions=(NewDefinition("x", NOUN, order=5),)))

    async def test_patch_tags_by_name_and_by_id_replace_the_set(self, repo: VocabularyRepository) -> None:
        apple = await repo.create_word(nested())
        extra = await repo.create_tag(NewTag("extra", "described"))
        by_name = await repo.update_word(apple.word.id, WordPatch(tags=("plant", "new")))
        assert [t.name for t in by_name.tags] == ["new", "plant"]
        by_id = await repo.update_word(apple.word.id, WordPatch(tag_ids=(extra.id,)))
        assert by_id.tags == (extra,)
        assert by_id.word.updated_at > by_name.word.updated_at
        cleared = await repo.update_word(apple.word.id, WordPatch(tag_ids=()))
        assert cleared.tags == ()
        with pytest.raises(NotFoundError):
            await repo.update_word(apple.word.id, WordPatch(tag_ids=(extra.id, 999_999)))
        assert (await repo.list_tags()).total == 4

    async def test_patch_word_forms_replaces_them(self, repo: VocabularyRepository) -> None:
        apple = await repo.create_word(nested())
        patched = await repo.update_word(apple.word.id, WordPatch(word_forms=(NewWordForm("apples", "pl"),)))
        assert [(f.form_text, f.form_type) for f in patched.word_forms] == [("apples", "pl")]
        emptied = await repo.update_word(apple.word.id, WordPatch(word_forms=()))
        assert emptied.word_forms == ()

    # --- definitions and examples --------------------------------------------------------------
    async def test_definition_order_is_appended_or_conflicts(self, repo: VocabularyRepository) -> None:
        word = await repo.create_word(NewWord("run", "en"))
        first = await repo.add_definition(word.word.id, NewDefinition("move fast", VERB))
        second = await repo.add_definition(word.word.id, NewDefinition("a sprint", NOUN))
        assert (first.order, second.order) == (0, 1)
        with pytest.raises(ConflictError):
            await repo.add_definition(word.word.id, NewDefinition("dup", NOUN, order=1))
        with pytest.raises(NotFoundError):
            await repo.add_definition(MAX_ID + 1, NewDefinition("x", NOUN))
        fresh = await repo.get_word(word.word.id)
        assert fresh.word.updated_at > word.word.updated_at

    async def test_definition_patch_is_partial(self, repo: VocabularyRepository) -> None:
        apple = await repo.create_word(nested())
        first = apple.definitions[0]
        patched = await repo.update_definition(first.id, DefinitionPatch(part_of_speech=VERB))
        assert (patched.definition_text, patched.order, patched.examples) == (
            first.definition_text,
            first.order,
            first.examples,
        )
        assert patched.part_of_speech is VERB
        moved = await repo.update_definition(
            first.id, DefinitionPatch(order=9, examples=(NewExample("new"),))
        )
        assert moved.order == 9
        assert [e.example_text for e in moved.examples] == ["new"]
        with pytest.raises(ConflictError):
            await repo.update_definition(first.id, DefinitionPatch(order=5))
        assert await repo.get_definition(first.id) == moved

    async def test_examples_crud_and_source_clearing(self, repo: VocabularyRepository) -> None:
        apple = await repo.create_word(nested())
        definition = apple.definitions[1]
        example = await repo.add_example(definition.id, NewExample("in the orchard", "me"))
        assert await repo.get_example(example.id) == example
        kept = await repo.update_example(example.id, ExamplePatch(example_text="by the orchard"))
        assert (kept.example_text, kept.source) == ("by the orchard", "me")
        cleared = await repo.update_example(example.id, ExamplePatch(source=None))
        assert cleared.source is None
        await repo.delete_example(example.id)
        with pytest.raises(NotFoundError):
            await repo.get_example(example.id)
        with pytest.raises(NotFoundError):
            await repo.add_example(MAX_ID + 1, NewExample("x"))

    async def test_deleting_a_definition_deletes_its_examples(self, repo: VocabularyRepository) -> None:
        apple = await repo.create_word(nested())
        first = apple.definitions[0]
        await repo.delete_definition(first.id)
        with pytest.raises(NotFoundError):
            await repo.get_example(first.examples[0].id)
        with pytest.raises(NotFoundError):
            await repo.delete_definition(first.id)
        assert len((await repo.get_word(apple.word.id)).definitions) == 2

    # --- tags ----------------------------------------------------------------------------------
    async def test_tags_crud(self, repo: VocabularyRepository) -> None:
        tag = await repo.create_tag(NewTag("Food", "edible"))
        with pytest.raises(ConflictError):
            await repo.create_tag(NewTag("Food"))
        await repo.create_tag(NewTag("food"))
        await repo.create_tag(NewTag("f_x"))
        listed = await repo.list_tags(search="FO")
        assert [t.name for t in listed.items] == ["Food", "food"]
        assert (await repo.list_tags(search="f_")).total == 1
        kept = await repo.update_tag(tag.id, TagPatch(name="Fruit"))
        assert kept.description == "edible"
        cleared = await repo.update_tag(tag.id, TagPatch(description=None))
        assert cleared.description is None
        with pytest.raises(ConflictError):
            await repo.update_tag(tag.id, TagPatch(name="food"))
        assert await repo.get_tag(tag.id) == cleared

    async def test_deleting_a_tag_keeps_the_words(self, repo: VocabularyRepository) -> None:
        apple = await repo.create_word(nested())
        await repo.delete_tag(apple.tags[0].id)
        assert [t.name for t in (await repo.get_word(apple.word.id)).tags] == ["plant"]
        with pytest.raises(NotFoundError):
            await repo.delete_tag(apple.tags[0].id)

    # --- relations -----------------------------------------------------------------------------
    async def test_relations_are_directional_triples(self, repo: VocabularyRepository) -> None:
        a = (await repo.create_word(NewWord("big", "en"))).word.id
        b = (await repo.create_word(NewWord("large", "en"))).word.id
        c = (await repo.create_word(NewWord("small", "en"))).word.id
        syn = await repo.add_relation(Relation(a, b, RelationType.SYNONYM))
        await repo.add_relation(Relation(a, b, RelationType.RELATED))
        await repo.add_relation(Relation(c, a, RelationType.ANTONYM))
        with pytest.raises(ConflictError):
            await repo.add_relation(Relation(a, b, RelationType.SYNONYM))
        with pytest.raises(NotFoundError, match=str(MAX_ID + 1)):
            await repo.add_relation(Relation(a, MAX_ID + 1, RelationType.SYNONYM))
        with pytest.raises(InvalidArgumentError):
            Relation(a, a, RelationType.SYNONYM)
        of_a = await repo.list_relations(word_id=a)
        assert [(r.word_id_1, r.word_id_2, r.relation_type) for r in of_a.items] == [
            (a, b, RelationType.RELATED),
            (a, b, RelationType.SYNONYM),
            (c, a, RelationType.ANTONYM),
        ]
        assert (await repo.list_relations(word_id=b, relation_type=RelationType.SYNONYM)).items == (syn,)
        assert (await repo.list_relations(word_id=MAX_ID + 1)).total == 0
        with pytest.raises(NotFoundError):
            await repo.delete_relation(Relation(b, a, RelationType.SYNONYM))
        await repo.delete_relation(syn)
        assert (await repo.list_relations()).total == 2

    async def test_add_relations_skips_existing(self, repo: VocabularyRepository) -> None:
        a = (await repo.create_word(NewWord("a", "en"))).word.id
        b = (await repo.create_word(NewWord("b", "en"))).word.id
        rel = Relation(a, b, RelationType.HYPERNYM)
        assert await repo.add_relations([rel, rel, Relation(b, a, RelationType.HYPONYM)]) == 2
        assert await repo.add_relations([rel]) == 0
        with pytest.raises(NotFoundError):
            await repo.add_relations([Relation(a, MAX_ID, RelationType.HYPERNYM)])

    # --- forms and cascades --------------------------------------------------------------------
    async def test_word_forms_add_and_delete(self, repo: VocabularyRepository) -> None:
        go = await repo.create_word(NewWord("go", "en"))
        went = await repo.add_word_form(go.word.id, NewWordForm("went", "past"))
        with pytest.raises(ConflictError):
            await repo.add_word_form(go.word.id, NewWordForm("went"))
        assert (await repo.get_word(go.word.id)).word_forms == (went,)
        await repo.delete_word_form(went.id)
        with pytest.raises(NotFoundError):
            await repo.delete_word_form(went.id)

    async def test_deleting_a_word_cascades(self, repo: VocabularyRepository) -> None:
        apple = await repo.create_word(nested())
        pear = await repo.create_word(nested("pear"))
        await repo.add_relation(Relation(pear.word.id, apple.word.id, RelationType.RELATED))
        await repo.add_relation(Relation(apple.word.id, pear.word.id, RelationType.RELATED))
        await repo.delete_word(apple.word.id)
        counts = await repo.counts()
        assert (counts.words, counts.definitions, counts.examples) == (1, 3, 1)
        assert (counts.word_forms, counts.relations, counts.tags) == (1, 0, 2)
        with pytest.raises(NotFoundError):
            await repo.get_word(apple.word.id)
        with pytest.raises(NotFoundError):
            await repo.delete_word(apple.word.id)

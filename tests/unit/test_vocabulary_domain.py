"""Rules of the dictionary's domain types: text cleaning, orders, prefix ranges, pages."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hippo.domain.errors import ConflictError, InvalidArgumentError
from hippo.domain.vocabulary import Page, PartOfSpeech, Relation, RelationType, check_page, prefix_bounds
from hippo.domain.vocabulary_changes import (
    UNSET,
    NewDefinition,
    NewTag,
    NewWord,
    NewWordForm,
    TagPatch,
    WordPatch,
    assign_orders,
)


def test_text_limits_are_counted_in_characters_after_stripping():
    assert NewWord(" " + "é" * 255 + " ", "en").word_text == "é" * 255
    with pytest.raises(InvalidArgumentError, match="at most 255"):
        NewWord("x" * 256, "en")
    with pytest.raises(InvalidArgumentError, match="language_code"):
        NewWord("x", " e ")
    with pytest.raises(InvalidArgumentError, match="name must not be blank"):
        NewTag("  ")
    with pytest.raises(InvalidArgumentError, match="description"):
        NewTag("t", "")


def test_part_of_speech_accepts_only_lower_case_values():
    assert NewDefinition("d", "noun").part_of_speech is PartOfSpeech.NOUN  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="part_of_speech"):
        NewDefinition("d", "NOUN")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="order"):
        NewDefinition("d", PartOfSpeech.NOUN, order=-1)


def test_nested_tags_and_forms_are_deduplicated():
    word = NewWord("a", "en", tags=("x", " x", "y"), word_forms=(NewWordForm("as"), NewWordForm("as", "pl")))
    assert word.tags == ("x", "y")
    assert word.word_forms == (NewWordForm("as"),)


def test_patch_fields_default_to_unset_and_none_clears():
    assert TagPatch().description is UNSET
    assert TagPatch(description=None).description is None
    assert not WordPatch(word_text="b").touches_children
    assert WordPatch(tag_ids=()).touches_children
    with pytest.raises(InvalidArgumentError, match="not both"):
        WordPatch(tags=("a",), tag_ids=(1,))


def test_assign_orders_reserves_explicit_orders_then_appends():
    assert assign_orders([], [None, None]) == [0, 1]
    assert assign_orders([0, 3], [None]) == [4]
    assert assign_orders([], [None, None, 1]) == [2, 3, 1]
    with pytest.raises(ConflictError):
        assign_orders([2], [2])
    with pytest.raises(ConflictError):
        assign_orders([], [1, 1])


def test_relations_reject_self_links():
    with pytest.raises(InvalidArgumentError, match="itself"):
        Relation(3, 3, RelationType.SYNONYM)
    assert Relation(1, 2, "antonym").relation_type is RelationType.ANTONYM  # type: ignore[arg-type]


@given(st.text(min_size=1, max_size=4), st.text(max_size=6))
def test_prefix_bounds_match_startswith(prefix, text):
    low, high = prefix_bounds(prefix)
    inside = low <= text.lower() and (high is None or text.lower() < high)
    assert inside == text.lower().startswith(prefix.lower())


def test_page_arithmetic():
    assert check_page(3, 10) == 20
    page = Page(items=(1, 2), total=12, page=2, page_size=5)
    assert (page.total_pages, page.has_more) == (3, True)
    assert Page(items=(), total=0, page=1, page_size=5).total_pages == 0
    with pytest.raises(InvalidArgumentError):
        check_page(1, 0)

"""What the dictionary controllers share: pagination parameters, filters, documented error responses."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec
from litestar.params import QueryParameter

from hippo.domain.vocabulary import MAX_PAGE_SIZE
from hippo.entrypoints.http.schemas.errors import ErrorBody
from hippo.ports.vocabulary_repository import VocabularyRepository

if TYPE_CHECKING:
    Vocabulary = VocabularyRepository
else:  # Litestar cannot validate a Protocol-typed value: inject it by name, unchecked
    Vocabulary = NamedDependency[Any]
"""The open dictionary repository (`provide_vocabulary`; 503 while the database is unreachable)."""

# Id segments are declared `{word_id:str}` in the paths while the handlers take `FromPath[int]`: Litestar
# then answers a non-integer id with the 422 naming the parameter (as the contract says), where a path
# typed `:int` would not match at all and answer 404. The OpenAPI schema still says `integer`.

MAX_PAGE = 1_000_000
"""Largest page number accepted (422 above), so an offset never overflows."""

PAGE = Annotated[int, QueryParameter(ge=1, le=MAX_PAGE, description="1-based page number.")]
PAGE_SIZE = Annotated[int, QueryParameter(ge=1, le=MAX_PAGE_SIZE, description=f"1 to {MAX_PAGE_SIZE} items.")]

ERRORS = {
    401: ResponseSpec(ErrorBody, description="A write without `Authorization: Bearer <token>`."),
    403: ResponseSpec(ErrorBody, description="A write with a wrong token."),
    404: ResponseSpec(ErrorBody, description="A word, definition, example, tag or relation does not exist."),
    409: ResponseSpec(
        ErrorBody, description="The change conflicts with an existing word, tag, relation or order."
    ),
    422: ResponseSpec(ErrorBody, description="Invalid body or parameters; `errors` says where."),
    503: ResponseSpec(ErrorBody, description="The database is unavailable; try again shortly."),
}


def search_filter(search: str | None) -> str | None:
    """An empty search means no filter."""
    return search or None


def language_filter(language: str | None) -> str | None:
    """Language codes are stored lower-cased (§9 D17); an empty filter means none."""
    return language.strip().lower() or None if language else None

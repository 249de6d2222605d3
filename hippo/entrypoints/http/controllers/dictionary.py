"""The `/v1/dictionary` router: every dictionary controller, the admin guard on writes, the repository."""

from __future__ import annotations

from litestar import Router
from litestar.datastructures import State
from litestar.di import Provide

from hippo.entrypoints.http.controllers.entries import (
    DefinitionsController,
    ExamplesController,
    RelationsController,
    TagsController,
)
from hippo.entrypoints.http.controllers.words import WordsController
from hippo.entrypoints.http.security import Guard
from hippo.ports.vocabulary_repository import VocabularyRepository


async def provide_vocabulary(state: State) -> VocabularyRepository:
    """The open repository; 503 (`UnavailableError`) while the database is unreachable."""
    repository: VocabularyRepository = await state.database.repository()
    return repository


def dictionary_router(guard: Guard) -> Router:
    """All dictionary routes; `guard` lets reads through and checks the token on writes."""
    return Router(
        path="/v1/dictionary",
        route_handlers=[
            WordsController,
            DefinitionsController,
            ExamplesController,
            TagsController,
            RelationsController,
        ],
        guards=[guard],
        dependencies={"vocabulary": Provide(provide_vocabulary)},
        tags=["dictionary"],
    )

"""`GET /v1/models`: the models the registry can serve."""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from litestar import Controller, get
from litestar.di import NamedDependency

from hippo.entrypoints.http.schemas.models import ModelOut, ModelsResponse


class ModelsController(Controller):
    path = "/v1/models"
    tags = ["models"]  # noqa: RUF012 - Litestar reads a plain class attribute

    @get("/", operation_id="listModels", summary="List the models")
    async def list_models(self, models: NamedDependency[Any]) -> ModelsResponse:
        """Every model the registry has, with its metadata, and which one is the default."""
        summaries = await anyio.to_thread.run_sync(models.list)
        in_memory = set(models.cached_names())
        return ModelsResponse(
            models=[
                ModelOut(
                    name=s.name,
                    sizes=list(s.sizes),
                    activation=s.activation,
                    output=s.output,
                    accuracy=s.accuracy,
                    created=s.created,
                    size_bytes=s.size_bytes,
                    source=s.source,
                    default=s.name == models.default_name,
                    loaded=s.name in in_memory,
                )
                for s in summaries
            ],
            default=models.default_name,
        )

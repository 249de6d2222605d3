"""`GET /healthz`: always 200 (liveness); `status` says whether everything is ready."""

from __future__ import annotations

from typing import Any

from litestar import get
from litestar.datastructures import State
from litestar.di import NamedDependency

from hippo.entrypoints.http.schemas.health import HealthResponse


@get(
    "/healthz",
    operation_id="health",
    summary="Liveness and readiness",
    tags=["health"],
    cache_control=None,
)
async def health(state: State, models: NamedDependency[Any]) -> HealthResponse:
    """Always 200 (a deploy check never waits on the database); `status` says what is missing.

    `healthy` when the default network is loaded and the database answers a probe within a second;
    `degraded` otherwise.
    """
    model = models.default_name if models.is_loaded else None
    database = await state.database.probe()
    both = model is not None and database
    return HealthResponse(
        status="healthy" if both else "degraded",
        network_loaded=model is not None,
        database_connected=database,
        model=model,
    )

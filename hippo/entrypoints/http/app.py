"""`create_app(container)`: the Litestar application, wired by the container.

The container is built once by the caller (`hippo serve`, a test) and put on ``app.state``; handlers
reach it only through the thin `Provide` functions in `dependencies`. The lifespan loads the default
model (and warms it up, so no request pays a JIT compile) and opens the database; either may fail
without stopping the app: inference then answers 503 "no model", the dictionary 503 "database
unavailable" until the database comes back.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, cast

import anyio.to_thread
import numpy as np
from litestar import Litestar
from litestar.datastructures import State
from litestar.handlers import HTTPRouteHandler
from litestar.router import Router
from litestar.types import ControllerRouterHandler

from hippo.domain.errors import ConflictError, HippoError, NotFoundError
from hippo.entrypoints.http.controllers.dictionary import dictionary_router
from hippo.entrypoints.http.controllers.health import health
from hippo.entrypoints.http.controllers.inference import InferenceController
from hippo.entrypoints.http.controllers.models import ModelsController
from hippo.entrypoints.http.controllers.samples import SamplesController
from hippo.entrypoints.http.database import Database
from hippo.entrypoints.http.dependencies import dependencies
from hippo.entrypoints.http.errors import exception_handlers
from hippo.entrypoints.http.fast_predict import FastPredict
from hippo.entrypoints.http.openapi import openapi_config
from hippo.entrypoints.http.playground import playground_routes
from hippo.entrypoints.http.request_ids import request_id_middleware
from hippo.entrypoints.http.security import admin_guard, check_startup, cors_config
from hippo.entrypoints.logging_setup import phase_timer

log = logging.getLogger("hippo.http")

MAX_BODY_BYTES = 4 * 1024 * 1024
"""Largest request body accepted (413 above): a full bulk create or batch prediction fits easily."""

STATUS_BY_ERROR: dict[type[Exception], int] = {
    NotFoundError: 404,
    ConflictError: 409,
}


def warm_up(network: Any) -> None:
    """Run every code path a request takes once, so compiled kernels are ready before the first request."""
    network.warm_up()
    x = np.zeros(network.sizes[0], dtype=np.float32)
    network.probabilities(x)
    network.probabilities(np.zeros((2, network.sizes[0]), dtype=np.float32))
    network.activations(x)


async def _load_models(state: State) -> None:
    models = state.container.model_service()
    try:
        loaded = await anyio.to_thread.run_sync(models.start)
        await anyio.to_thread.run_sync(warm_up, loaded.network)
        log.info("serving model %s (%s)", loaded.name, loaded.source)
    except HippoError as exc:
        log.error("no model could be loaded (%s); inference answers 503 until one loads", exc)


@asynccontextmanager
async def lifespan(app: Litestar) -> AsyncIterator[None]:
    """Load the default model and open the database; close the database on shutdown."""
    state = app.state
    database: Database = state.database
    phases: dict[str, float] = dict(state.get("startup_phases") or {})
    started = time.perf_counter()
    database.start_in_background()
    with phase_timer(log, phases, "model"):
        await _load_models(state)
    phases["lifespan"] = round(time.perf_counter() - started, 4)
    log.info(
        "startup finished: serving after %.3f s (%s; the database opens in the background)",
        sum(v for k, v in phases.items() if k != "model"),
        ", ".join(f"{k} {v:.3f} s" for k, v in phases.items()),
        extra={"startup": phases},
    )
    try:
        yield
    finally:
        await database.close()


def _database(container: Any, retry_seconds: float) -> Database:
    # `ready_database_url` starts the embedded PostgreSQL and migrates it: blocking work, done in a thread
    # (unless the repository itself is overridden, as in tests).
    # The pool (an async resource) is opened by itself first, so a shutdown can cancel its opening.
    prepare = getattr(container, "ready_database_url", None)
    open_pool = getattr(container, "postgres_pool", None)
    if getattr(container.vocabulary_repository, "overridden", ()):
        prepare = open_pool = None
    return Database(container, prepare=prepare, open_pool=open_pool, retry_interval=retry_seconds)


def create_app(
    container: Any,
    *,
    extra_routes: Sequence[ControllerRouterHandler] = (),
    playground: bool = True,
    database_retry_seconds: float = 2.0,
    fast_predict: bool = True,
) -> Litestar:
    """Build the Litestar app around `container` (a `hippo.container.Container`, possibly overridden).

    Args:
        container: the composition root; providers used: `settings`, `model_service`,
            `vocabulary_repository` (async), `mnist_samples`, `mnist_local`.
        extra_routes: more route handlers (routers, static files) to serve.
        playground: serve the playground page at `/` and its assets under `/static`.
        database_retry_seconds: after a failed attempt to open the database, the next attempt waits this
            long (requests meanwhile answer 503 at once).
        fast_predict: answer the plain `POST /v1/predict` in front of Litestar's routing
            (`fast_predict.FastPredict`; same answers, about twice the throughput).

    Raises:
        StartupRefusedError: the configuration is unsafe (production without an admin token).
    """
    settings = container.settings()
    check_startup(settings)
    routes: list[ControllerRouterHandler] = [
        health,
        InferenceController,
        ModelsController,
        SamplesController,
        dictionary_router(admin_guard(settings.admin_token)),
        *extra_routes,
    ]
    if playground:
        page: list[HTTPRouteHandler | Router] = playground_routes()
        routes.extend(page)
    cors = cors_config(settings)
    app = Litestar(
        route_handlers=routes,
        state=State({"container": container, "database": _database(container, database_retry_seconds)}),
        lifespan=[lifespan],
        dependencies=dependencies(),
        exception_handlers=exception_handlers(STATUS_BY_ERROR),
        cors_config=cors,
        openapi_config=openapi_config(),
        middleware=[cast("Any", request_id_middleware)],
        request_max_body_size=MAX_BODY_BYTES,
        logging_config=None,
        debug=False,
    )
    if fast_predict:
        # Litestar.__call__ hands every request to `asgi_handler` (CORS -> exception handling -> router).
        fast = FastPredict(app.asgi_handler, container.model_service(), cors=cors is not None)
        app.asgi_handler = cast("Any", fast)
    return app

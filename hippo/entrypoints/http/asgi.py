"""The application factories a server imports: ``asgi:create`` (ASGI), ``asgi:create_rsgi`` (granian's RSGI).

The app's modules are imported inside `create` so the time they take is measured and logged as the
``imports`` phase of startup (with ``model`` and ``database``, see `app.lifespan`). `hippo serve` calls
`preload` before granian forks its workers, so they start with the modules already imported.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from litestar import Litestar

    from hippo.entrypoints.http.rsgi import RsgiFront


def preload() -> None:
    """Import every module `create` needs (a server forking workers calls it first)."""
    import hippo.container
    import hippo.entrypoints.http.app
    import hippo.entrypoints.http.rsgi
    import hippo.entrypoints.logging_setup  # noqa: F401


def create(*, fast_predict: bool = True) -> Litestar:
    """Build the container once (from the environment), set up logging, and build the app around it."""
    started = time.perf_counter()
    from hippo.entrypoints.gc_pause import paused_gc

    # A forked worker has imported everything: this is mostly the app's build. Its objects live as long as
    # the app, so they are frozen too: re-enabled, the collector otherwise walked all of them at its next
    # allocation (about 10 ms of a worker's start, `gc.callbacks`).
    with paused_gc(freeze=True):
        from hippo.container import Container
        from hippo.entrypoints.http.app import create_app
        from hippo.entrypoints.logging_setup import configure_from_settings

        container = Container()
        configure_from_settings(container.settings())
        imports = round(time.perf_counter() - started, 4)
        app = create_app(container, fast_predict=fast_predict)
    app.state.startup_phases = {"imports": imports, "app": round(time.perf_counter() - started - imports, 4)}
    return app


def create_rsgi() -> RsgiFront:
    """The app behind the RSGI front (`rsgi.RsgiFront`), answering plain predictions and lookups itself."""
    from hippo.entrypoints.http.fast_lookup import LookupAnswers
    from hippo.entrypoints.http.fast_predict import PredictAnswers
    from hippo.entrypoints.http.rsgi import RsgiFront

    app = create(fast_predict=False)
    cors = app.cors_config is not None
    answers = PredictAnswers(app.state.container.model_service(), cors=cors)
    return RsgiFront(app, answers, LookupAnswers(app.routes, app.state.database, cors=cors))

"""The ASGI application factory a server imports (``hippo.entrypoints.http.asgi:create``).

The app's modules are imported inside `create` so the time they take is measured and logged as the
``imports`` phase of startup (with ``model`` and ``database``, see `app.lifespan`). `hippo serve` calls
`preload` before granian forks its workers, so they start with the modules already imported.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from litestar import Litestar


def preload() -> None:
    """Import every module `create` needs (a server forking workers calls it first)."""
    import hippo.container
    import hippo.entrypoints.http.app
    import hippo.entrypoints.logging_setup  # noqa: F401


def create() -> Litestar:
    """Build the container once (from the environment), set up logging, and build the app around it."""
    started = time.perf_counter()
    from hippo.container import Container
    from hippo.entrypoints.http.app import create_app
    from hippo.entrypoints.logging_setup import configure_from_settings

    container = Container()
    configure_from_settings(container.settings())
    imports = round(time.perf_counter() - started, 4)
    app = create_app(container)
    app.state.startup_phases = {"imports": imports, "app": round(time.perf_counter() - started - imports, 4)}
    return app

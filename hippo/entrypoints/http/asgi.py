"""The ASGI application factory a server imports (``hippo.entrypoints.http.asgi:create``)."""

from __future__ import annotations

from litestar import Litestar

from hippo.container import Container
from hippo.entrypoints.http.app import create_app
from hippo.entrypoints.logging_setup import configure_from_settings


def create() -> Litestar:
    """Build the container once (from the environment), set up logging, and build the app around it."""
    container = Container()
    configure_from_settings(container.settings())
    return create_app(container)

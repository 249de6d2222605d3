"""Building the real HTTP app around a container whose providers are overridden (unit tests)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dependency_injector import providers

from hippo.config import Settings
from hippo.container import Container
from hippo.entrypoints.http.app import create_app

TOKEN = "test-admin-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def make_container(
    *,
    models: Any,
    vocabulary: Any,
    env: Mapping[str, str] | None = None,
    sampler: Any = None,
) -> Container:
    """A `Container` serving `models` and `vocabulary`, with settings from `env` only (not os.environ).

    `vocabulary` may be a repository or a callable raising (an unreachable database).
    """
    container = Container()
    container.settings.override(providers.Object(Settings.from_env(dict(env or {}))))
    container.model_service.override(providers.Object(models))
    if callable(vocabulary) and not hasattr(vocabulary, "get_word"):
        container.vocabulary_repository.override(providers.Callable(vocabulary))
    else:
        container.vocabulary_repository.override(providers.Object(vocabulary))
    if sampler is not None:
        container.mnist_sampler.override(providers.Object(sampler))
    return container


def make_app(*, database_retry_seconds: float = 2.0, **kwargs: Any) -> Any:
    """`create_app` over `make_container(**kwargs)`, without the playground page."""
    return create_app(
        make_container(**kwargs), playground=False, database_retry_seconds=database_retry_seconds
    )


async def read_asgi_body(receive: Any) -> bytes:
    """The whole request body an ASGI app receives, joined from its ``http.request`` messages."""
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            return body

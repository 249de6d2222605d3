"""OpenAPI 3.1 description with Swagger UI at `/docs` (and the JSON at `/docs/openapi.json`)."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, RedocRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme, Tag

from hippo import __version__
from hippo.entrypoints.http.body import request_schemas

DESCRIPTION = """\
Hippo serves small feed-forward networks trained on MNIST and a dictionary.

* **Inference** (`/v1/predict`, `/v1/predict/batch`, `/v1/activations`) is anonymous. Send 784 numbers in
  [0, 1] (a 28×28 image, row by row); `probabilities` are a softmax over the output layer.
* **Dictionary** reads are anonymous; writes need `Authorization: Bearer <HIPPO_ADMIN_TOKEN>` when the
  server has a token.
* **Errors** all have the same JSON shape: `{"detail": "...", "status_code": 422, "errors": [...]}`.
"""


def _with_request_bodies(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the request-body schemas msgspec derived (`body.request_schemas`) to the components.

    Litestar only registers the types that appear in handler signatures; Hippo's handlers decode their
    bodies themselves, so their schemas are added here, in place (the dict is Litestar's cached one).
    """
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name, body in request_schemas().items():
        components.setdefault(name, body)
    return schema


class _Swagger(SwaggerRenderPlugin):
    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return super().render(request, _with_request_bodies(openapi_schema))


class _Redoc(RedocRenderPlugin):
    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return super().render(request, _with_request_bodies(openapi_schema))


class _Json(JsonRenderPlugin):
    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return super().render(request, _with_request_bodies(openapi_schema))


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Hippo",
        version=__version__,
        description=DESCRIPTION,
        path="/docs",
        render_plugins=[
            _Swagger(path="/"),
            _Redoc(path="/redoc"),
            _Json(path="/openapi.json"),
        ],
        tags=[
            Tag(name="health", description="Liveness and readiness."),
            Tag(name="inference", description="Digit recognition with the served networks."),
            Tag(name="models", description="The models the registry can serve."),
            Tag(name="mnist", description="Real MNIST digits to try the networks on."),
            Tag(name="dictionary", description="Words, definitions, examples, tags and relations."),
        ],
        components=Components(
            security_schemes={
                "AdminToken": SecurityScheme(
                    type="http", scheme="bearer", description="HIPPO_ADMIN_TOKEN, for dictionary writes."
                )
            },
        ),
        use_handler_docstrings=True,
    )

"""Strict request-body decoding and its OpenAPI description.

Litestar converts a `data: SomeStruct` body with ``strict=False`` (``"0.5"`` becomes ``0.5``). Hippo's
handlers instead read the raw bytes and decode them with a strict `msgspec.json.Decoder` per body type:
numbers sent as strings, unknown fields, non-finite numbers (JSON has none) and out-of-range values are
all rejected with a 422, and decoding is faster. Because the handler then has no `data` parameter,
`JsonBody.operation` documents the body in the OpenAPI schema instead, with the JSON Schema msgspec itself
derives from the Struct (so per-item bounds such as ``0 <= pixel <= 1`` are documented too). That
description is built when the OpenAPI schema is first asked for (`/docs`), not when the app starts: it
took about 2 ms per body type, a few percent of `hippo serve`'s cold start.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import msgspec
from litestar import Request
from litestar.openapi.spec import Example, OpenAPIMediaType, Operation, Reference, RequestBody

from hippo.entrypoints.http.errors import invalid_body

T = TypeVar("T")

_REF = "#/components/schemas/{name}"
_bodies: list[JsonBody[Any]] = []


class JsonBody(Generic[T]):
    """A request body type: a strict decoder plus the OpenAPI operation class that documents it."""

    def __init__(self, body_type: Any, *, example: Any = None, description: str | None = None) -> None:
        self._decoder: msgspec.json.Decoder[T] = msgspec.json.Decoder(body_type)
        self._type = body_type
        self._example = example
        self._description = description
        self._documented: tuple[RequestBody, dict[str, Any]] | None = None
        _bodies.append(self)
        body = self

        class _Operation(Operation):
            # Litestar builds each operation (a dataclass) when it generates the schema, with keywords.
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                self.request_body = body.documented()[0]

        self.operation: type[Operation] = _Operation

    def documented(self) -> tuple[RequestBody, dict[str, Any]]:
        """The OpenAPI request body and the JSON Schema components it refers to (built on first use)."""
        if self._documented is None:
            (schema, *_), components = msgspec.json.schema_components([self._type], ref_template=_REF)
            examples: dict[str, Example | Reference] | None = (
                {"example": Example(summary="Example", value=self._example)}
                if self._example is not None
                else None
            )
            request_body = RequestBody(
                required=True,
                description=self._description,
                content={"application/json": OpenAPIMediaType(schema=_as_schema(schema), examples=examples)},
            )
            self._documented = (request_body, dict(components))
        return self._documented

    def decode(self, raw: bytes) -> T:
        """Decode a body or raise the 422 `ValidationException` naming the problem."""
        try:
            return self._decoder.decode(raw)
        except (msgspec.ValidationError, msgspec.DecodeError) as exc:
            raise invalid_body(exc) from None

    async def read(self, request: Request[Any, Any, Any]) -> T:
        """Read and decode the request's body."""
        return self.decode(await request.body())


def _as_schema(schema: dict[str, Any]) -> Any:
    # Litestar's spec objects serialise plain dicts as they are; a bare `$ref` becomes a Reference.
    if set(schema) == {"$ref"}:
        return Reference(ref=schema["$ref"])
    return schema


def request_schemas() -> dict[str, Any]:
    """JSON Schemas of every body type declared so far, for `Components(schemas=...)`."""
    schemas: dict[str, Any] = {}
    for body in _bodies:
        schemas.update(body.documented()[1])
    return schemas

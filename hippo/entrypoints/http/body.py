"""Strict request-body decoding and its OpenAPI description.

Litestar converts a `data: SomeStruct` body with ``strict=False`` (``"0.5"`` becomes ``0.5``). Hippo's
handlers instead read the raw bytes and decode them with a strict `msgspec.json.Decoder` per body type:
numbers sent as strings, unknown fields, non-finite numbers (JSON has none) and out-of-range values are
all rejected with a 422, and decoding is faster. Because the handler then has no `data` parameter,
`JsonBody.operation` documents the body in the OpenAPI schema instead, with the JSON Schema msgspec itself
derives from the Struct (so per-item bounds such as ``0 <= pixel <= 1`` are documented too).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import msgspec
from litestar import Request
from litestar.openapi.spec import Example, OpenAPIMediaType, Operation, Reference, RequestBody

from hippo.entrypoints.http.errors import invalid_body

T = TypeVar("T")

_REF = "#/components/schemas/{name}"
_registered: dict[str, Any] = {}


class JsonBody(Generic[T]):
    """A request body type: a strict decoder plus the OpenAPI operation class that documents it."""

    def __init__(self, body_type: Any, *, example: Any = None, description: str | None = None) -> None:
        self._decoder: msgspec.json.Decoder[T] = msgspec.json.Decoder(body_type)
        (schema,), components = msgspec.json.schema_components([body_type], ref_template=_REF)
        _registered.update(components)
        examples: dict[str, Example | Reference] | None = (
            {"example": Example(summary="Example", value=example)} if example is not None else None
        )
        request_body = RequestBody(
            required=True,
            description=description,
            content={"application/json": OpenAPIMediaType(schema=_as_schema(schema), examples=examples)},
        )

        @dataclass
        class _Operation(Operation):
            def __post_init__(self) -> None:
                self.request_body = request_body

        self.operation: type[Operation] = _Operation

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
    return dict(_registered)

"""One JSON error shape for everything: validation, 404, 405, 409, 413, 503 and unexpected 500s.

Every error response is an `ErrorBody`: ``{"detail": ..., "status_code": ..., "errors"?: [...],
"request_id"?: ...}``. Messages name the problem and where it is, never the submitted value (a 784-pixel
body or a 10,000-character text is not echoed back). An unexpected exception answers a generic 500 whose
`request_id` also appears in the log line that carries the traceback.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import msgspec
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException

from hippo.domain.errors import HippoError, InvalidArgumentError, UnavailableError
from hippo.entrypoints.http.schemas.errors import ErrorBody, FieldError
from hippo.entrypoints.logging_setup import request_id_var

log = logging.getLogger("hippo.http")

_AT = re.compile(r"^(?P<message>.*?) - at `\$(?P<key>[^`]*)`$", re.DOTALL)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_MAX_MESSAGE = 300


def _response(status: int, detail: str, **extra: Any) -> Response[ErrorBody]:
    headers = extra.pop("headers", None)
    return Response(
        ErrorBody(detail=detail, status_code=status, **extra),
        status_code=status,
        media_type=MediaType.JSON,
        headers=headers,
    )


def field_error_from_msgspec(exc: msgspec.ValidationError | msgspec.DecodeError) -> FieldError:
    """Turn msgspec's ``"Expected `float` <= 1.0 - at `$.pixels[3]`"`` into message + key."""
    text = str(exc)[:_MAX_MESSAGE]
    match = _AT.match(text)
    if match is None:
        return FieldError(message=text, source="body")
    key = match.group("key").lstrip(".") or None
    return FieldError(message=match.group("message"), key=key, source="body")


def invalid_body(exc: msgspec.ValidationError | msgspec.DecodeError) -> ValidationException:
    """A 422 for a body that is not JSON or does not match the schema."""
    error = field_error_from_msgspec(exc)
    if isinstance(exc, msgspec.DecodeError) and not isinstance(exc, msgspec.ValidationError):
        error = FieldError(message=f"body is not valid JSON: {error.message}", source="body")
    where = f" at {error.key}" if error.key else ""
    return ValidationException(
        detail=f"Invalid request body{where}: {error.message}", extra=[msgspec.to_builtins(error)]
    )


def _source(value: object) -> str | None:
    """Litestar gives `ParamType.QUERY` (an enum) or "body"; clients get "query" / "body"."""
    if value is None:
        return None
    return str(getattr(value, "value", value))


def _validation_handler(_: Request[Any, Any, Any], exc: ValidationException) -> Response[ErrorBody]:
    errors = [
        FieldError(
            message=str(item.get("message", ""))[:_MAX_MESSAGE],
            key=str(item["key"]) if item.get("key") is not None else None,
            source=_source(item.get("source")),
        )
        for item in (exc.extra if isinstance(exc.extra, list) else [])
        if isinstance(item, Mapping)
    ]
    detail = exc.detail
    if detail.startswith("Validation failed for") and errors:
        first = errors[0]
        if first.source in ("query", "path", "header", "cookie"):
            detail = f"Invalid {first.source} parameter {first.key}: {first.message}"
        else:
            where = f" at {first.key}" if first.key else ""
            detail = f"Invalid {first.source or 'request'}{where}: {first.message}"
    return _response(422, detail[:_MAX_MESSAGE], errors=errors or None)


def _http_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[ErrorBody]:
    if exc.status_code >= 500 and exc.status_code != 503:
        return _internal_handler(request, exc)
    return _response(exc.status_code, str(exc.detail)[:_MAX_MESSAGE], headers=exc.headers)


def _invalid_argument_handler(_: Request[Any, Any, Any], exc: InvalidArgumentError) -> Response[ErrorBody]:
    return _response(422, str(exc)[:_MAX_MESSAGE])


def _status_handler(status: int) -> Callable[[Request[Any, Any, Any], Exception], Response[ErrorBody]]:
    def handler(_: Request[Any, Any, Any], exc: Exception) -> Response[ErrorBody]:
        return _response(status, str(exc)[:_MAX_MESSAGE])

    return handler


def _unavailable_handler(request: Request[Any, Any, Any], exc: UnavailableError) -> Response[ErrorBody]:
    log.warning("503 for %s %s: %s", request.method, request.url.path, exc)
    return _response(503, str(exc)[:_MAX_MESSAGE], headers={"Retry-After": "5"})


def _internal_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[ErrorBody]:
    given = request.headers.get("x-request-id", "")
    request_id = request_id_var.get() or (given if _REQUEST_ID.match(given) else uuid.uuid4().hex)
    log.error(
        "unhandled error in %s %s [request_id=%s]", request.method, request.url.path, request_id, exc_info=exc
    )
    return _response(
        500,
        "Internal server error. Quote the request id when reporting it.",
        request_id=request_id,
        headers={"X-Request-ID": request_id},
    )


def exception_handlers(
    status_by_error: Mapping[type[Exception], int] | None = None,
) -> dict[type[Exception] | int, Callable[..., Response[ErrorBody]]]:
    """Litestar `exception_handlers` producing `ErrorBody` for every error.

    Args:
        status_by_error: extra domain error types and the status each answers (e.g. a registry's
            "model not found" -> 404). The most specific class wins, as with any Litestar handler map.
    """
    handlers: dict[type[Exception] | int, Callable[..., Response[ErrorBody]]] = {
        ValidationException: _validation_handler,
        HTTPException: _http_handler,
        InvalidArgumentError: _invalid_argument_handler,
        UnavailableError: _unavailable_handler,
        HippoError: _internal_handler,
        Exception: _internal_handler,
    }
    for error_type, status in (status_by_error or {}).items():
        handlers[error_type] = _status_handler(status)
    return handlers

"""The one JSON error body every error response uses."""

from __future__ import annotations

import msgspec


class FieldError(msgspec.Struct, omit_defaults=True):
    """One problem with the request: what is wrong, and where (never the submitted value)."""

    message: str
    key: str | None = None
    source: str | None = None


class ErrorBody(msgspec.Struct, omit_defaults=True):
    """Every error: `detail` says what went wrong (the key the earlier service's clients read)."""

    detail: str
    status_code: int
    errors: list[FieldError] | None = None
    request_id: str | None = None

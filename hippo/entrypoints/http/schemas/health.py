"""Wire schema of `GET /healthz`."""

from __future__ import annotations

from typing import Literal

import msgspec


class HealthResponse(msgspec.Struct):
    status: Literal["healthy", "degraded"]
    """`healthy` when a network is loaded and the database answers; `degraded` otherwise."""
    network_loaded: bool
    database_connected: bool
    model: str | None
    """Name of the default model, when one is loaded."""

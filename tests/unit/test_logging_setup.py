"""Structured logs: JSON in production, text locally, request ids on every line of a request."""

from __future__ import annotations

import io
import json
import logging

import pytest
from litestar import Litestar, get
from litestar.testing import TestClient

from hippo.config import Settings
from hippo.entrypoints.http.request_ids import request_id_middleware
from hippo.entrypoints.logging_setup import (
    configure_from_settings,
    configure_logging,
    default_format,
    phase_timer,
    request_id_var,
)


@pytest.fixture
def captured():
    stream = io.StringIO()
    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    yield stream
    root.handlers[:], _ = before[0], root.setLevel(before[1])


def test_json_lines_carry_level_logger_message_request_id_and_extras(captured):
    configure_logging("INFO", "json", stream=captured)
    token = request_id_var.set("req-42")
    try:
        logging.getLogger("hippo.test").info("loaded %s", "m1", extra={"seconds": 0.25, "cache": "hit"})
    finally:
        request_id_var.reset(token)
    logging.getLogger("hippo.test").debug("below the level")
    lines = captured.getvalue().splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["level"] == "INFO"
    assert record["logger"] == "hippo.test"
    assert record["message"] == "loaded m1"
    assert record["request_id"] == "req-42"
    assert record["seconds"] == 0.25
    assert record["cache"] == "hit"
    assert record["time"].endswith("+00:00")


def test_text_lines_are_readable_and_exceptions_keep_their_traceback(captured):
    configure_logging("DEBUG", "text", stream=captured)
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logging.getLogger("hippo.test").exception("failed", extra={"model": "m"})
    text = captured.getvalue()
    assert "ERROR   hippo.test failed model=m" in text
    assert "RuntimeError: boom" in text
    assert "Traceback" in text


def test_configuring_twice_keeps_one_handler(captured):
    configure_logging("INFO", "text", stream=captured)
    configure_logging("INFO", "text", stream=captured)
    logging.getLogger("hippo.test").warning("once")
    assert captured.getvalue().count("once") == 1


def test_bad_level_or_format_is_refused_with_the_valid_choices():
    with pytest.raises(ValueError, match="LOG_FORMAT must be one of json, text, got 'xml'"):
        configure_logging("INFO", "xml")
    with pytest.raises(ValueError, match="LOG_LEVEL must be DEBUG"):
        configure_logging("LOUD", "text")


def test_production_defaults_to_json_and_log_format_overrides(captured, monkeypatch):
    assert default_format(True) == "json"
    assert default_format(False) == "text"
    monkeypatch.setattr("sys.stderr", captured)
    configure_from_settings(Settings.from_env({"HIPPO_ENV": "production"}))
    logging.getLogger("hippo.test").info("hello")
    assert json.loads(captured.getvalue().splitlines()[-1])["message"] == "hello"
    configure_from_settings(Settings.from_env({"HIPPO_ENV": "production", "LOG_FORMAT": "TEXT"}))
    logging.getLogger("hippo.test").info("plain")
    assert captured.getvalue().splitlines()[-1].endswith("hippo.test plain")


def test_phase_timer_records_and_logs_each_phase(captured):
    configure_logging("INFO", "json", stream=captured)
    phases: dict[str, float] = {}
    with phase_timer(logging.getLogger("hippo.startup"), phases, "model"):
        pass
    assert set(phases) == {"model"}
    assert phases["model"] >= 0
    assert json.loads(captured.getvalue())["phase"] == "model"


@get("/where", sync_to_thread=False)
def where() -> dict[str, str | None]:
    logging.getLogger("hippo.test").info("inside the handler")
    return {"request_id": request_id_var.get()}


def test_middleware_echoes_a_safe_request_id_and_stamps_the_logs(captured):
    configure_logging("INFO", "json", stream=captured)
    app = Litestar([where], middleware=[request_id_middleware], logging_config=None)
    with TestClient(app) as client:
        given = client.get("/where", headers={"X-Request-ID": "abc-123"})
        fresh = client.get("/where", headers={"X-Request-ID": "bad id with spaces"})
    assert given.headers["x-request-id"] == "abc-123" == given.json()["request_id"]
    assert fresh.headers["x-request-id"] == fresh.json()["request_id"]
    assert len(fresh.headers["x-request-id"]) == 32
    handler_lines = [json.loads(x) for x in captured.getvalue().splitlines() if "inside the handler" in x]
    assert [x["request_id"] for x in handler_lines] == ["abc-123", fresh.headers["x-request-id"]]
    assert request_id_var.get() is None


def test_the_cli_refuses_an_unknown_log_format_with_a_clear_message():
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "hippo", "serve", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    done = subprocess.run(
        [sys.executable, "-c", "from hippo.entrypoints.cli import main; raise SystemExit(main(['serve']))"],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "LOG_FORMAT": "xml", "HOME": "/tmp"},
    )
    assert done.returncode == 2
    assert "hippo: LOG_FORMAT must be one of json, text, got 'xml'" in done.stderr

"""Auth, CORS and the production refusal against the real server process."""

from __future__ import annotations

import subprocess
import sys

from tests.integration.api_server import AUTH, ORIGIN, ROOT, TOKEN

D = "/v1/dictionary"


def test_writes_need_the_token_reads_and_inference_do_not(api):
    word = {"word_text": "kiwi", "language_code": "en"}
    missing = api.post(f"{D}/words", json=word)
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert api.post(f"{D}/words", json=word, headers={"Authorization": "Bearer nope"}).status_code == 403
    created = api.post(f"{D}/words", json=word, headers=AUTH)
    assert created.status_code == 201
    assert api.delete(f"{D}/words/{created.json()['id']}").status_code == 401
    assert api.get(f"{D}/words/en/kiwi").status_code == 200
    assert api.post("/v1/predict", json={"pixels": [0.0] * 784}).status_code == 200
    assert TOKEN not in api.get("/docs/openapi.json").text


def test_cors_preflight_only_for_the_allowed_origin(api):
    request = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    allowed = api.options("/v1/predict", headers={"Origin": ORIGIN, **request})
    assert allowed.headers["access-control-allow-origin"] == ORIGIN
    assert "access-control-allow-credentials" not in allowed.headers
    other = api.options("/v1/predict", headers={"Origin": "https://evil.example.com", **request})
    assert "access-control-allow-origin" not in other.headers
    simple = api.post("/v1/predict", json={"pixels": [0.0] * 784}, headers={"Origin": ORIGIN})
    assert simple.headers["access-control-allow-origin"] == ORIGIN


def test_production_without_a_token_refuses_to_start_and_says_why():
    env = {"PATH": "/usr/bin:/bin", "HIPPO_ENV": "production", "HOME": "/tmp"}
    result = subprocess.run(
        [sys.executable, "-m", "hippo", "serve", "--port", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "HIPPO_ADMIN_TOKEN" in result.stderr


def test_docs_are_served_with_operation_ids_summaries_and_examples(api):
    assert "swagger" in api.get("/docs").text.lower()
    schema = api.get("/docs/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    operations = [op for item in schema["paths"].values() for op in item.values() if isinstance(op, dict)]
    assert len(operations) >= 25
    assert all(op.get("operationId") and op.get("summary") for op in operations)
    predict = schema["paths"]["/v1/predict"]["post"]
    assert predict["requestBody"]["content"]["application/json"]["examples"]

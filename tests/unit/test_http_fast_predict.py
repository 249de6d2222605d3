"""The raw-ASGI `POST /v1/predict` fast path answers exactly what the Litestar handler answers."""

from __future__ import annotations

import json
import re

import pytest
from litestar.testing import AsyncTestClient

from hippo.adapters.mnist_samples import PackagedMnistSamples
from hippo.entrypoints.http.app import create_app
from hippo.entrypoints.http.fast_predict import FastPredict
from hippo.services.model_service import ModelService
from tests.fakes import InMemoryVocabularyRepository
from tests.http_support import make_container, read_asgi_body

DIGIT = PackagedMnistSamples().samples().images[0].tolist()

BODIES = [
    json.dumps({"pixels": DIGIT}).encode(),
    json.dumps({"pixels": DIGIT, "model": None, "preprocess": None}).encode(),
    json.dumps({"pixels": [0.0] * 783 + [1]}).encode(),
    json.dumps({"pixels": DIGIT, "model": "tiny-classic"}).encode(),
    json.dumps({"pixels": DIGIT, "model": "tiny-relu"}).encode(),
    json.dumps({"pixels": DIGIT, "model": "no-such-model"}).encode(),
    json.dumps({"pixels": DIGIT, "model": "../x"}).encode(),
    json.dumps({"pixels": DIGIT, "preprocess": "mnist"}).encode(),
    json.dumps({"pixels": DIGIT, "preprocess": "other"}).encode(),
    json.dumps({"pixels": DIGIT, "extra": 1}).encode(),
    json.dumps({"pixels": DIGIT[:-1]}).encode(),
    json.dumps({"pixels": [*DIGIT[:-1], 1.0000001]}).encode(),
    json.dumps({"pixels": [-0.0001, *DIGIT[1:]]}).encode(),
    json.dumps({"pixels": [1e308] * 784}).encode(),
    json.dumps({"pixels": ["0.5"] * 784}).encode(),
    json.dumps({"pixels": [True] * 784}).encode(),
    b'{"pixels": [' + b"0.5," * 783 + b"NaN]}",
    b'{"pixels": [' + b"0.5," * 783 + b"1e999]}",
    b'{"pixels": [0.5',
    b"[]",
    b"",
    # shapes the simdjson reader must decline or read exactly as msgspec does
    json.dumps({"pixels": [[v] for v in DIGIT]}).encode(),
    json.dumps({"pixels": DIGIT, "model": ["tiny-relu"]}).encode(),
    json.dumps({"pixels": [None] * 784}).encode(),
    json.dumps({"pixels": [{"v": 0.5}] * 784}).encode(),
    json.dumps({"pixels": [0.5] * 784, "pixels ": 1}).encode(),
    b'{"pixels": [' + b"0.5," * 783 + b'0.5], "pixels": [' + b"0.25," * 783 + b"0.25]}",
    b'{"pixels": [' + b"0," * 783 + b"-0]}",
    b'{"pixels": [' + b"0.5," * 783 + b"123456789012345678901234567890]}",
    b'{"pixels": [' + b"0.5," * 783 + b"18446744073709551615]}",
    b'{"pixels": [' + b"1E-1,\t5e-01,\n" * 391 + b"1E-1,\t5e-01]}",
    b'{"pixels": [' + b"1E-1, 5e-01, " * 391 + b"0.1, 0.2]}",
    b'\n {"preprocess": null, "pixels": [' + b"0.000001," * 783 + b'1.0], "model": null} \n',
    b'{"pixels": [' + b"0.5," * 784 + b"]}",
    b'{"pixels": [' + b"0.5," * 783 + b"0.5]} []",
    json.dumps({"pixels": DIGIT}).encode()[:-1] + b", }",
]


def _app(models: ModelService, *, fast: bool, env: dict[str, str] | None = None):
    container = make_container(models=models, vocabulary=InMemoryVocabularyRepository(), env=env)
    return create_app(container, playground=False, fast_predict=fast)


def _comparable(response) -> tuple[int, bytes, dict[str, str]]:
    headers = {k: v for k, v in response.headers.items() if k != "x-request-id"}
    return response.status_code, response.content, headers


async def test_every_body_gets_the_same_status_body_and_headers_with_and_without_the_fast_path(models):
    async with (
        AsyncTestClient(_app(models, fast=True)) as fast,
        AsyncTestClient(_app(models, fast=False)) as slow,
    ):
        for body in BODIES:
            headers = {"content-type": "application/json"}
            got = await fast.post("/v1/predict", content=body, headers=headers)
            want = await slow.post("/v1/predict", content=body, headers=headers)
            assert _comparable(got) == _comparable(want), body[:80]
            assert re.fullmatch(r"[0-9a-f]{32}", got.headers["x-request-id"])


async def test_the_fast_path_echoes_a_safe_request_id_and_replaces_an_unsafe_one(models):
    async with AsyncTestClient(_app(models, fast=True)) as client:
        given = await client.post("/v1/predict", json={"pixels": DIGIT}, headers={"X-Request-ID": "abc-123"})
        assert given.headers["x-request-id"] == "abc-123"
        unsafe = await client.post("/v1/predict", json={"pixels": DIGIT}, headers={"X-Request-ID": "a b<"})
        assert re.fullmatch(r"[0-9a-f]{32}", unsafe.headers["x-request-id"])


async def test_cross_origin_requests_still_get_the_cors_headers(models):
    env = {"ALLOWED_ORIGINS": "https://example.org"}
    async with (
        AsyncTestClient(_app(models, fast=True, env=env)) as fast,
        AsyncTestClient(_app(models, fast=False, env=env)) as slow,
    ):
        for origin in ("https://example.org", "https://evil.example"):
            headers = {"Origin": origin}
            got = await fast.post("/v1/predict", json={"pixels": DIGIT}, headers=headers)
            want = await slow.post("/v1/predict", json={"pixels": DIGIT}, headers=headers)
            assert _comparable(got) == _comparable(want)
        allowed = await fast.post(
            "/v1/predict", json={"pixels": DIGIT}, headers={"Origin": "https://example.org"}
        )
        assert allowed.headers["access-control-allow-origin"] == "https://example.org"


class _Recorder:
    """A stand-in for Litestar's handler: records what reached it and answers 418."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    async def __call__(self, scope, receive, send) -> None:
        body = await read_asgi_body(receive)
        self.bodies.append(body)
        await send({"type": "http.response.start", "status": 418, "headers": []})
        await send({"type": "http.response.body", "body": b""})


async def _call(app, body: bytes, *, chunks: int = 1, headers=None) -> list[dict]:
    size = -(-len(body) // chunks) or 1
    parts = [body[i : i + size] for i in range(0, len(body), size)] or [b""]
    last = len(parts) - 1
    messages = [{"type": "http.request", "body": p, "more_body": i < last} for i, p in enumerate(parts)]
    sent: list[dict] = []

    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/v1/predict",
        "headers": headers if headers is not None else [(b"content-length", str(len(body)).encode())],
    }
    await app(scope, receive, send)
    return sent


async def test_the_plain_request_is_answered_without_litestar_even_in_chunks(models):
    models.start()
    behind = _Recorder()
    app = FastPredict(behind, models, cors=False)
    sent = await _call(app, json.dumps({"pixels": DIGIT}).encode(), chunks=3)
    assert sent[0]["status"] == 200
    answer = json.loads(sent[1]["body"])
    assert answer["model"] == "tiny-relu"
    assert behind.bodies == []


@pytest.mark.parametrize(
    "body",
    [
        json.dumps({"pixels": [2.0] * 784}).encode(),
        json.dumps({"pixels": DIGIT, "model": "x"}).encode(),
        b"{",
    ],
)
async def test_anything_else_reaches_litestar_with_the_whole_body(models, body):
    models.start()
    behind = _Recorder()
    sent = await _call(FastPredict(behind, models, cors=False), body, chunks=2)
    assert sent[0]["status"] == 418
    assert behind.bodies == [body]


async def test_without_a_length_or_before_the_model_loads_nothing_is_read_here(models):
    body = json.dumps({"pixels": DIGIT}).encode()
    behind = _Recorder()
    app = FastPredict(behind, models, cors=False)
    assert (await _call(app, body))[0]["status"] == 418  # the model is not loaded yet
    models.start()
    assert (await _call(app, body, headers=[]))[0]["status"] == 418  # chunked: Litestar limits the size
    origin = [(b"content-length", str(len(body)).encode()), (b"origin", b"https://example.org")]
    assert (await _call(FastPredict(behind, models, cors=True), body, headers=origin))[0]["status"] == 418
    assert behind.bodies == [body] * 3

"""The RSGI front: plain predictions answered as Litestar answers them, everything else bridged to ASGI.

Granian's RSGI scope and protocol are replaced by small fakes with the same methods (the live server
tests in tests/integration run the real thing over HTTP).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Annotated, Any

import pytest
from litestar import Litestar, Request, get, post
from litestar.params import FromPath, HeaderParameter, QueryParameter
from litestar.response import Stream
from litestar.testing import TestClient

from hippo.entrypoints.http.app import MAX_BODY_BYTES, create_app
from hippo.entrypoints.http.fast_lookup import LookupAnswers
from hippo.entrypoints.http.fast_predict import PredictAnswers
from hippo.entrypoints.http.rsgi import RsgiFront
from hippo.services.model_service import ModelService
from tests.fakes import InMemoryVocabularyRepository
from tests.http_support import make_container, read_asgi_body
from tests.unit.test_http_fast_predict import BODIES, DIGIT


class Headers:
    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self.pairs = pairs

    def get(self, key: str, default: Any = None) -> Any:
        return next((v for k, v in self.pairs if k == key), default)

    def items(self) -> list[tuple[str, str]]:
        return list(self.pairs)

    def __contains__(self, key: str) -> bool:
        return any(k == key for k, _ in self.pairs)


class Scope:
    def __init__(self, method: str, path: str, headers: list[tuple[str, str]], query: str = "") -> None:
        self.proto = "http"
        self.http_version = "1.1"
        self.scheme = "http"
        self.server = "127.0.0.1:8000"
        self.client = "127.0.0.1:50000"
        self.method = method
        self.path = path
        self.query_string = query
        self.headers = Headers(headers)


class Protocol:
    """Records the response; serves the body in `chunks`; `gone` is set when the client disconnects."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks
        self.reads = 0
        self.gone = asyncio.Event()
        self.status: int | None = None
        self.headers: dict[str, str] = {}
        self.body = b""
        self.streamed: list[bytes] | None = None
        self.closed: int | None = None

    async def __call__(self) -> bytes:
        self.reads += 1
        return b"".join(self.chunks)

    def __aiter__(self) -> AsyncIterator[bytes]:
        async def chunks() -> AsyncIterator[bytes]:
            self.reads += 1
            for chunk in self.chunks:
                yield chunk

        return chunks()

    async def client_disconnect(self) -> None:
        await self.gone.wait()

    def response_bytes(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        assert self.status is None, "answered twice"
        self.status, self.headers, self.body = status, dict(headers), body

    def response_empty(self, status: int, headers: list[tuple[str, str]]) -> None:
        self.response_bytes(status, headers, b"")

    def response_stream(self, status: int, headers: list[tuple[str, str]]) -> Protocol:
        self.response_bytes(status, headers, b"")
        self.streamed = []
        return self

    async def send_bytes(self, data: bytes) -> None:
        assert self.streamed is not None
        self.streamed.append(data)

    def close(self, status: int) -> None:
        self.closed = status


def serve(front: RsgiFront, *requests: tuple[Scope, Protocol]) -> None:
    """Start `front` as granian does (lifespan first), answer `requests` in order, stop it."""
    loop = asyncio.new_event_loop()
    try:
        front.__rsgi_init__(loop)
        for scope, protocol in requests:
            loop.run_until_complete(front.__rsgi__(scope, protocol))
        front.__rsgi_del__(loop)
    finally:
        loop.close()


def post_json(path: str, body: bytes, chunks: int = 1, extra: list[tuple[str, str]] | None = None) -> Any:
    size = -(-len(body) // chunks) or 1
    parts = [body[i : i + size] for i in range(0, len(body), size)]
    headers = [("content-type", "application/json"), ("content-length", str(len(body))), *(extra or [])]
    return Scope("POST", path, headers), Protocol(parts)


def _litestar(models: ModelService, env: dict[str, str] | None = None, routes: Any = ()) -> Litestar:
    container = make_container(models=models, vocabulary=InMemoryVocabularyRepository(), env=env)
    return create_app(container, playground=False, fast_predict=False, extra_routes=routes)


def _front(models: ModelService, env: dict[str, str] | None = None, routes: Any = ()) -> RsgiFront:
    app = _litestar(models, env, routes)
    return RsgiFront(app, PredictAnswers(models, cors=app.cors_config is not None))


def _comparable(status: int, body: bytes, headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
    # granian adds content-length itself to a response given in one piece
    return status, body, {k: v for k, v in headers.items() if k not in ("x-request-id", "content-length")}


@pytest.mark.parametrize("env", [None, {"ALLOWED_ORIGINS": "https://example.org"}])
def test_every_prediction_body_gets_what_litestar_answers(registry, env):
    requests = [post_json("/v1/predict", body, extra=[("origin", "https://example.org")]) for body in BODIES]
    serve(_front(ModelService(registry, "tiny-relu"), env), *requests)
    with TestClient(_litestar(ModelService(registry, "tiny-relu"), env)) as client:
        for body, (_, protocol) in zip(BODIES, requests, strict=True):
            want = client.post("/v1/predict", content=body, headers={"origin": "https://example.org"})
            got = _comparable(protocol.status, protocol.body, protocol.headers)
            assert got == _comparable(want.status_code, want.content, dict(want.headers)), body[:80]


class Recorder:
    """An ASGI app that records each request's scope and whole body, and answers 418."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        self.scopes: list[dict[str, Any]] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        body = await read_asgi_body(receive)
        self.scopes.append(scope)
        self.bodies.append(body)
        await send({"type": "http.response.start", "status": 418, "headers": [(b"x-seen", b"yes")]})
        await send({"type": "http.response.body", "body": b"tea"})


def test_the_plain_prediction_is_answered_in_front_and_anything_else_reaches_the_app_whole(models):
    models.start()
    behind = Recorder()
    front = RsgiFront(behind, PredictAnswers(models, cors=True))
    plain = json.dumps({"pixels": DIGIT}).encode()
    declined = [json.dumps({"pixels": DIGIT, "model": "x"}).encode(), b"{"]
    answered = post_json("/v1/predict", plain, extra=[("x-request-id", "abc-1")])
    others = [post_json("/v1/predict", body, chunks=2) for body in declined]
    cross_origin = post_json("/v1/predict", plain, extra=[("origin", "https://example.org")])
    serve(front, answered, *others, cross_origin)
    protocol = answered[1]
    assert protocol.status == 200
    assert protocol.headers == {"content-type": "application/json", "x-request-id": "abc-1"}
    assert json.loads(protocol.body)["model"] == "tiny-relu"
    assert [p.status for _, p in [*others, cross_origin]] == [418, 418, 418]
    assert behind.bodies == [*declined, plain]


def test_a_request_reaches_the_asgi_app_with_the_scope_granian_would_build():
    behind = Recorder()
    headers = [("host", "h"), ("x-dup", "1"), ("x-dup", "2")]
    scope = Scope("GET", "/words/café/a b", headers, query="q=%20a&w=é")
    protocol = Protocol([])
    serve(RsgiFront(behind, None), (scope, protocol))
    seen = behind.scopes[0]
    assert seen["type"] == "http"
    assert seen["path"] == "/words/café/a b"
    assert seen["raw_path"] == b"/words/caf%C3%A9/a%20b"
    assert seen["query_string"] == "q=%20a&w=é".encode()
    assert seen["headers"] == [(b"host", b"h"), (b"x-dup", b"1"), (b"x-dup", b"2")]
    assert seen["server"] == ("127.0.0.1", 8000)
    assert seen["client"] == ("127.0.0.1", 50000)
    assert (protocol.status, protocol.headers, protocol.body) == (418, {"x-seen": "yes"}, b"tea")


@post("/echo-size", status_code=200)
async def echo_size(request: Request[Any, Any, Any]) -> dict[str, int]:
    return {"size": len(await request.body())}


Agent = Annotated[str, HeaderParameter(name="user-agent")]


@get("/words/{word:str}")
async def word(word: FromPath[str], q: Annotated[str, QueryParameter()], agent: Agent) -> dict[str, str]:
    return {"word": word, "q": q, "agent": agent}


@get("/stream")
async def stream() -> Stream:
    async def parts() -> AsyncIterator[bytes]:
        for part in (b"one,", b"two,", b"three"):
            yield part

    return Stream(parts(), media_type="text/plain")


def test_litestar_routes_bodies_and_streams_through_the_bridge(models):
    front = _front(models, routes=[echo_size, word, stream])
    big = post_json("/echo-size", b"x" * 300_000, chunks=7)
    too_big = post_json("/echo-size", b"x" * (MAX_BODY_BYTES + 1), chunks=5)
    lookup = Scope("GET", "/words/café", [("user-agent", "t/1")], query="q=%C3%A9t%C3%A9")
    streamed = Scope("GET", "/stream", [])
    missing = Scope("GET", "/nowhere", [])
    requests = [big, too_big, (lookup, Protocol([])), (streamed, Protocol([])), (missing, Protocol([]))]
    serve(front, *requests)
    statuses = [p.status for _, p in requests]
    assert statuses == [200, 413, 200, 200, 404]
    assert json.loads(requests[0][1].body) == {"size": 300_000}
    assert json.loads(requests[2][1].body) == {"word": "café", "q": "été", "agent": "t/1"}
    assert requests[3][1].streamed == [b"one,", b"two,", b"three"]
    assert requests[3][1].headers["content-type"].startswith("text/plain")
    assert requests[4][1].headers["content-type"] == "application/json"


def _app_of(handler: Callable[[Any, Any], Coroutine[Any, Any, None]]) -> Any:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await Recorder()(scope, receive, send)
        else:
            await handler(receive, send)

    return app


def test_after_the_body_receive_waits_for_the_client_to_go_away():
    messages: list[dict[str, Any]] = []
    protocol = Protocol([b"ab", b"c"])

    async def handler(receive: Any, send: Any) -> None:
        while not messages or messages[-1].get("more_body"):
            messages.append(await receive())
        protocol.gone.set()
        messages.append(await receive())
        await send({"type": "http.response.start", "status": 204, "headers": []})

    serve(RsgiFront(_app_of(handler), None), (Scope("POST", "/x", []), protocol))
    assert [m["type"] for m in messages] == ["http.request"] * 3 + ["http.disconnect"]
    assert b"".join(m["body"] for m in messages[:3]) == b"abc"
    assert (protocol.status, protocol.body) == (204, b"")  # no body message: an empty answer


def test_an_app_that_fails_before_answering_gets_a_generic_500_and_a_log_line(caplog):
    async def handler(receive: Any, send: Any) -> None:
        raise RuntimeError("secret detail")

    protocol = Protocol([])
    serve(RsgiFront(_app_of(handler), None), (Scope("GET", "/", []), protocol))
    assert protocol.status == 500
    assert b"secret" not in protocol.body
    assert "secret detail" in caplog.text


def test_the_lifespan_runs_before_serving_and_on_shutdown():
    events: list[str] = []
    app = Litestar([], on_startup=[lambda: events.append("up")], on_shutdown=[lambda: events.append("down")])
    front = RsgiFront(app, None)
    loop = asyncio.new_event_loop()
    try:
        front.__rsgi_init__(loop)
        assert events == ["up"]
        front.__rsgi_del__(loop)
        assert events == ["up", "down"]
    finally:
        loop.close()


def test_a_failing_startup_stops_the_worker():
    def fail() -> None:
        raise RuntimeError("no")

    loop = asyncio.new_event_loop()
    try:
        with pytest.raises(SystemExit):
            RsgiFront(Litestar([], on_startup=[fail]), None).__rsgi_init__(loop)
    finally:
        loop.close()


def test_websockets_are_refused():
    scope = Scope("GET", "/ws", [])
    scope.proto = "ws"
    protocol = Protocol([])
    serve(RsgiFront(Recorder(), None), (scope, protocol))
    assert protocol.closed == 403


LOOKUPS = [
    ("/v1/dictionary/words/en/café", ""),
    ("/v1/dictionary/words/en/cafe", ""),
    ("/v1/dictionary/words/en/café", "include_all=false"),
    ("/v1/dictionary/words/en/absent", ""),
    ("/v1/dictionary/words/fr/café", ""),
    ("/v1/dictionary/words/en/definitions", ""),
    ("/v1/dictionary/words/en/a/b", ""),
    ("/v1/dictionary/words/en/" + "x" * 300, ""),
    ("/v1/dictionary/words/1", ""),
]
WORDS = [
    {
        "word_text": "café",
        "language_code": "en",
        "definitions": [{"definition_text": "A coffee house.", "part_of_speech": "noun"}],
    },
    {
        "word_text": "cafe",
        "language_code": "en",
        "word_forms": [{"form_text": "cafes", "form_type": "plural"}],
    },
    {"word_text": "definitions", "language_code": "en"},
]


def _dictionary_front(models: ModelService, env: dict[str, str] | None, vocabulary: Any) -> RsgiFront:
    container = make_container(models=models, vocabulary=vocabulary, env=env)
    app = create_app(container, playground=False, fast_predict=False)
    cors = app.cors_config is not None
    return RsgiFront(app, None, LookupAnswers(app.routes, app.state.database, cors=cors))


def _gets(*extra: tuple[str, str]) -> list[tuple[Scope, Protocol]]:
    return [(Scope("GET", path, list(extra), query=query), Protocol([])) for path, query in LOOKUPS]


@pytest.mark.parametrize("env", [None, {"ALLOWED_ORIGINS": "https://example.org"}])
def test_every_lookup_gets_what_litestar_answers(models, env):
    vocabulary = InMemoryVocabularyRepository()
    create = post_json("/v1/dictionary/words", json.dumps(WORDS).encode())
    requests = _gets(("origin", "https://example.org"))
    serve(_dictionary_front(models, env, vocabulary), create, *requests)
    assert create[1].status == 201
    app = create_app(make_container(models=models, vocabulary=vocabulary, env=env), playground=False)
    with TestClient(app) as client:
        for (path, query), (_, protocol) in zip(LOOKUPS, requests, strict=True):
            want = client.get(path, params=query or None, headers={"origin": "https://example.org"})
            got = _comparable(protocol.status, protocol.body, protocol.headers)
            assert got == _comparable(want.status_code, want.content, dict(want.headers)), (path, query)
    assert [p.status for _, p in requests] == [200, 200, 200, 404, 404, 200, 404, 404, 200]


class CountingVocabulary(InMemoryVocabularyRepository):
    def __init__(self) -> None:
        super().__init__()
        self.finds = 0

    async def find_word(self, *args: Any, **kwargs: Any) -> Any:
        self.finds += 1
        return await super().find_word(*args, **kwargs)


def test_a_plain_lookup_is_answered_in_front_and_a_miss_or_an_outage_by_litestar(models):
    vocabulary = CountingVocabulary()
    create = post_json("/v1/dictionary/words", json.dumps(WORDS).encode())
    hit = (Scope("GET", LOOKUPS[0][0], [("x-request-id", "req-7")]), Protocol([]))
    miss = (Scope("GET", "/v1/dictionary/words/en/absent", []), Protocol([]))
    serve(_dictionary_front(models, None, vocabulary), create, hit, miss)
    assert (hit[1].status, hit[1].headers) == (
        200,
        {"content-type": "application/json", "x-request-id": "req-7"},
    )
    assert json.loads(hit[1].body)["word_text"] == "café"
    assert miss[1].status == 404
    assert miss[1].headers["x-request-id"]  # Litestar's answer, with its request id
    assert vocabulary.finds == 3  # the hit once; the miss in front, then again in Litestar's handler

    def unreachable() -> Any:
        raise OSError("connection refused")

    down = (Scope("GET", LOOKUPS[0][0], []), Protocol([]))
    serve(_dictionary_front(models, None, unreachable), down)
    assert down[1].status == 503
    assert "unavailable" in json.loads(down[1].body)["detail"]

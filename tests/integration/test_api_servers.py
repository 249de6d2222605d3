"""`hippo serve`'s other server options answer as the default (granian's RSGI interface) does.

The default is covered by every other API test; here granian's ASGI interface (the ASGI fast path in
front of Litestar) and uvicorn serve the same database and model, and must give the same answers.
"""

from __future__ import annotations

import httpx
import pytest

from hippo.adapters.mnist_samples import PackagedMnistSamples
from tests.integration.api_server import AUTH, TOKEN, LiveServer, start_server

DIGITS = PackagedMnistSamples().samples().images[:3]
REQUESTS = [
    ("POST", "/v1/predict", {"pixels": DIGITS[0].tolist()}),
    ("POST", "/v1/predict", {"pixels": DIGITS[1].tolist(), "preprocess": "mnist"}),
    ("POST", "/v1/predict/batch", {"images": [d.tolist() for d in DIGITS]}),
    ("POST", "/v1/predict", {"pixels": [*DIGITS[2].tolist()[:-1], 1.5]}),
    ("POST", "/v1/predict", {"pixels": ["0.5"] * 784}),
    ("GET", "/v1/models", None),
    ("GET", "/v1/dictionary/words/en/caf%C3%A9", None),
    ("GET", "/v1/dictionary/words/en/absent", None),
    ("GET", "/v1/dictionary/words?search=ca%25&language=en", None),
    ("GET", "/v1/dictionary/words?search=caf%C3%A9&language=en&include_all=true", None),
    ("DELETE", "/v1/predict", None),
]


@pytest.mark.parametrize("options", [["--interface", "asgi"], ["--server", "uvicorn"]], ids=" ".join)
def test_other_server_options_answer_as_the_default(api, api_server: LiveServer, tmp_path, options):
    created = api.post(
        "/v1/dictionary/words", json={"word_text": "café", "language_code": "en"}, headers=AUTH
    )
    assert created.status_code == 201
    env = {"DATABASE_URL": api_server.database_url, "HIPPO_ADMIN_TOKEN": TOKEN}
    env |= {"HIPPO_DATA_DIR": str(tmp_path / "data"), "HIPPO_MODEL_DIR": str(tmp_path / "models")}
    other = start_server(env, tmp_path / "server.log", options=options)
    try:
        with httpx.Client(base_url=other.base_url, timeout=30.0) as client:
            for method, path, body in REQUESTS:
                want = api.request(method, path, json=body)
                got = client.request(method, path, json=body)
                assert (got.status_code, got.json()) == (want.status_code, want.json()), path
            assert client.get("/healthz").json()["status"] == "healthy"
    finally:
        other.stop()

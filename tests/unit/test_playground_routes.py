"""The playground's routes serve the packaged page and assets; the page loads nothing from other hosts."""

from __future__ import annotations

import re

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from hippo.entrypoints.http.playground import STATIC_DIR, playground_routes

ASSETS = ("index.html", "app.css", "app.js")


@pytest.fixture(scope="module")
def client():
    with TestClient(app=Litestar(route_handlers=playground_routes())) as client:
        yield client


def test_the_page_is_served_at_the_root_with_a_same_origin_content_security_policy(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.text == (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "no-cache" in response.headers["cache-control"]


@pytest.mark.parametrize(("name", "media_type"), [("app.js", "javascript"), ("app.css", "text/css")])
def test_the_assets_the_page_references_are_served(client, name, media_type):
    page = client.get("/").text
    assert f'"/static/{name}"' in page
    response = client.get(f"/static/{name}")
    assert response.status_code == 200
    assert media_type in response.headers["content-type"]
    assert response.content == (STATIC_DIR / name).read_bytes()


def test_a_missing_asset_is_a_404_not_a_500(client):
    assert client.get("/static/nope.js").status_code == 404


@pytest.mark.parametrize("name", ASSETS)
def test_no_asset_loads_anything_from_another_host(name):
    text = (STATIC_DIR / name).read_text(encoding="utf-8")
    # Any absolute URL (http:, https:, protocol-relative //host) would break offline use.
    absolute = re.findall(r"""(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}""", text, flags=re.IGNORECASE)
    assert absolute == []
    assert "@import" not in text


def test_the_page_uses_only_the_public_api_paths_of_the_contract():
    script = (STATIC_DIR / "app.js").read_text(encoding="utf-8")
    paths = set(re.findall(r'"(/(?:v1|healthz)[^"]*)"', script))
    assert paths == {
        "/healthz",
        "/v1/models",
        "/v1/predict",
        "/v1/activations",
        "/v1/mnist/samples",
        "/v1/dictionary/words",
        "/v1/dictionary/relations",
    }


def test_every_control_on_the_page_has_a_label():
    page = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    for control_id in re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', page):
        assert f'for="{control_id}"' in page, f"#{control_id} has no <label for=...>"
    for canvas in re.findall(r"<canvas[^>]*>", page):
        assert "aria-label=" in canvas

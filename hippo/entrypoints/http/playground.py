"""The playground page at `/`: static HTML, CSS and plain JavaScript shipped in the package.

The page uses only the public API (`/v1/predict`, `/v1/activations`, `/v1/models`, `/v1/mnist/samples`,
`/v1/dictionary/...`); it has no build step and loads nothing from other hosts, so it works offline.
`create_app` registers `playground_routes()`.
"""

from __future__ import annotations

from pathlib import Path

from litestar import Response, Router, get
from litestar.datastructures import CacheControlHeader
from litestar.handlers import HTTPRouteHandler
from litestar.static_files import create_static_files_router

STATIC_DIR = Path(__file__).with_name("static")
"""`index.html`, `app.css` and `app.js`, packaged with `hippo` (hatch ships the whole package directory)."""

STATIC_PATH = "/static"

# Everything comes from this origin; no inline scripts, no third-party hosts.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

# Browsers revalidate every time (cheap: ETag / Last-Modified), so a new release is never shadowed.
_REVALIDATE = CacheControlHeader(no_cache=True)


@get("/", include_in_schema=False, sync_to_thread=False, cache_control=_REVALIDATE)
def playground_index() -> Response[bytes]:
    """Serve the playground page."""
    return Response(
        content=(STATIC_DIR / "index.html").read_bytes(),
        media_type="text/html; charset=utf-8",
        headers={
            "Content-Security-Policy": CONTENT_SECURITY_POLICY,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )


def playground_routes() -> list[HTTPRouteHandler | Router]:
    """Route handlers for the page (`/`) and its assets (`/static/...`), for `create_app`."""
    assets = create_static_files_router(
        path=STATIC_PATH,
        directories=[STATIC_DIR],
        name="playground-static",
        cache_control=_REVALIDATE,
        include_in_schema=False,
    )
    return [playground_index, assets]

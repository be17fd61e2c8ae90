"""The web client (issue 9): `/` serves `hubbub/web/static/index.html`, `/static/...` its
ES modules, stylesheet and images, all from the package (no CDN, no build step).

Every response carries a strict Content-Security-Policy: the page runs only scripts and
styles served from here, so even a sanitiser miss in a message's `content_html` cannot
execute script. Routing in the client is by URL hash (`/#/rooms/12`), so `/` is the only
page route and every other path keeps its meaning (`/api`, `/gateway`, `/docs`, ...).
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from fastapi import APIRouter, Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from hubbub.server.api.errors import error_response

STATIC_DIR = Path(__file__).resolve().parent.parent / "web" / "static"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data: blob:; connect-src 'self' ws: wss:; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

# Only these kinds are served: anything else under static/ (a stray editor file, a
# README) is not part of the client and answers 404 like a missing file.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".json": "application/json",
}


@functools.cache
def _assets() -> dict[str, tuple[bytes, str, str]]:
    """Every servable file by its path under static/: (body, content type, ETag), read
    once per process (the files ship with the package and do not change while it runs).
    A request only looks its path up here, so no path can reach outside the directory,
    and unknown paths cost nothing to remember."""
    found: dict[str, tuple[bytes, str, str]] = {}
    for path in sorted(STATIC_DIR.rglob("*")):
        relative = path.relative_to(STATIC_DIR)
        media = CONTENT_TYPES.get(path.suffix.lower())
        hidden = any(part.startswith(".") for part in relative.parts)
        if media is None or hidden or not path.is_file():
            continue
        body = path.read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        found[relative.as_posix()] = (body, media, etag)
    return found


def _asset(relative: str) -> tuple[bytes, str, str] | None:
    return _assets().get(relative)


def _not_found(relative: str) -> Response:
    response = error_response(404, "asset_not_found", f"no static asset {relative!r}")
    response.headers.update(SECURITY_HEADERS)
    return response


async def index(request: Request) -> Response:
    found = _asset("index.html")
    if found is None:  # a broken install: say so as a typed error, not a 500
        return _not_found("index.html")
    body, media, _etag = found
    # no-cache: the page names the modules, so a new release must be seen at once.
    headers = {**SECURITY_HEADERS, "Cache-Control": "no-cache"}
    return Response(body, media_type=media, headers=headers)


async def asset(request: Request, path: str) -> Response:
    found = _asset(path)
    if found is None:
        return _not_found(path)
    body, media, etag = found
    # Revalidated on every use (no-cache + ETag): the module URLs carry no version, so
    # a long max-age would keep stale modules after an upgrade.
    headers = {**SECURITY_HEADERS, "Cache-Control": "no-cache", "ETag": etag}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media, headers=headers)


@functools.cache
def routes() -> tuple[BaseRoute, ...]:
    """Built once per process like the REST routes (app._api_routes): they hold no
    per-app state. The assets are read here, while the app is being built, so that no
    request handler ever waits on the disk inside the event loop."""
    _assets()
    router = APIRouter()
    router.add_api_route("/", index, methods=["GET"], include_in_schema=False)
    router.add_api_route("/static/{path:path}", asset, methods=["GET"], include_in_schema=False)
    return tuple(router.routes)

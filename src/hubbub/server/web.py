"""The web client (issue 9): `/` serves `hubbub/web/static/index.html`, `/static/...` its
ES modules, stylesheet and images, all from the package (no CDN, no build step).

The page names its assets under a release prefix, `/static/r-<release>/...`, where the
release is a digest of every asset: those URLs never change content, so the browser keeps
them for a year without asking again (a reload costs one request, the page's), and a new
release is new URLs. The modules import each other by relative paths, so they all
resolve under the prefix with no build step rewriting them. The page also lists every
module as a `modulepreload`, so a first visit fetches them in parallel instead of one
level of imports at a time. The plain `/static/<path>` stays served, revalidated by ETag.

Every response carries a strict Content-Security-Policy: the page runs only scripts and
styles served from here, so even a sanitiser miss in a message's `content_html` cannot
execute script. Routing in the client is by URL hash (`/#/rooms/12`), so `/` is the only
page route and every other path keeps its meaning (`/api`, `/gateway`, `/docs`, ...).
"""

from __future__ import annotations

import functools
import hashlib
import re
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


# `r-` and 16 hex digits: no real folder of the client is named like that.
_RELEASED = re.compile(r"r-([0-9a-f]{16})/(.+)")
_IMMUTABLE = "public, max-age=31536000, immutable"


@functools.cache
def release() -> str:
    """A digest of every asset (path and content): the same on every process serving the
    same files, so a load balancer may send each request anywhere."""
    digest = hashlib.sha256()
    for relative, (_body, _media, etag) in sorted(_assets().items()):
        digest.update(f"{relative}\0{etag}\n".encode())
    return digest.hexdigest()[:16]


@functools.cache
def _page() -> bytes | None:
    """index.html with its assets under the release prefix and every module preloaded."""
    found = _asset("index.html")
    if found is None:
        return None
    prefix = f"/static/r-{release()}/"
    html = found[0].decode().replace('"/static/', f'"{prefix}')
    # Classic scripts (theme-boot.js runs before the stylesheets) are not modules.
    classic = set(re.findall(r'<script src="' + re.escape(prefix) + r'([^"]+)"', html))
    modules = sorted(
        r for r in _assets() if r.endswith(".js") and r not in classic and r != "app.js"
    )
    preload = "".join(f'<link rel="modulepreload" href="{prefix}{r}">\n' for r in modules)
    entry = f'<script type="module" src="{prefix}app.js"></script>'
    if entry in html:
        html = html.replace(entry, preload + entry, 1)
    return html.encode()


def _not_found(message: str) -> Response:
    response = error_response(404, "asset_not_found", message)
    response.headers.update(SECURITY_HEADERS)
    return response


async def index(request: Request) -> Response:
    body = _page()
    if body is None:  # a broken install: say so as a typed error, not a 500
        return _not_found("no static asset 'index.html'")
    # no-cache: the page names the release, so a new release must be seen at once.
    headers = {**SECURITY_HEADERS, "Cache-Control": "no-cache"}
    return Response(body, media_type=CONTENT_TYPES[".html"], headers=headers)


async def asset(request: Request, path: str) -> Response:
    released = _RELEASED.fullmatch(path)
    wanted, relative = (released.group(1), released.group(2)) if released else (None, path)
    found = _asset(relative)
    if found is None:
        return _not_found(f"no static asset {relative!r}")
    if wanted is not None and wanted != release():
        # A page of another release (an upgrade happened since it loaded): this server
        # has only its own files, and serving them under that name would mix versions.
        return _not_found(f"release {wanted} is not this server's ({release()}): reload the page")
    body, media, etag = found
    # A release URL never changes content: kept for a year. The plain path carries no
    # version, so it is revalidated on every use (no-cache + ETag).
    cache = _IMMUTABLE if wanted is not None else "no-cache"
    headers = {**SECURITY_HEADERS, "Cache-Control": cache, "ETag": etag}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media, headers=headers)


@functools.cache
def routes() -> tuple[BaseRoute, ...]:
    """Built once per process like the REST routes (app._api_routes): they hold no
    per-app state. The assets are read here, while the app is being built, so that no
    request handler ever waits on the disk inside the event loop."""
    _page()
    router = APIRouter()
    router.add_api_route("/", index, methods=["GET"], include_in_schema=False)
    router.add_api_route("/static/{path:path}", asset, methods=["GET"], include_in_schema=False)
    return tuple(router.routes)

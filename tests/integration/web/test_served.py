"""The web client as served by a real server (issue 9, first slice): the page and its
assets arrive with the security headers and right content types, the HTML carries no
inline script or handler, every referenced asset is served, nothing points off-site,
and the other routes keep their meaning. Browser tests come with the Playwright slice.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

from hubbub.server.web import CSP, STATIC_DIR, release
from hubbub.testing import TestServer

HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}
EXTERNAL = re.compile(r"""(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}""", re.IGNORECASE)
IMPORT = re.compile(r"""(?:import|from)\s*(?:[^'"]*?\s+from\s+)?["'](\.{1,2}/[^"']+)["']""")


class _Page(HTMLParser):
    """Collects what the CSP test needs: script tags, handlers and referenced assets."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.inline: list[str] = []
        self.handlers: list[str] = []
        self.refs: list[str] = []
        self.preloads: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.handlers += [name for name, _ in attrs if name.lower().startswith("on")]
        if tag == "script":
            self.scripts.append(found)
            self._in_script = True
        for name in ("src", "href"):
            value = found.get(name)
            if value and value.startswith("/"):
                self.refs.append(value)
        if tag == "link" and found.get("rel") == "modulepreload" and found.get("href"):
            self.preloads.append(str(found["href"]))
        if tag == "style" or "style" in found:
            self.inline.append(f"<{tag} style>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline.append(data)


def _static_files() -> list[Path]:
    return sorted(p for p in STATIC_DIR.rglob("*") if p.is_file())


async def test_index_is_served_with_the_security_headers(lite: TestServer) -> None:
    async with httpx.AsyncClient(base_url=lite.url) as http:
        page = await http.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-cache"
    for name, value in HEADERS.items():
        assert page.headers[name] == value
    parsed = _Page()
    parsed.feed(page.text)
    assert parsed.scripts and all(s.get("src") for s in parsed.scripts)
    assert parsed.inline == []
    assert parsed.handlers == []
    # The hooks the browser tests rely on (docs/web.md lists them).
    hooks = ("login-form", "room-list", "message-list", "composer-input", "connection-banner")
    for testid in hooks:
        assert f'data-testid="{testid}"' in page.text
    assert 'role="log"' in page.text and 'aria-live="polite"' in page.text


async def test_every_asset_the_page_and_its_modules_reference_is_served(lite: TestServer) -> None:
    async with httpx.AsyncClient(base_url=lite.url) as http:
        page = await http.get("/")
        parsed = _Page()
        parsed.feed(page.text)
        prefix = f"/static/r-{release()}/"
        pending = list(parsed.refs)
        # Every asset the page names is under the release prefix, kept for a year.
        assert all(ref.startswith(prefix) for ref in pending if ref.startswith("/static/"))
        seen: set[str] = set()
        while pending:
            url = pending.pop()
            if url in seen:
                continue
            seen.add(url)
            got = await http.get(url)
            assert got.status_code == 200, url
            assert got.headers["cache-control"] == "public, max-age=31536000, immutable", url
            for name, value in HEADERS.items():
                assert got.headers[name] == value, (url, name)
            if url.endswith(".js"):
                assert got.headers["content-type"].startswith("text/javascript")
                base = url.rsplit("/", 1)[0]
                for rel in IMPORT.findall(got.text):
                    joined = f"{base}/{rel}"
                    while "/./" in joined or "/../" in joined:
                        joined = re.sub(r"/[^/]+/\.\./", "/", joined.replace("/./", "/"), count=1)
                    pending.append(joined)
            elif url.endswith(".css"):
                assert got.headers["content-type"].startswith("text/css")
    # The page, its stylesheet, the entry module and the modules it imports.
    assert f"{prefix}app.css" in seen and f"{prefix}app.js" in seen
    modules = ("api", "gateway", "messages", "sidebar", "indicators")
    assert {f"{prefix}js/{name}.js" for name in modules} <= seen
    served = {f"{prefix}{p.relative_to(STATIC_DIR).as_posix()}" for p in _static_files()}
    assert served - {f"{prefix}index.html"} <= seen, "a static file nothing references"
    # Every module the entry imports, however deep, is preloaded by the page itself.
    imported = {url for url in seen if url.endswith(".js")} - {f"{prefix}app.js"}
    classic = {str(s["src"]) for s in parsed.scripts if s.get("type") != "module"}
    assert set(parsed.preloads) == imported - classic


async def test_released_assets_are_immutable_and_another_release_is_a_typed_404(
    lite: TestServer,
) -> None:
    prefix = f"/static/r-{release()}/"
    async with httpx.AsyncClient(base_url=lite.url) as http:
        first = await http.get(f"{prefix}app.js")
        again = await http.get(f"{prefix}app.js", headers={"If-None-Match": first.headers["etag"]})
        plain = await http.get("/static/app.js")
        stale = await http.get("/static/r-0123456789abcdef/app.js")
        missing = await http.get(f"{prefix}nope.js")
        escaping = await http.get(f"{prefix}../web.py")
    assert first.status_code == 200 and first.content == plain.content
    assert again.status_code == 304 and again.content == b""
    assert stale.status_code == 404
    assert stale.json()["error"]["code"] == "asset_not_found"
    assert "reload the page" in stale.json()["error"]["message"]
    assert stale.headers["content-security-policy"] == CSP
    for got in (missing, escaping):
        assert got.status_code == 404
        assert got.json()["error"]["code"] in ("asset_not_found", "route_not_found")


async def test_assets_revalidate_with_an_etag(lite: TestServer) -> None:
    async with httpx.AsyncClient(base_url=lite.url) as http:
        first = await http.get("/static/app.js")
        etag = first.headers["etag"]
        again = await http.get("/static/app.js", headers={"If-None-Match": etag})
        other = await http.get("/static/app.js", headers={"If-None-Match": '"stale"'})
    assert first.headers["cache-control"] == "no-cache"
    assert again.status_code == 304 and again.content == b""
    assert other.status_code == 200 and other.content == first.content


@pytest.mark.parametrize(
    "path",
    [
        "/static/nope.js",
        "/static/js/nope.js",
        "/static/",
        "/static/../web.py",
        "/static/%2e%2e/%2e%2e/server/web.py",
        "/static/..%2f..%2fserver%2fweb.py",
        "/static/js/../../__init__.py",
        "/static/.hidden.js",
        "/static/app.js.map",
    ],
)
async def test_unknown_or_escaping_asset_paths_are_a_typed_404(lite: TestServer, path: str) -> None:
    async with httpx.AsyncClient(base_url=lite.url) as http:
        got = await http.get(path)
    assert got.status_code == 404
    assert got.headers["content-type"].startswith("application/json")
    assert got.json()["error"]["code"] in ("asset_not_found", "route_not_found")
    assert "from __future__" not in got.text


async def test_the_other_routes_keep_their_meaning(lite: TestServer) -> None:
    async with httpx.AsyncClient(base_url=lite.url) as http:
        health = await http.get("/healthz")
        docs = await http.get("/docs")
        metrics = await http.get("/metrics")
        api = await http.get("/api/v1/users/me")
        unknown = await http.get("/nowhere")
        schema = (await http.get("/openapi.json")).json()
    assert health.status_code == 200 and health.json()["status"] == "ok"
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    assert metrics.status_code == 200
    assert api.status_code == 401 and api.json()["error"]["code"]
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "route_not_found"
    # The page routes are no part of the API's schema.
    assert "/" not in schema["paths"] and not any(p.startswith("/static") for p in schema["paths"])


def test_no_static_file_references_anything_off_site() -> None:
    files = _static_files()
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not EXTERNAL.search(text), (path.name, EXTERNAL.search(text))
        assert "eval(" not in text and "new Function" not in text, path.name
        if path.suffix == ".html":
            assert not re.search(r"\son[a-z]+\s*=", text, re.IGNORECASE), path.name
            assert "javascript:" not in text.lower(), path.name


def test_only_message_html_is_assigned_as_html() -> None:
    # Safe by construction: content_html (sanitised by the server) is the one string
    # the client parses as HTML; everything else is set with textContent.
    sinks = re.compile(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write")
    uses = [
        (path.name, line.strip())
        for path in _static_files()
        if path.suffix == ".js"
        for line in path.read_text(encoding="utf-8").splitlines()
        if sinks.search(line) and not line.strip().startswith("//")
    ]
    assert [name for name, _ in uses] == ["messages.js"]
    assert "body.innerHTML = message.content_html;" in uses[0][1]


API_CALL = re.compile(
    r"""api\(\s*(?:\w+ \? "PUT" : "DELETE"|"(GET|POST|PUT|PATCH|DELETE)")\s*,\s*[`"]([^`"]+)[`"]"""
)


async def test_every_rest_call_of_the_client_is_a_route_of_the_api(lite: TestServer) -> None:
    # The client is built only on the public contract: each `api(method, path)` it makes
    # names a documented route and method (path parameters as `${...}`).
    async with httpx.AsyncClient(base_url=lite.url) as http:
        schema = (await http.get("/openapi.json")).json()
    routes = [
        (re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"), methods)
        for path, methods in schema["paths"].items()
    ]
    calls: list[tuple[str, str]] = []
    for path in _static_files():
        if path.suffix != ".js":
            continue
        for match in API_CALL.finditer(path.read_text(encoding="utf-8")):
            method, template = match.group(1), match.group(2)
            concrete = "/api/v1" + re.sub(r"\$\{[^}]+\}", "1", template.split("?", 1)[0])
            for verb in [method] if method else ["PUT", "DELETE"]:
                calls.append((verb, concrete))
    assert len(calls) >= 20
    for verb, concrete in calls:
        matching = [methods for pattern, methods in routes if pattern.match(concrete)]
        assert any(verb.lower() in methods for methods in matching), (verb, concrete)


def test_every_element_the_modules_look_up_is_in_the_page() -> None:
    page = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    ids = set(re.findall(r'\sid="([^"]+)"', page))
    wanted = {
        name
        for path in _static_files()
        if path.suffix == ".js"
        for name in re.findall(r'byId\("([^"]+)"\)', path.read_text(encoding="utf-8"))
    }
    assert len(wanted) >= 30
    assert wanted <= ids, wanted - ids


def test_the_clients_permission_bits_are_the_servers() -> None:
    # The space dialogs decide what to offer from permission bits; a bit renumbered on
    # the server must not silently offer the wrong control in the browser.
    from hubbub.server.permissions import Perm

    js = STATIC_DIR / "js"
    roles = (js / "spaces-roles.js").read_text(encoding="utf-8")
    listed = dict(re.findall(r'\["(\w+)", (\d+), "', roles))
    assert listed, "no permission table found in spaces-roles.js"
    assert {name: 1 << int(bit) for name, bit in listed.items()} == {
        p.name.lower(): int(p) for p in Perm if p.name
    }
    ui = (js / "spaces-ui.js").read_text(encoding="utf-8")
    for name, shift in re.findall(r"(\w+): 1 << (\d+),", ui):
        assert int(Perm[name]) == 1 << int(shift), name

"""`/docs`: Swagger UI served from the package's own files, so the API docs render on a
machine with no route to a CDN (FastAPI's default page loads them from jsDelivr)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs/assets"


def _swagger_dir() -> Path:
    # Located, not imported: the package's __init__ pulls in Jinja and PyYAML we don't need.
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("swagger-ui-py is not installed (it is in hubbub[server])")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def install(app: FastAPI) -> None:
    app.mount(ASSETS, StaticFiles(directory=_swagger_dir()), name="docs-assets")

    # The page reads the app from the request, never from this closure: FastAPI keeps
    # endpoint callables in process-wide caches, and a closure over `app` would keep
    # every app (with its routes and models) alive for the life of the process.
    @app.get("/docs", include_in_schema=False)
    async def docs(request: Request) -> HTMLResponse:
        current: FastAPI = request.app
        return get_swagger_ui_html(
            openapi_url=current.openapi_url or "/openapi.json",
            title=f"{current.title} API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
        )

"""Every error leaves as `{"error": {"code", "message", "details"}}` with its HTTP status:
HubbubError subclasses, validation failures, malformed JSON, unknown routes and the
unexpected (a logged 500 that reveals nothing)."""

from __future__ import annotations

import logging
import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from hubbub.errors import HubbubError, RateLimited
from hubbub.protocol.models import ErrorResponse
from hubbub.server.api.responses import JSON

log = logging.getLogger("hubbub.api")

_HTTP_CODES = {
    404: "route_not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
}

# What /openapi.json promises for every API route besides its success: any 4xx (and a
# 503 while the event log is unavailable) comes as the one error envelope. "4XX" also
# stops FastAPI documenting its own 422 body, which this API never sends.
DOCUMENTED: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": ErrorResponse, "description": "a typed error: `error.code` says which"},
    503: {"model": ErrorResponse, "description": "temporarily unavailable; retry shortly"},
}


def retry_after_header(seconds: float) -> str:
    """`Retry-After` in whole seconds, rounded up (never 0: a client retrying at once
    would only be refused again); `details.retry_after` keeps the exact value."""
    return str(max(1, math.ceil(seconds - 1e-9)))


def error_response(
    status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> JSON:
    body = {"error": {"code": code, "message": message, "details": details or {}}}
    headers = {}
    if details and "retry_after" in details:
        headers["Retry-After"] = retry_after_header(float(details["retry_after"]))
    return JSON(body, status_code=status, headers=headers)


def _validation(exc: RequestValidationError) -> JSON:
    errors = []
    for err in exc.errors():
        if err.get("type") == "json_invalid":
            return error_response(400, "malformed_json", "request body is not valid JSON")
        loc = [str(p) for p in err.get("loc", ())]
        errors.append(
            {"field": ".".join(loc[1:] or loc), "type": err.get("type"), "message": err.get("msg")}
        )
    missing_body = any(e["type"] == "missing" and e["field"] == "body" for e in errors)
    if missing_body:
        return error_response(400, "body_required", "a JSON request body is required")
    first = errors[0] if errors else {"field": "", "message": "invalid request"}
    return error_response(
        422,
        "validation_failed",
        f"{first['field']}: {first['message']}" if first["field"] else str(first["message"]),
        {"errors": errors},
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(HubbubError)
    async def _hubbub(_req: Request, exc: HubbubError) -> JSON:
        if exc.status >= 500:
            log.error("service error: %r", exc)
        response = error_response(exc.status, exc.code, exc.message, exc.details)
        if isinstance(exc, RateLimited):
            response.headers["Retry-After"] = retry_after_header(exc.retry_after)
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid(_req: Request, exc: RequestValidationError) -> JSON:
        return _validation(exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_req: Request, exc: StarletteHTTPException) -> JSON:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        return error_response(exc.status_code, code, str(exc.detail))

    @app.exception_handler(Exception)
    async def _unexpected(req: Request, exc: Exception) -> JSON:
        log.exception("unhandled error on %s %s", req.method, req.url.path)
        return error_response(500, "internal_error", "internal server error")

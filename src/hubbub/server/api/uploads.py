"""Multipart uploads (attachments, emojis, avatars): one bounded parser and the OpenAPI
description of such a body.

The app's body-size middleware refuses an oversized upload from its Content-Length; a
chunked body has none, so the stream is counted here as it is read and refused with the
same error the moment it passes the limit — nothing beyond it is buffered."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from fastapi import Request
from starlette.datastructures import FormData
from starlette.formparsers import MultiPartException, MultiPartParser

from hubbub.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType

# Room for the multipart framing around the file (boundary, part headers, small fields).
MULTIPART_OVERHEAD = 16 * 1024


async def read_form(
    request: Request, *, limit: int, too_large: PayloadTooLarge, max_fields: int = 1
) -> FormData:
    """The parsed form of a multipart request of at most `limit` bytes of file (plus the
    framing); `too_large` is raised past it. The caller closes the form."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise UnsupportedMediaType(
            "send the file as multipart/form-data", code="multipart_required"
        )

    async def bounded() -> AsyncGenerator[bytes, None]:
        total = 0
        async for chunk in request.stream():
            total += len(chunk)
            if total > limit + MULTIPART_OVERHEAD:
                raise too_large
            yield chunk

    parser = MultiPartParser(
        request.headers, bounded(), max_files=1, max_fields=max_fields, max_part_size=1024
    )
    try:
        return await parser.parse()
    except MultiPartException as exc:
        raise BadRequest(
            f"malformed multipart body: {exc.message}", code="invalid_multipart"
        ) from exc


def openapi_body(required: tuple[str, ...] = (), **fields: dict[str, Any]) -> dict[str, Any]:
    """`openapi_extra` for a route taking a multipart `file` and the given text fields."""
    properties = {"file": {"type": "string", "format": "binary"}, **fields}
    schema = {"type": "object", "required": ["file", *required], "properties": properties}
    content = {"multipart/form-data": {"schema": schema}}
    return {"requestBody": {"required": True, "content": content}}

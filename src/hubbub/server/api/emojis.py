"""REST routes of custom emojis (EM-01): upload (multipart), list, read, delete, and the
image itself, served without authentication because rendered messages embed it."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel
from starlette.datastructures import UploadFile

from hubbub.errors import BadRequest, PayloadTooLarge
from hubbub.protocol.models_extras import Emoji
from hubbub.server.api import uploads
from hubbub.server.api.deps import CoreDep, CtxDep
from hubbub.server.api.responses import JSON
from hubbub.server.services import emojis

router = APIRouter(tags=["emojis"])
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]
BODY_LIMIT = emojis.MAX_BYTES + uploads.MULTIPART_OVERHEAD
UPLOAD_PATH = re.compile(r"^/api/v1/spaces/[^/]+/emojis/?$")


class EmojiList(BaseModel):
    emojis: list[Emoji]


def body_limit(path: str) -> tuple[int, str] | None:
    """For the app's body-size middleware (api.lifecycle.body_limit): an oversized upload
    is refused from its Content-Length with the emoji's own error code."""
    return (BODY_LIMIT, "emoji_too_large") if UPLOAD_PATH.match(path) else None


def _too_large() -> PayloadTooLarge:
    return PayloadTooLarge(
        f"an emoji image is at most {emojis.MAX_BYTES} bytes",
        code="emoji_too_large",
        details={"limit": emojis.MAX_BYTES},
    )


_UPLOAD_BODY = uploads.openapi_body(
    ("name",), name={"type": "string", "pattern": "^[a-z0-9_]{2,32}$"}
)


@router.post(
    "/spaces/{space_id}/emojis", status_code=201, response_model=Emoji, openapi_extra=_UPLOAD_BODY
)
async def create_emoji(request: Request, core: CoreDep, ctx: CtxDep, space_id: Id) -> JSON:
    """Upload a custom emoji (`file`: PNG, GIF, WebP or JPEG ≤ 256 KiB; `name`)."""
    form = await uploads.read_form(
        request, limit=emojis.MAX_BYTES, too_large=_too_large(), max_fields=2
    )
    try:
        file, name = form.get("file"), form.get("name")
        if not isinstance(file, UploadFile):
            raise BadRequest("a multipart `file` field is required", code="file_required")
        if not isinstance(name, str):
            raise BadRequest("a multipart `name` text field is required", code="name_required")
        data = await file.read(emojis.MAX_BYTES + 1)
    finally:
        await form.close()
    return JSON(await emojis.create(core, ctx, space_id, name, data), status_code=201)


@router.get("/spaces/{space_id}/emojis", response_model=EmojiList)
async def list_emojis(core: CoreDep, ctx: CtxDep, space_id: Id) -> JSON:
    return JSON({"emojis": await emojis.list_space(core, ctx, space_id)})


@router.get("/emojis/{emoji_id}", response_model=Emoji)
async def get_emoji(core: CoreDep, ctx: CtxDep, emoji_id: Id) -> JSON:
    return JSON(await emojis.get(core, ctx, emoji_id))


@router.delete("/emojis/{emoji_id}", status_code=204)
async def delete_emoji(core: CoreDep, ctx: CtxDep, emoji_id: Id) -> Response:
    await emojis.delete(core, ctx, emoji_id)
    return Response(status_code=204)


@router.get(
    "/emojis/{emoji_id}/image",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}, "description": "the image"}},
)
async def emoji_image(core: CoreDep, emoji_id: Id) -> Response:
    """The image; no token needed. An emoji's bytes never change (a new upload is a new
    id), so browsers and proxies may keep it; an hour bounds how long a deleted one lingers."""
    found = await emojis.image(core, emoji_id)
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "public, max-age=3600",
    }
    return Response(found.data, media_type=found.content_type, headers=headers)

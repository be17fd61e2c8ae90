"""REST routes of issue 3's lifecycle area: bulk delete, purge, move, embeds, attachments."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Annotated, Any, BinaryIO

from fastapi import APIRouter, Path, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile

from hubbub.errors import BadRequest, PayloadTooLarge
from hubbub.protocol.models import Attachment, Message
from hubbub.server.api import emojis, profiles, uploads
from hubbub.server.api.bodies import Body
from hubbub.server.api.deps import CoreDep, CtxDep
from hubbub.server.api.responses import JSON
from hubbub.server.services import attachments, bulk, embeds, moves
from hubbub.server.settings import Settings

router = APIRouter(tags=["lifecycle"])
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]
PositiveId = Annotated[int, Field(ge=1, le=2**63 - 1)]
UPLOAD_PATH = re.compile(r"^/api/v1/rooms/[^/]+/attachments/?$")
CHUNK = 64 * 1024


class BulkDelete(Body):
    # The 100-id limit is the service's (a typed `too_many_messages`); this bounds parsing.
    message_ids: list[PositiveId] = Field(max_length=10_000)


class Purge(Body):
    user_id: PositiveId


class Move(Body):
    message_ids: list[PositiveId] = Field(max_length=10_000)
    to_room_id: PositiveId


class EmbedsAppend(Body):
    # Each embed is validated by the service, which names the field that is wrong.
    embeds: list[dict[str, Any]] = Field(max_length=1000)
    nonce: str | None = Field(default=None, max_length=1000)


class BulkDeleted(BaseModel):
    message_ids: list[int]
    deleted_count: int


class Purged(BaseModel):
    deleted_count: int


class Moved(BaseModel):
    messages: list[Message]


@router.post("/rooms/{room_id}/messages/bulk-delete", response_model=BulkDeleted)
async def bulk_delete(body: BulkDelete, core: CoreDep, ctx: CtxDep, room_id: Id) -> JSON:
    deleted = await bulk.bulk_delete(core, ctx, room_id, body.message_ids)
    return JSON({"message_ids": deleted, "deleted_count": len(deleted)})


@router.post("/rooms/{room_id}/purge", response_model=Purged)
async def purge(body: Purge, core: CoreDep, ctx: CtxDep, room_id: Id) -> JSON:
    return JSON({"deleted_count": await bulk.purge(core, ctx, room_id, body.user_id)})


@router.post("/rooms/{room_id}/messages/move", response_model=Moved)
async def move_messages(body: Move, core: CoreDep, ctx: CtxDep, room_id: Id) -> JSON:
    moved = await moves.move(core, ctx, room_id, body.message_ids, body.to_room_id)
    return JSON({"messages": moved})


@router.post("/messages/{message_id}/embeds", response_model=Message)
async def append_embeds(body: EmbedsAppend, core: CoreDep, ctx: CtxDep, message_id: Id) -> JSON:
    return JSON(await embeds.append(core, ctx, message_id, body.embeds, nonce=body.nonce))


_UPLOAD_BODY = uploads.openapi_body(nonce={"type": "string", "maxLength": 64})


def body_limit(settings: Settings) -> Callable[[str], tuple[int, str] | None]:
    """For the app's body-size middleware: uploads may be larger than other bodies."""
    limit = settings.max_upload_bytes + uploads.MULTIPART_OVERHEAD

    def for_path(path: str) -> tuple[int, str] | None:
        if UPLOAD_PATH.match(path):
            return (limit, "file_too_large")
        return emojis.body_limit(path) or profiles.body_limit(path, settings)

    return for_path


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"uploads are limited to {limit} bytes", code="file_too_large", details={"limit": limit}
    )


@router.post(
    "/rooms/{room_id}/attachments",
    status_code=201,
    response_model=Attachment,
    responses={200: {"model": Attachment, "description": "a repeated nonce: the first upload"}},
    openapi_extra=_UPLOAD_BODY,
)
async def upload(request: Request, core: CoreDep, ctx: CtxDep, room_id: Id) -> JSON:
    """Upload a file (`file` field, optional `nonce`) to a room; a message then carries it."""
    limit = core.settings.max_upload_bytes
    form = await uploads.read_form(request, limit=limit, too_large=_too_large(limit), max_fields=4)
    try:
        file, nonce = form.get("file"), form.get("nonce")
        if not isinstance(file, UploadFile):
            raise BadRequest("a multipart `file` field is required", code="file_required")
        if nonce is not None and not isinstance(nonce, str):
            raise BadRequest("`nonce` is a text field", code="invalid_nonce")
        attachment, created = await attachments.upload(
            core,
            ctx,
            room_id,
            file.file,
            filename=file.filename,
            content_type=file.content_type,
            nonce=nonce,
        )
    finally:
        await form.close()
    return JSON(attachment, status_code=201 if created else 200)


def _chunks(file: BinaryIO) -> Iterator[bytes]:
    # A plain generator: Starlette iterates it in a worker thread, off the event loop.
    with file:
        while chunk := file.read(CHUNK):
            yield chunk


@router.get(
    "/attachments/{attachment_id}/{filename}",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "the file"}},
)
async def download(
    core: CoreDep, ctx: CtxDep, attachment_id: Id, filename: str
) -> StreamingResponse:
    """The file, for those who can read its message's room. The name in the path is
    for browsers' "save as"; the stored name is what `Content-Disposition` gives."""
    found = await attachments.download(core, ctx, attachment_id)
    headers = {
        "Content-Disposition": found.disposition,
        "Content-Length": str(found.size),
        "X-Content-Type-Options": "nosniff",
        # Even if a browser were talked into rendering it, it gets no scripts or origin.
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, max-age=3600",
    }
    return StreamingResponse(_chunks(found.file), media_type=found.content_type, headers=headers)

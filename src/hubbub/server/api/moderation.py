"""REST routes of the message pipeline (issue 6): profanity word lists, shadowbans, the room
freeze, the moderation queue (approve / reject). Room settings (moderation mode, filter,
slow mode, broadcast delay, hiding at the report threshold) go through PATCH /rooms/{id}."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, Field

from hubbub.protocol.models import Message
from hubbub.server.api.bodies import Body
from hubbub.server.api.deps import CoreDep, CtxDep
from hubbub.server.api.responses import JSON
from hubbub.server.services import moderation_queue, room_state, shadowbans, word_lists

router = APIRouter(tags=["moderation"])
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]


class WordList(Body):
    words: list[str] = Field(max_length=10_000)


class ShadowbanBody(Body):
    expires_in_s: int | None = None
    reason: str | None = Field(default=None, max_length=10_000)


class TimeoutBody(Body):
    duration_s: int


class Resolution(Body):
    note: str | None = Field(default=None, max_length=10_000)


class WordListOut(BaseModel):
    room_id: int | None = None
    words: list[str]


class ShadowbanOut(BaseModel):
    id: int
    user_id: int
    room_id: int | None
    reason: str | None
    actor_id: int | None
    created_at: str
    expires_at: str | None


class ShadowbanState(BaseModel):
    shadowban: ShadowbanOut | None


class TimeoutOut(BaseModel):
    room_id: int
    actor_id: int
    duration_s: int
    ends_at: str


class RoomPermissions(BaseModel):
    room_id: int
    role: str | None
    level: str | None
    permissions: list[str]
    moderator: bool


class QueueItem(BaseModel):
    message: Message
    reason: str
    report_count: int
    queued_at: str


class Queue(BaseModel):
    items: list[QueueItem]
    has_more: bool


@router.get("/rooms/{room_id}/permissions", response_model=RoomPermissions)
async def get_room_permissions(core: CoreDep, ctx: CtxDep, room_id: Id) -> JSON:
    """What the caller may do in the room: their `role`, `level`, the permission names they
    hold and whether they moderate it (`room.member.updated` and role events tell when
    to ask again)."""
    return JSON(await room_state.permissions(core, ctx, room_id))


# -- word lists --------------------------------------------------------------------------


@router.get("/rooms/{room_id}/word_list", response_model=WordListOut)
async def get_room_word_list(core: CoreDep, ctx: CtxDep, room_id: Id) -> JSON:
    """The room's own profanity words (added to the bundled and server-wide lists);
    the room's owners and moderators."""
    return JSON(await word_lists.get_room_list(core, ctx, room_id))


@router.put("/rooms/{room_id}/word_list", response_model=WordListOut)
async def put_room_word_list(core: CoreDep, ctx: CtxDep, room_id: Id, body: WordList) -> JSON:
    """Replace the room's own profanity words (owners and moderators)."""
    return JSON(await word_lists.set_room_list(core, ctx, room_id, body.words))


@router.get("/admin/word_list", response_model=WordListOut)
async def get_server_word_list(core: CoreDep, ctx: CtxDep) -> JSON:
    """The server-wide profanity words (staff)."""
    return JSON(await word_lists.get_server_list(core, ctx))


@router.put("/admin/word_list", response_model=WordListOut)
async def put_server_word_list(core: CoreDep, ctx: CtxDep, body: WordList) -> JSON:
    """Replace the server-wide profanity words (staff)."""
    return JSON(await word_lists.set_server_list(core, ctx, body.words))


# -- shadowbans --------------------------------------------------------------------------


def _body(body: ShadowbanBody | None) -> dict[str, Any]:
    return {} if body is None else {"expires_in_s": body.expires_in_s, "reason": body.reason}


@router.get("/admin/users/{user_id}/shadowban", response_model=ShadowbanState)
async def get_shadowban(core: CoreDep, ctx: CtxDep, user_id: Id) -> JSON:
    """The user's global shadowban in force, or null (staff)."""
    return JSON({"shadowban": await shadowbans.get_global(core, ctx, user_id)})


@router.put("/admin/users/{user_id}/shadowban", response_model=ShadowbanOut)
async def put_shadowban(
    core: CoreDep, ctx: CtxDep, user_id: Id, body: ShadowbanBody | None = None
) -> JSON:
    """Shadowban a user everywhere (staff), optionally for `expires_in_s` seconds."""
    return JSON(await shadowbans.set_global(core, ctx, user_id, **_body(body)))


@router.delete("/admin/users/{user_id}/shadowban", status_code=204)
async def delete_shadowban(core: CoreDep, ctx: CtxDep, user_id: Id) -> Response:
    await shadowbans.lift_global(core, ctx, user_id)
    return Response(status_code=204)


@router.put("/rooms/{room_id}/shadowbans/{user_id}", response_model=ShadowbanOut)
async def put_room_shadowban(
    core: CoreDep, ctx: CtxDep, room_id: Id, user_id: Id, body: ShadowbanBody | None = None
) -> JSON:
    """Shadowban a user in this room (owners and moderators)."""
    return JSON(await shadowbans.set_in_room(core, ctx, room_id, user_id, **_body(body)))


@router.delete("/rooms/{room_id}/shadowbans/{user_id}", status_code=204)
async def delete_room_shadowban(core: CoreDep, ctx: CtxDep, room_id: Id, user_id: Id) -> Response:
    await shadowbans.lift_in_room(core, ctx, room_id, user_id)
    return Response(status_code=204)


# -- the room freeze ---------------------------------------------------------------------


@router.post("/rooms/{room_id}/timeout", response_model=TimeoutOut)
async def start_timeout(core: CoreDep, ctx: CtxDep, room_id: Id, body: TimeoutBody) -> JSON:
    """Freeze the room for `duration_s` seconds: only its owners and moderators may post
    (`room.timeout.started`)."""
    return JSON(await room_state.start_timeout(core, ctx, room_id, body.duration_s))


@router.delete("/rooms/{room_id}/timeout", status_code=204)
async def end_timeout(core: CoreDep, ctx: CtxDep, room_id: Id) -> Response:
    """End the room's timeout early (`room.timeout.ended`, reason `lifted`)."""
    await room_state.end_timeout(core, ctx, room_id)
    return Response(status_code=204)


# -- the moderation queue ----------------------------------------------------------------


@router.get("/rooms/{room_id}/moderation/queue", response_model=Queue)
async def get_queue(
    core: CoreDep,
    ctx: CtxDep,
    room_id: Id,
    after: Annotated[int | None, Query(ge=0, le=2**63 - 1)] = None,
    limit: Annotated[int, Query()] = 50,
) -> JSON:
    """Messages waiting for a moderator (pre-moderation, report threshold), oldest first."""
    return JSON(await moderation_queue.queue(core, ctx, room_id, after=after, limit=limit))


@router.post("/messages/{message_id}/approve", response_model=Message)
async def approve(
    core: CoreDep, ctx: CtxDep, message_id: Id, body: Resolution | None = None
) -> JSON:
    """Approve a queued message; a pre-moderated one is published to the room."""
    note = None if body is None else body.note
    return JSON(await moderation_queue.approve(core, ctx, message_id, note))


@router.post("/messages/{message_id}/reject", response_model=Message)
async def reject(
    core: CoreDep, ctx: CtxDep, message_id: Id, body: Resolution | None = None
) -> JSON:
    """Reject a queued message: it stays hidden; its author is told."""
    note = None if body is None else body.note
    return JSON(await moderation_queue.reject(core, ctx, message_id, note))

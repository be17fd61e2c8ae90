"""Sanctions (issue 6): room bans (kick-mute, bounce, ban) and platform suspensions.

    PUT    /rooms/{room_id}/bans/{user_id}        {kind, expires_in_s?, reason?} → the ban
    DELETE /rooms/{room_id}/bans/{user_id}        lift → 204
    GET    /rooms/{room_id}/bans                  {bans} (the room's moderators)
    PUT    /admin/users/{user_id}/suspension      {duration_s | expires_at, reason?} (staff)
    DELETE /admin/users/{user_id}/suspension      clear → the cleared suspension (staff)
    GET    /admin/users/{user_id}/suspension      {suspension, history} (staff, or oneself)

The rules: services.room_bans and services.suspensions.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, Field

from hubbub.protocol.models_sanctions import RoomBan, Suspension, SuspensionState
from hubbub.server.api.bodies import Body
from hubbub.server.api.deps import CoreDep, CtxDep
from hubbub.server.api.responses import JSON
from hubbub.server.services import room_bans, suspensions

router = APIRouter(tags=["sanctions"])
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]
_NO_CONTENT: dict[str, Any] = {"status_code": 204, "response_class": Response}


class BanBody(Body):
    kind: str = Field(max_length=32)
    # Seconds until it ends; kick_mute defaults to 60, bounce and ban to "until lifted".
    expires_in_s: int | None = None
    reason: str | None = Field(default=None, max_length=10_000)


class BanList(BaseModel):
    bans: list[RoomBan]


class SuspendBody(Body):
    duration_s: int | None = None
    expires_at: str | None = Field(default=None, max_length=64)  # ISO 8601
    reason: str | None = Field(default=None, max_length=10_000)


@router.put("/rooms/{room_id}/bans/{user_id}", response_model=RoomBan)
async def ban_user(body: BanBody, core: CoreDep, ctx: CtxDep, room_id: Id, user_id: Id) -> JSON:
    """Ban a user from the room (`kick_mute`, `bounce` or `ban`), replacing a ban in
    force: they leave it and cannot rejoin, read or post until it is lifted or expires."""
    done = await room_bans.ban(
        core,
        ctx,
        room_id,
        user_id,
        body.kind,
        expires_in_s=body.expires_in_s,
        reason=body.reason,
    )
    return JSON(done)


@router.delete("/rooms/{room_id}/bans/{user_id}", **_NO_CONTENT)
async def lift_ban(core: CoreDep, ctx: CtxDep, room_id: Id, user_id: Id) -> Response:
    await room_bans.lift(core, ctx, room_id, user_id)
    return Response(status_code=204)


@router.get("/rooms/{room_id}/bans", response_model=BanList)
async def list_bans(core: CoreDep, ctx: CtxDep, room_id: Id) -> JSON:
    return JSON({"bans": await room_bans.bans(core, ctx, room_id)})


@router.put("/admin/users/{user_id}/suspension", response_model=Suspension)
async def suspend_user(body: SuspendBody, core: CoreDep, ctx: CtxDep, user_id: Id) -> JSON:
    """Suspend a user (staff): set, extend or shorten. Exactly one of `duration_s` (from
    now) and `expires_at` (ISO 8601)."""
    expires_at = None if body.expires_at is None else suspensions.parse_time(body.expires_at)
    done = await suspensions.suspend(
        core,
        ctx,
        user_id,
        duration_s=body.duration_s,
        expires_at_ms=expires_at,
        reason=body.reason,
    )
    return JSON(done)


@router.delete("/admin/users/{user_id}/suspension", response_model=Suspension)
async def unsuspend_user(core: CoreDep, ctx: CtxDep, user_id: Id) -> JSON:
    return JSON(await suspensions.unsuspend(core, ctx, user_id))


@router.get("/admin/users/{user_id}/suspension", response_model=SuspensionState)
async def get_suspension(core: CoreDep, ctx: CtxDep, user_id: Id) -> JSON:
    return JSON(await suspensions.get(core, ctx, user_id))

"""Presence (global and per room), room mutes and the user settings document (issue 5)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query
from pydantic import BaseModel

from hubbub.errors import BadRequest
from hubbub.protocol.models_presence import (
    RoomPresence,
    SettingEntry,
    SettingsChange,
    UserPresence,
)
from hubbub.server.api import bodies
from hubbub.server.api.deps import CoreDep, CtxDep
from hubbub.server.api.responses import JSON
from hubbub.server.services import presence, presence_rooms, user_settings

router = APIRouter(tags=["presence"])
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]


class PresenceChange(bodies.Body):
    # Checked by the service, so any bad status has its own code (invalid_presence_status).
    status: Any = None


class MuteChange(bodies.Body):
    muted: bool


class PresenceList(BaseModel):
    presence: list[UserPresence]


class SettingsDocument(BaseModel):
    settings: dict[str, SettingEntry]


def _ids(raw: str) -> list[int]:
    try:
        ids = [int(part) for part in raw.split(",") if part.strip()]
    except ValueError:
        raise BadRequest(
            "user_ids is a comma-separated list of user ids", code="invalid_user_ids"
        ) from None
    if any(not 1 <= i < 2**63 for i in ids):
        raise BadRequest("user ids are positive integers", code="invalid_user_ids")
    return ids


@router.put("/users/me/presence", response_model=UserPresence)
async def set_presence(core: CoreDep, ctx: CtxDep, body: PresenceChange) -> JSON:
    """Choose a status: `online` (automatic: shown while connected), `idle`, `busy` or
    `invisible` (shown to others as offline)."""
    return JSON(await presence.set_status(core, ctx, body.status))


@router.get("/users/me/presence", response_model=UserPresence)
async def my_presence(core: CoreDep, ctx: CtxDep) -> JSON:
    """Your own view: `status` may say `invisible`; `chosen` is what you picked."""
    return JSON(await presence.get(core, ctx, ctx.user_id))


@router.get("/users/{user_id}/presence", response_model=UserPresence)
async def user_presence(core: CoreDep, ctx: CtxDep, user_id: Id) -> JSON:
    """A user's presence as others see it (`online | idle | busy | offline`)."""
    return JSON(await presence.get(core, ctx, user_id))


@router.get("/presence", response_model=PresenceList)
async def many_presences(
    core: CoreDep,
    ctx: CtxDep,
    user_ids: Annotated[str, Query(max_length=4000, description="Up to 100 ids: 1,2,3")],
) -> JSON:
    """Several users' presence at once; unknown ids are left out."""
    return JSON({"presence": await presence.get_many(core, ctx, _ids(user_ids))})


@router.get("/rooms/{room_id}/presence", response_model=RoomPresence)
async def room_presence(core: CoreDep, ctx: CtxDep, room_id: Id) -> dict[str, Any]:
    """`current_users` (connected members) and `pingable_users` (D.100)."""
    return await presence_rooms.room_presence(core, ctx, room_id)


@router.put("/rooms/{room_id}/mute")
async def mute_room(core: CoreDep, ctx: CtxDep, room_id: Id, body: MuteChange) -> dict[str, Any]:
    """Mute (or unmute) a room you are a member of: you stop being pingable there."""
    return await presence_rooms.set_muted(core, ctx, room_id, body.muted)


@router.get("/users/me/settings", response_model=SettingsDocument)
async def get_settings(
    core: CoreDep,
    ctx: CtxDep,
    keys: Annotated[str | None, Query(max_length=20_000, description="Only these: a,b")] = None,
) -> dict[str, Any]:
    """The settings document: `{settings: {key: {value, updated_at}}}`."""
    wanted = None if keys is None else [k for k in keys.split(",") if k]
    return await user_settings.get(core, ctx, wanted)


@router.patch("/users/me/settings", response_model=SettingsChange)
async def update_settings(
    core: CoreDep, ctx: CtxDep, patch: Annotated[dict[str, Any], Body()]
) -> dict[str, Any]:
    """A partial update `{key: value | null}` (null clears the key); returns what changed."""
    return await user_settings.update(core, ctx, patch)

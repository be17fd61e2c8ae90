"""Voice rooms (issue 8): state and signalling; media goes through the node and token the
join answer carries.

    POST   /rooms/{room_id}/voice/join                      → {room_id, state, connection}
    POST   /rooms/{room_id}/voice/leave                     → 204
    GET    /rooms/{room_id}/voice                           → {room_id, participants}
    PATCH  /rooms/{room_id}/voice/me       {self_mute?, self_deaf?, camera?, screensharing?}
    PATCH  /rooms/{room_id}/voice/members/{user_id}   {server_mute?, server_deaf?} (moderators)
    POST   /rooms/{room_id}/voice/members/{user_id}/move  {to_room_id} (move_members)
    DELETE /rooms/{room_id}/voice/members/{user_id}       disconnect (move_members) → 204

The rules: services.voice.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response
from pydantic import Field

from hubbub.protocol.models_voice import VoiceJoin, VoiceMove, VoiceParticipants, VoiceState
from hubbub.server.api.bodies import Body
from hubbub.server.api.deps import CoreDep, CtxDep
from hubbub.server.api.responses import JSON
from hubbub.server.services import voice

router = APIRouter(tags=["voice"])
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]
_NO_CONTENT: dict[str, Any] = {"status_code": 204, "response_class": Response}


class SelfState(Body):
    self_mute: bool | None = None
    self_deaf: bool | None = None
    camera: bool | None = None
    screensharing: bool | None = None


class ServerState(Body):
    server_mute: bool | None = None
    server_deaf: bool | None = None


class MoveBody(Body):
    to_room_id: int = Field(ge=1, le=2**63 - 1)


def _set(body: Body) -> dict[str, Any]:
    return {k: v for k, v in body.model_dump().items() if v is not None}


@router.post("/rooms/{room_id}/voice/join", response_model=VoiceJoin)
async def join_voice(core: CoreDep, ctx: CtxDep, room_id: Id) -> JSON:
    """Join the room's voice (leaving any other voice room): your state and the media
    node and token to connect with. Needs membership and `connect`."""
    return JSON(await voice.join(core, ctx, room_id))


@router.post("/rooms/{room_id}/voice/leave", **_NO_CONTENT)
async def leave_voice(core: CoreDep, ctx: CtxDep, room_id: Id) -> Response:
    await voice.leave(core, ctx, room_id)
    return Response(status_code=204)


@router.get("/rooms/{room_id}/voice", response_model=VoiceParticipants)
async def voice_states(core: CoreDep, ctx: CtxDep, room_id: Id) -> JSON:
    return JSON(await voice.participants(core, ctx, room_id))


@router.patch("/rooms/{room_id}/voice/me", response_model=VoiceState)
async def update_own_state(body: SelfState, core: CoreDep, ctx: CtxDep, room_id: Id) -> JSON:
    return JSON(await voice.update_self(core, ctx, room_id, _set(body)))


@router.patch("/rooms/{room_id}/voice/members/{user_id}", response_model=VoiceState)
async def update_member_state(
    body: ServerState, core: CoreDep, ctx: CtxDep, room_id: Id, user_id: Id
) -> JSON:
    """Server-mute (`mute_members`) or server-deafen (`deafen_members`) someone in voice."""
    return JSON(await voice.server_update(core, ctx, room_id, user_id, _set(body)))


@router.post("/rooms/{room_id}/voice/members/{user_id}/move", response_model=VoiceMove)
async def move_member(body: MoveBody, core: CoreDep, ctx: CtxDep, room_id: Id, user_id: Id) -> JSON:
    """Move someone in voice here to another voice room they can join (`move_members`)."""
    return JSON(await voice.move(core, ctx, room_id, user_id, body.to_room_id))


@router.delete("/rooms/{room_id}/voice/members/{user_id}", **_NO_CONTENT)
async def disconnect_member(core: CoreDep, ctx: CtxDep, room_id: Id, user_id: Id) -> Response:
    await voice.disconnect(core, ctx, room_id, user_id)
    return Response(status_code=204)

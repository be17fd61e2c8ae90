"""Invitations addressed to a user, global notifications and the unread count (issue 5).
Rules: services.invitations, services.broadcasts, services.notifications."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import Field

from hubbub.protocol.models_inbox import (
    Broadcast,
    Invitation,
    InvitationAccepted,
    InvitationList,
    UnreadCount,
)
from hubbub.server.api.bodies import Body
from hubbub.server.api.deps import CoreDep, CtxDep
from hubbub.server.api.responses import JSON
from hubbub.server.services import broadcasts, invitations, notifications

router = APIRouter(tags=["inbox"])
# Responses are sent as built (orjson); the response models only document them.
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]


class InvitationCreate(Body):
    user_id: int = Field(ge=1, le=2**63 - 1)


class BroadcastCreate(Body):
    content: str = Field(max_length=100_000)


@router.post("/rooms/{room_id}/invitations", status_code=201, response_model=Invitation)
async def invite_to_room(core: CoreDep, ctx: CtxDep, room_id: Id, body: InvitationCreate) -> JSON:
    """Invite a user to a room: they get a `notification.created` kind `invitation`."""
    found = await invitations.invite(core, ctx, user_id=body.user_id, room_id=room_id)
    return JSON(found, status_code=201)


@router.post("/spaces/{space_id}/invitations", status_code=201, response_model=Invitation)
async def invite_to_space(core: CoreDep, ctx: CtxDep, space_id: Id, body: InvitationCreate) -> JSON:
    """Invite a user to a space (members holding `invite`)."""
    found = await invitations.invite(core, ctx, user_id=body.user_id, space_id=space_id)
    return JSON(found, status_code=201)


@router.get("/invitations", response_model=InvitationList)
async def my_invitations(core: CoreDep, ctx: CtxDep) -> JSON:
    """The caller's pending invitations, newest first."""
    return JSON({"invitations": await invitations.pending(core, ctx)})


@router.post("/invitations/{invitation_id}/accept", response_model=InvitationAccepted)
async def accept_invitation(core: CoreDep, ctx: CtxDep, invitation_id: Id) -> JSON:
    """Join what the invitation opens; `{invitation, room?, member?, space?}`."""
    return JSON(await invitations.accept(core, ctx, invitation_id))


@router.post("/invitations/{invitation_id}/decline", response_model=Invitation)
async def decline_invitation(core: CoreDep, ctx: CtxDep, invitation_id: Id) -> JSON:
    return JSON(await invitations.decline(core, ctx, invitation_id))


@router.delete("/invitations/{invitation_id}", response_model=Invitation)
async def revoke_invitation(core: CoreDep, ctx: CtxDep, invitation_id: Id) -> JSON:
    """The inviter (or a moderator) withdraws a pending invitation."""
    return JSON(await invitations.revoke(core, ctx, invitation_id))


@router.get("/notifications/unread_count", response_model=UnreadCount)
async def unread_count(core: CoreDep, ctx: CtxDep) -> JSON:
    """`{unread_count, by_kind}`."""
    return JSON(await notifications.unread_count(core, ctx))


@router.post("/admin/notifications", status_code=201, response_model=Broadcast)
async def broadcast(core: CoreDep, ctx: CtxDep, body: BroadcastCreate) -> JSON:
    """Global staff send a Markdown notice to every user (kind `global`, audience ALL)."""
    return JSON(await broadcasts.broadcast(core, ctx, body.content), status_code=201)

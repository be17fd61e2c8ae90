"""Wire models of the inbox (issue 5): invitations addressed to a user, what accepting one
joined, global notifications and the unread count (EVENTS.md B11, C.2 #70)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from hubbub.protocol.models import Actor, Member, Notification, Room, Timestamp, WireModel
from hubbub.protocol.models_spaces import SpaceState

__all__ = [
    "Broadcast",
    "Invitation",
    "InvitationAccepted",
    "InvitationList",
    "InvitationStatus",
    "UnreadCount",
]

InvitationStatus = Literal["pending", "accepted", "declined", "revoked", "expired"]


class Invitation(WireModel):
    """An invitation to a room (`kind` room; `space_id` set for a space's room) or to a
    space (`kind` space)."""

    id: int
    kind: Literal["room", "space"] | str
    room_id: int | None = None
    room_name: str | None = None
    space_id: int | None = None
    space_name: str | None = None
    inviter: Actor
    invitee_id: int
    status: InvitationStatus | str = "pending"
    notification_id: int | None = None
    created_at: Timestamp
    responded_at: Timestamp | None = None


class InvitationList(WireModel):
    invitations: list[Invitation] = Field(default_factory=list)


class InvitationAccepted(WireModel):
    """What accepting joined: a standalone room (`room`, `member`), or a space (`space`,
    plus `room` for an invitation to one of its rooms)."""

    invitation: Invitation
    room: Room | None = None
    member: Member | None = None
    space: SpaceState | None = None


class Broadcast(WireModel):
    """A global notification as sent: the one notification every user got."""

    broadcast_id: int
    notification: Notification
    recipients: int = 0


class UnreadCount(WireModel):
    unread_count: int = 0
    by_kind: dict[str, int] = Field(default_factory=dict)

"""Wire models of sanctions (issue 6; MD-10, MD-11): room bans and platform suspensions."""

from __future__ import annotations

from typing import Literal

from hubbub.protocol.models import Timestamp, WireModel

__all__ = ["BanKind", "RoomBan", "Suspension", "SuspensionState"]

BanKind = Literal["kick_mute", "bounce", "ban"]


class RoomBan(WireModel):
    """A ban in force on a user in a room. `reason` is in moderators' views only (the ban
    list and the ban call's answer), never in `room.ban.created`."""

    id: int
    room_id: int
    user_id: int
    kind: BanKind
    actor_id: int | None = None
    created_at: Timestamp
    expires_at: Timestamp | None = None  # None: until lifted
    reason: str | None = None


class Suspension(WireModel):
    """A platform suspension (read, but no writes, until `expires_at`)."""

    id: int
    user_id: int
    reason: str | None = None
    actor_id: int | None = None
    created_at: Timestamp
    expires_at: Timestamp
    cleared_at: Timestamp | None = None
    # In the answer of a suspend call: the expiry it replaced (None for a new one).
    previous_expires_at: Timestamp | None = None


class SuspensionState(WireModel):
    """GET /admin/users/{id}/suspension: the suspension in force, if any, newest first
    history (the one in force included)."""

    suspension: Suspension | None = None
    history: list[Suspension] = []

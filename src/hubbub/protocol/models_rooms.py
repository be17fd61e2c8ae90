"""Wire models of standalone rooms' access levels (AC-01, AC-02)."""

from __future__ import annotations

from hubbub.protocol.models import AccessLevel, Actor, Timestamp, WireModel

__all__ = ["AccessRequest", "AccessState"]


class AccessState(WireModel):
    """A user's access level in a room after a change, and what it was before."""

    room_id: int
    user_id: int
    level: AccessLevel
    previous_level: AccessLevel


class AccessRequest(WireModel):
    """A pending request for write access to a gallery room."""

    user: Actor
    created_at: Timestamp

"""Typed SDK events of issue 6: sanctions: room bans (kick-mute, bounce, ban) and platform
suspensions (EVENTS.md C.2 #15–16, #44–45; MD-10, MD-11, D.80), registered in
protocol.events' registry.

    ServerEvent
    ├── RoomEvent
    │   └── RoomBanEvent          user_id, ban_id, kind
    │       ├── RoomBanCreated    expires_at, reason (always None: moderators read it in
    │       │                     the ban's AuditEntryCreated and the ban list) — ROOM +
    │       │                     the banned user
    │       └── RoomBanRemoved    reason: lifted | expired, actor_id — MODS + the user
    └── UserEvent
        └── SuspensionEvent       suspension_id, previous_expires_at (USER + staff)
            ├── UserSuspended     expires_at, reason (set, extended or shortened)
            └── UserUnsuspended   reason: lifted | expired
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hubbub.protocol.events import RoomEvent, register
from hubbub.protocol.events_profiles import UserEvent
from hubbub.protocol.models import Envelope

__all__ = [
    "RoomBanCreated",
    "RoomBanEvent",
    "RoomBanRemoved",
    "SuspensionEvent",
    "UserSuspended",
    "UserUnsuspended",
]


def _time(value: Any) -> datetime | None:
    if value is None:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


@dataclass(kw_only=True, eq=False)
class RoomBanEvent(RoomEvent):
    """A ban of `user_id` from the room changed."""

    user_id: int
    ban_id: int
    kind: str = "ban"  # kick_mute | bounce | ban

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        return {
            **super()._parse_data(envelope),
            "user_id": int(d["user_id"]),
            "ban_id": int(d["ban_id"]),
            "kind": str(d.get("kind") or "ban"),
        }


@register
@dataclass(kw_only=True, eq=False)
class RoomBanCreated(RoomBanEvent):
    """`user_id` was banned from the room until `expires_at` (None: until lifted). When
    they were a member, `MemberLeft` (reason kicked or banned) and `RoomDeleted` follow
    for them. `reason` is None on the wire to everyone (D.80: moderators only)."""

    type_name = "room.ban.created"
    expires_at: datetime | None = None
    reason: str | None = None

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        return {
            **super()._parse_data(envelope),
            "expires_at": _time(d.get("expires_at")),
            "reason": d.get("reason"),
        }


@register
@dataclass(kw_only=True, eq=False)
class RoomBanRemoved(RoomBanEvent):
    """The ban was lifted by a moderator (`actor_id`) or expired; the user may join again."""

    type_name = "room.ban.removed"
    reason: str = "lifted"  # lifted | expired
    actor_id: int | None = None

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        actor_id = d.get("actor_id")
        return {
            **super()._parse_data(envelope),
            "reason": str(d.get("reason") or "lifted"),
            "actor_id": None if actor_id is None else int(actor_id),
        }


@dataclass(kw_only=True, eq=False)
class SuspensionEvent(UserEvent):
    """A platform suspension of `user_id` changed (to that user and to global staff)."""

    suspension_id: int
    previous_expires_at: datetime | None = None

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        return {
            "user_id": int(d["user_id"]),
            "suspension_id": int(d["suspension_id"]),
            "previous_expires_at": _time(d.get("previous_expires_at")),
        }


@register
@dataclass(kw_only=True, eq=False)
class UserSuspended(SuspensionEvent):
    """`user_id` is suspended until `expires_at`: they can read but not write.
    `previous_expires_at` is set when an existing suspension was extended or shortened."""

    type_name = "user.suspended"
    expires_at: datetime
    reason: str | None = None

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        expires_at = _time(d["expires_at"])
        return {
            **super()._parse_data(envelope),
            "expires_at": expires_at,
            "reason": d.get("reason"),
        }


@register
@dataclass(kw_only=True, eq=False)
class UserUnsuspended(SuspensionEvent):
    """The suspension ended: cleared by staff (`lifted`) or `expired`."""

    type_name = "user.unsuspended"
    reason: str = "lifted"

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        return {**super()._parse_data(envelope), "reason": str(d.get("reason") or "lifted")}

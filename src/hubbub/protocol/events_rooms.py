"""Typed SDK events of issue 4's rooms area, registered in protocol.events' registry.

RoomEvent
├── RoomStateEvent             the room opened or closed (RM-06)
│   ├── RoomOpened
│   └── RoomClosed
└── MemberEvent
    └── MemberAccessUpdated    a user's access level changed (AC-01, D.9); to the
                               room's moderators and that user
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hubbub.protocol.events import MemberEvent, RoomEvent, register
from hubbub.protocol.models import Envelope

__all__ = ["MemberAccessUpdated", "RoomClosed", "RoomOpened", "RoomStateEvent"]

# How the Stack Exchange seed worded each level (D.9: "Access now …").
_LEVEL_TEXT = {
    "none": "none",
    "request": "request",
    "read_only": "read-only",
    "read_write": "read-write",
    "owner": "owner",
}


@dataclass(kw_only=True, eq=False)
class RoomStateEvent(RoomEvent):
    """The room was opened or closed; closed rooms refuse non-moderators' messages."""

    actor_id: int | None = None
    is_open: bool = True

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        return {**super()._parse_data(envelope), "actor_id": envelope.data.get("actor_id")}


@register
@dataclass(kw_only=True, eq=False)
class RoomOpened(RoomStateEvent):
    type_name = "room.opened"
    is_open: bool = True


@register
@dataclass(kw_only=True, eq=False)
class RoomClosed(RoomStateEvent):
    type_name = "room.closed"
    is_open: bool = False


@register
@dataclass(kw_only=True, eq=False)
class MemberAccessUpdated(MemberEvent):
    """`level` is none, request, read_only, read_write or owner; `request` means the user
    asked a gallery room's owners for write access."""

    type_name = "room.member.access_updated"
    actor_id: int | None = None
    previous_level: str = "none"
    level: str = "none"

    @property
    def content(self) -> str:
        """The seed's free-text form of this change ("Access now read-write")."""
        return f"Access now {_LEVEL_TEXT.get(self.level, self.level)}"

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        return {
            **super()._parse_data(envelope),
            "actor_id": d.get("actor_id"),
            "previous_level": str(d.get("previous_level", "none")),
            "level": str(d.get("level", "none")),
        }

"""Typed SDK events of issue 4's rooms area, registered in protocol.events' registry.

RoomEvent
├── RoomSubscribed             this connection subscribed to the room (the `subscribe`
│                              op's answer): room, member, first page of messages
├── RoomStateEvent             the room opened or closed (RM-06)
│   ├── RoomOpened
│   └── RoomClosed
└── MemberEvent
    └── MemberAccessUpdated    a user's access level changed (AC-01, D.9); to the
                               room's moderators and that user
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hubbub.protocol.events import MemberEvent, RoomEvent, register
from hubbub.protocol.models import Envelope, Member, Message, Room

__all__ = ["MemberAccessUpdated", "RoomClosed", "RoomOpened", "RoomStateEvent", "RoomSubscribed"]

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
    """The room was opened again: its members may post."""

    type_name = "room.opened"
    is_open: bool = True


@register
@dataclass(kw_only=True, eq=False)
class RoomClosed(RoomStateEvent):
    """The room was closed: only its moderators may post until it opens again."""

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


@register
@dataclass(kw_only=True, eq=False)
class RoomSubscribed(RoomEvent):
    """The answer to this connection's `subscribe` op (#39; S2 on_joined_room, S3
    onChatStart, S4 Room.join()): sent to that connection alone, never logged.

    Subscribing to a public room the user had not joined joins it first, so a
    `MemberJoined` for the user comes too (its order relative to this event is not
    fixed). `messages` is the room's newest page, oldest first (the wire's `events`);
    `cursor` is the log position the page was read at: room events with a seq up to it
    are already reflected in the page. `previous_cursor` is a message id to pass as
    `before=` for the page before this one, None when there is none.
    """

    type_name = "room.subscribed"
    room: Room
    member: Member | None = None
    cursor: str | None = None
    previous_cursor: str | None = None
    messages: list[Message] = field(default_factory=list)
    has_more: bool = False
    joined: bool = False
    """Whether subscribing made the user a member (a public room they had not joined)."""
    request_id: str | int | None = None
    """The `id` the `subscribe` op carried, echoed to match the answer to the request."""

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        room = Room.model_validate(d["room"])
        member = d.get("member")
        cursor, previous = d.get("cursor"), d.get("previous_cursor")
        return {
            "room_id": envelope.room_id if envelope.room_id is not None else room.id,
            "room": room,
            "member": None if member is None else Member.model_validate(member),
            "cursor": None if cursor is None else str(cursor),
            "previous_cursor": None if previous is None else str(previous),
            "messages": [Message.model_validate(m) for m in d.get("events") or ()],
            "has_more": bool(d.get("has_more", False)),
            "joined": bool(d.get("joined", False)),
            "request_id": d.get("id"),
        }

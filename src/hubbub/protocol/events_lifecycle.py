"""Typed SDK events of issue 3's lifecycle area, registered in protocol.events' registry.

RoomEvent
├── MessagesBulkDeleted   message.bulk_deleted  (reason "bulk" or "purge")
├── MessagesMovedOut      message.moved_out     (in the source room: ids only)
├── MessagesMovedIn       message.moved_in      (in the destination: full messages)
└── MessageEvent
    └── MessageAppended   message.appended      (embeds added to one message)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hubbub.protocol.events import MessageEvent, RoomEvent, register
from hubbub.protocol.models import Embed, Envelope, Message

__all__ = ["MessageAppended", "MessagesBulkDeleted", "MessagesMovedIn", "MessagesMovedOut"]


@register
@dataclass(kw_only=True, eq=False)
class MessagesBulkDeleted(RoomEvent):
    """Moderators deleted many messages of one room at once (a bulk delete or a purge of
    one user's messages). A very large purge arrives as several events, all committed
    together."""

    type_name = "message.bulk_deleted"
    message_ids: list[int]
    reason: str = "bulk"
    purged_user_id: int | None = None
    actor_id: int | None = None
    messages: list[Message] = field(default_factory=list)
    """The cached messages as they were before deletion, for those the client had."""

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        purged = d.get("purged_user_id")
        return {
            **super()._parse_data(envelope),
            "message_ids": [int(i) for i in d["message_ids"]],
            "reason": str(d.get("reason", "bulk")),
            "purged_user_id": None if purged is None else int(purged),
            "actor_id": d.get("actor_id"),
        }


@register
@dataclass(kw_only=True, eq=False)
class MessagesMovedOut(RoomEvent):
    """Messages left this room for `to_room_id` (which this user may not be able to see)."""

    type_name = "message.moved_out"
    to_room_id: int
    message_ids: list[int]
    actor_id: int | None = None

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        return {
            **super()._parse_data(envelope),
            "to_room_id": int(d["to_room_id"]),
            "message_ids": [int(i) for i in d["message_ids"]],
            "actor_id": d.get("actor_id"),
        }


@register
@dataclass(kw_only=True, eq=False)
class MessagesMovedIn(RoomEvent):
    """Messages arrived in this room from `from_room_id`; same ids, new `room_id`."""

    type_name = "message.moved_in"
    from_room_id: int
    messages: list[Message]

    @property
    def message_ids(self) -> list[int]:
        return [m.id for m in self.messages]

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        return {
            **super()._parse_data(envelope),
            "from_room_id": int(d["from_room_id"]),
            "messages": [Message.model_validate(m) for m in d["messages"]],
        }


@register
@dataclass(kw_only=True, eq=False)
class MessageAppended(MessageEvent):
    """Embeds were appended to a message (by its author or a bot)."""

    type_name = "message.appended"
    embeds: list[Embed]
    position: int | None = None  # index of the first in the message's embeds (newer servers)
    before: Message | None = None
    after: Message | None = None

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        return {
            **super()._parse_data(envelope),
            "message_id": int(d["message_id"]),
            "embeds": [Embed.model_validate(e) for e in d["embeds"]],
            "position": d["position"] if isinstance(d.get("position"), int) else None,
        }

"""Typed SDK events of issue 3's reactions area, registered in protocol.events' registry.

    RoomEvent
    ├── MessageEvent
    │   ├── MessageStateEvent        changes a message's reactions, stars or pin; the
    │   │   │                        cache folds it in and fills `before` / `after`
    │   │   ├── ReactionEvent        `emoji` (None on a clear-all)
    │   │   │   ├── ReactionAdded / ReactionRemoved / ReactionCleared
    │   │   ├── StarsUpdated         anonymous: no actor; `by_you` only in your own copy
    │   │   └── MessagePinned / MessageUnpinned
    │   └── EditingEvent             ephemeral (no seq): someone is editing a message
    │       ├── EditingStarted / EditingStopped
    └── ReadStateUpdated             your read position in a room (your sessions only)

`fold` is pure (message snapshot in, new snapshot out) so the cache, tests and a client
without a cache all apply an event the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hubbub.protocol.events import MessageEvent, RoomEvent, register
from hubbub.protocol.models import Envelope, Message, Reaction, ReadState

__all__ = [
    "EditingEvent",
    "EditingStarted",
    "EditingStopped",
    "MessagePinned",
    "MessageStateEvent",
    "MessageUnpinned",
    "ReactionAdded",
    "ReactionCleared",
    "ReactionEvent",
    "ReactionRemoved",
    "ReadStateUpdated",
    "StarsUpdated",
]


def _time(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


@dataclass(kw_only=True, eq=False)
class MessageStateEvent(MessageEvent):
    """A change to a message's reactions, stars or pin. `before`/`after` are filled by
    the client cache when it holds the message."""

    before: Message | None = None
    after: Message | None = None

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        return {**super()._parse_data(envelope), "message_id": int(envelope.data["message_id"])}

    def fold(self, message: Message, me_id: int | None) -> Message:
        """`message` with this event applied (the viewer is `me_id`)."""
        return message


# -- reactions ------------------------------------------------------------------------


@dataclass(kw_only=True, eq=False)
class ReactionEvent(MessageStateEvent):
    emoji: str | None = None

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        return {**super()._parse_data(envelope), "emoji": envelope.data.get("emoji")}


@dataclass(kw_only=True, eq=False)
class _ReactionChange(ReactionEvent):
    emoji: str
    user_id: int
    count: int

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        return {
            **super()._parse_data(envelope),
            "emoji": str(d["emoji"]),
            "user_id": int(d["user_id"]),
            "count": int(d["count"]),
        }

    def _fold(self, message: Message, me_id: int | None, added: bool) -> Message:
        out: list[Reaction] = []
        seen = False
        for r in message.reactions:
            if r.emoji != self.emoji:
                out.append(r)
                continue
            seen = True
            users = [u for u in r.user_ids if u != self.user_id]
            if added:
                users.append(self.user_id)
            if self.count > 0:
                me = None if me_id is None else me_id in users
                out.append(r.model_copy(update={"count": self.count, "user_ids": users, "me": me}))
        if added and not seen:
            me = None if me_id is None else me_id == self.user_id
            out.append(Reaction(emoji=self.emoji, count=self.count, user_ids=[self.user_id], me=me))
        return message.model_copy(update={"reactions": out})


@register
@dataclass(kw_only=True, eq=False)
class ReactionAdded(_ReactionChange):
    """Someone reacted to a message with `emoji`; `count` is the new total for it."""

    type_name = "message.reaction.added"

    def fold(self, message: Message, me_id: int | None) -> Message:
        return self._fold(message, me_id, added=True)


@register
@dataclass(kw_only=True, eq=False)
class ReactionRemoved(_ReactionChange):
    """Someone took back a reaction; `count` is what is left for that emoji."""

    type_name = "message.reaction.removed"

    def fold(self, message: Message, me_id: int | None) -> Message:
        return self._fold(message, me_id, added=False)


@register
@dataclass(kw_only=True, eq=False)
class ReactionCleared(ReactionEvent):
    """A moderator removed every reaction of `emoji` (or all, when `emoji` is None)."""

    type_name = "message.reaction.cleared"
    actor_id: int | None = None

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        return {**super()._parse_data(envelope), "actor_id": envelope.data.get("actor_id")}

    def fold(self, message: Message, me_id: int | None) -> Message:
        kept = [] if self.emoji is None else [r for r in message.reactions if r.emoji != self.emoji]
        return message.model_copy(update={"reactions": kept})


# -- stars and pins -------------------------------------------------------------------


@register
@dataclass(kw_only=True, eq=False)
class StarsUpdated(MessageStateEvent):
    """The star count changed. Never says who starred: `by_you` is set only in the copy
    sent to the starrer's own sessions (True: you starred it, False: you unstarred it)."""

    type_name = "message.stars.updated"
    stars: int
    cleared: bool = False
    by_you: bool | None = None

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        by_you = d.get("by_you")
        return {
            **super()._parse_data(envelope),
            "stars": int(d["stars"]),
            "cleared": bool(d.get("cleared", False)),
            "by_you": None if by_you is None else bool(by_you),
        }

    def fold(self, message: Message, me_id: int | None) -> Message:
        update: dict[str, Any] = {"stars": self.stars}
        if self.cleared:
            update["starred_by_you"] = False
        elif self.by_you is not None:
            update["starred_by_you"] = self.by_you
        return message.model_copy(update=update)


@register
@dataclass(kw_only=True, eq=False)
class MessagePinned(MessageStateEvent):
    """A room owner or moderator pinned a message (`before`/`after` when it was cached)."""

    type_name = "message.pinned"
    actor_id: int | None = None
    pinned_at: datetime | None = None

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        return {
            **super()._parse_data(envelope),
            "actor_id": d.get("actor_id"),
            "pinned_at": _time(d.get("pinned_at")),
        }

    def fold(self, message: Message, me_id: int | None) -> Message:
        update = {"pinned": True, "pin_count": 1, "pinned_at": self.pinned_at}
        return message.model_copy(update=update)


@register
@dataclass(kw_only=True, eq=False)
class MessageUnpinned(MessageStateEvent):
    """A room owner or moderator unpinned a message."""

    type_name = "message.unpinned"
    actor_id: int | None = None

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        return {**super()._parse_data(envelope), "actor_id": envelope.data.get("actor_id")}

    def fold(self, message: Message, me_id: int | None) -> Message:
        update = {"pinned": False, "pin_count": 0, "pinned_at": None}
        return message.model_copy(update=update)


# -- editing indicators (ephemeral) ---------------------------------------------------


@dataclass(kw_only=True, eq=False)
class EditingEvent(MessageEvent):
    """Ephemeral: never has a seq, never replayed on resume."""

    user_id: int

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        return {
            **super()._parse_data(envelope),
            "message_id": int(d["message_id"]),
            "user_id": int(d["user_id"]),
        }


@register
@dataclass(kw_only=True, eq=False)
class EditingStarted(EditingEvent):
    """Someone started editing a message (ephemeral, ROOM−self); it lapses at
    `expires_at` unless renewed."""

    type_name = "message.editing.started"
    expires_at: datetime | None = None

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        expires = _time(envelope.data.get("expires_at"))
        return {**super()._parse_data(envelope), "expires_at": expires}


@register
@dataclass(kw_only=True, eq=False)
class EditingStopped(EditingEvent):
    """Someone stopped editing a message (ephemeral, ROOM−self)."""

    type_name = "message.editing.stopped"


# -- read state -----------------------------------------------------------------------


@register
@dataclass(kw_only=True, eq=False)
class ReadStateUpdated(RoomEvent):
    """You (in this or another session) read the room up to `last_read_message_id`."""

    type_name = "read_state.updated"
    last_read_message_id: int
    mention_ids_cleared: list[int] = field(default_factory=list)
    unread_count: int | None = None
    mention_count: int | None = None
    # Filled by the client cache: the read state it held (None if unknown) and the new one.
    before: ReadState | None = None
    after: ReadState | None = None

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        return {
            **super()._parse_data(envelope),
            "last_read_message_id": int(d["last_read_message_id"]),
            "mention_ids_cleared": [int(m) for m in d.get("mention_ids_cleared") or []],
            "unread_count": d.get("unread_count"),
            "mention_count": d.get("mention_count"),
        }

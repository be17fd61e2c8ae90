"""Typed SDK events of issue 6's message pipeline (EVENTS.md C.2 #37–38, #67–68; MD-01,
MD-02, MD-09, MD-15, D.1, D.79), registered in protocol.events' registry.

    RoomEvent
    ├── RoomTimeoutEvent              the room's freeze (ROOM)
    │   ├── RoomTimeoutStarted        actor_id, duration_s, ends_at (S0's TimeBreak)
    │   └── RoomTimeoutEnded          reason: expired | lifted
    ├── ModerationQueued              message (the moderators' copy), reason:
    │                                 pre_moderation | report_threshold, report_count (MODS)
    └── MessageEvent
        └── MessageStateEvent
            └── ModerationResolved    state: approved | rejected, actor_id, note (MODS +
                                      the author); the cache folds the new state in

A pre-moderated message that is approved reaches the rest of the room as `MessageCreated`
(state `approved`); its author and the moderators, who had it already, get only
`ModerationResolved`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hubbub.protocol.events import RoomEvent, register
from hubbub.protocol.events_reactions import MessageStateEvent
from hubbub.protocol.models import Envelope, Message

__all__ = [
    "ModerationQueued",
    "ModerationResolved",
    "RoomTimeoutEnded",
    "RoomTimeoutEvent",
    "RoomTimeoutStarted",
]


def _time(value: Any) -> datetime | None:
    if value is None:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


@dataclass(kw_only=True, eq=False)
class RoomTimeoutEvent(RoomEvent):
    """The room's timeout (freeze) started or ended."""


@register
@dataclass(kw_only=True, eq=False)
class RoomTimeoutStarted(RoomTimeoutEvent):
    """Only the room's owners and moderators may post until `ends_at`."""

    type_name = "room.timeout.started"
    actor_id: int | None = None
    duration_s: int = 0
    ends_at: datetime | None = None

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        actor = d.get("actor_id")
        return {
            **super()._parse_data(envelope),
            "actor_id": None if actor is None else int(actor),
            "duration_s": int(d.get("duration_s") or 0),
            "ends_at": _time(d.get("ends_at")),
        }


@register
@dataclass(kw_only=True, eq=False)
class RoomTimeoutEnded(RoomTimeoutEvent):
    """Everyone may post again: the timeout `expired` or a moderator `lifted` it."""

    type_name = "room.timeout.ended"
    reason: str = "expired"

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        return {**super()._parse_data(envelope), "reason": str(envelope.data.get("reason"))}


@register
@dataclass(kw_only=True, eq=False)
class ModerationQueued(RoomEvent):
    """A message waits for a moderator: held by pre-moderation, or reported
    `report_count` times (the room's `max_reports`). Moderators only."""

    type_name = "moderation.queued"
    message: Message
    reason: str
    report_count: int = 0

    @property
    def message_id(self) -> int:
        return self.message.id

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        return {
            **super()._parse_data(envelope),
            "message": Message.model_validate(d["message"]),
            "reason": str(d["reason"]),
            "report_count": int(d.get("report_count") or 0),
        }


@register
@dataclass(kw_only=True, eq=False)
class ModerationResolved(MessageStateEvent):
    """A moderator approved or rejected a queued message (its author and the moderators
    get this). `before`/`after` are filled when the client has the message cached."""

    type_name = "moderation.resolved"
    state: str
    actor_id: int | None = None
    note: str | None = None

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        actor = d.get("actor_id")
        return {
            **super()._parse_data(envelope),
            "state": str(d["state"]),
            "actor_id": None if actor is None else int(actor),
            "note": d.get("note"),
        }

    def fold(self, message: Message, me_id: int | None) -> Message:
        active = self.state != "rejected" and not message.deleted
        return message.model_copy(update={"moderation_state": self.state, "active": active})

"""Typed SDK events of scheduled events in rooms (issue 8), registered in protocol.events'
registry. These wire names are new beside EVENTS.md C.2 (docs/voice.md lists them); the
reminders arrive as `NotificationCreated` with kind `scheduled_event`.

    ServerEvent
    └── RoomEvent
        └── ScheduleEvent               event_id — ROOM
            ├── ScheduledEventCreated   event
            ├── ScheduledEventUpdated   changes (interested_count for RSVPs), cleared;
            │                           `before`/`after` when the client cached it
            └── ScheduledEventDeleted   event: the cached one, when known
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hubbub.protocol.events import RoomEvent, register
from hubbub.protocol.models import Envelope
from hubbub.protocol.models_voice import ScheduledEvent

__all__ = [
    "ScheduleEvent",
    "ScheduledEventCreated",
    "ScheduledEventDeleted",
    "ScheduledEventUpdated",
]


@dataclass(kw_only=True, eq=False)
class ScheduleEvent(RoomEvent):
    """Something happened to the room's scheduled event `event_id`."""

    event_id: int


@register
@dataclass(kw_only=True, eq=False)
class ScheduledEventCreated(ScheduleEvent):
    type_name = "scheduled_event.created"
    event: ScheduledEvent

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        event = ScheduledEvent.model_validate(envelope.data["event"])
        return {**super()._parse_data(envelope), "event": event, "event_id": event.id}


@register
@dataclass(kw_only=True, eq=False)
class ScheduledEventUpdated(ScheduleEvent):
    type_name = "scheduled_event.updated"
    changes: dict[str, Any]
    cleared: list[str]
    before: ScheduledEvent | None = None
    after: ScheduledEvent | None = None

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        return {
            **super()._parse_data(envelope),
            "event_id": int(d["event_id"]),
            "changes": dict(d.get("changes") or {}),
            "cleared": list(d.get("cleared") or []),
        }


@register
@dataclass(kw_only=True, eq=False)
class ScheduledEventDeleted(ScheduleEvent):
    type_name = "scheduled_event.deleted"
    event: ScheduledEvent | None = None  # the cached event, when known

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        return {**super()._parse_data(envelope), "event_id": int(envelope.data["event_id"])}

"""Typed SDK events of issue 3's content area, registered in protocol.events' registry.

    ServerEvent
    └── NotificationEvent            user-scoped (audience USER): only this user gets them
        ├── NotificationCreated      `notification.created` (mention, reply, …)
        └── NotificationRead         `notification.read`: marked read in some session

They are not RoomEvents: a notification is about a room (`room_id`) but is delivered to
one user wherever they are, member of that room or not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hubbub.protocol.events import ServerEvent, register
from hubbub.protocol.models import Envelope, Notification

__all__ = ["NotificationCreated", "NotificationEvent", "NotificationRead"]


@dataclass(kw_only=True, eq=False)
class NotificationEvent(ServerEvent):
    """Base of the user's notification stream."""


@register
@dataclass(kw_only=True, eq=False)
class NotificationCreated(NotificationEvent):
    """Someone mentioned this user, or replied to (or quoted) one of their messages."""

    type_name = "notification.created"
    notification: Notification

    @property
    def kind(self) -> str:
        return str(self.notification.kind)

    @property
    def message_id(self) -> int | None:
        return self.notification.message_id

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        notification = Notification.model_validate(envelope.data["notification"])
        room_id = envelope.room_id if envelope.room_id is not None else notification.room_id
        return {"notification": notification, "room_id": room_id}


@register
@dataclass(kw_only=True, eq=False)
class NotificationRead(NotificationEvent):
    """Notifications were marked read: these ids, and every id up to `up_to` if set."""

    type_name = "notification.read"
    notification_ids: list[int] = field(default_factory=list)
    up_to: int | None = None
    read_at: datetime | None = None

    def covers(self, notification_id: int) -> bool:
        return notification_id in self.notification_ids or (
            self.up_to is not None and notification_id <= self.up_to
        )

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        read_at = d.get("read_at")
        up_to = d.get("up_to")
        return {
            "notification_ids": [int(i) for i in d.get("notification_ids") or []],
            "up_to": None if up_to is None else int(up_to),
            "read_at": datetime.fromisoformat(read_at) if read_at else None,
        }

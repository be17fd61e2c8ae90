"""Typed SDK events of issue 5: presence (global and per room) and the user settings document;
registered in protocol.events' registry.

    ServerEvent
    ├── PresenceUpdated        user_id, status, last_seen_at (OBSERVERS; EVENTS.md #19)
    │                          `own`: the user's own copy of their choice (USER), whose
    │                          status may be `invisible`; `before` from the client cache
    └── UserSettingsUpdated    changes, cleared, updated_at (USER; #17); `before`/`after`
                               when the client holds the settings document (D.49)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter

from hubbub.protocol.events import ServerEvent, register
from hubbub.protocol.models import Envelope, Timestamp

__all__ = ["PresenceUpdated", "UserSettingsUpdated"]

_time: TypeAdapter[datetime] = TypeAdapter(Timestamp)


def _when(value: Any) -> datetime | None:
    return None if value is None else _time.validate_python(value)


@register
@dataclass(kw_only=True, eq=False)
class PresenceUpdated(ServerEvent):
    """A user's presence changed: `status` is `online | idle | busy | offline` as others
    see it. With `own` it is the user's own choice, sent to their sessions only, and may
    be `invisible`. `room_id` is set for a status change within one room."""

    type_name = "presence.updated"
    user_id: int
    status: str
    last_seen_at: datetime | None = None
    own: bool = False
    before: str | None = None  # the status the cache held, if any

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        return {
            "user_id": int(d["user_id"]),
            "status": str(d["status"]),
            "last_seen_at": _when(d.get("last_seen_at")),
            "own": bool(d.get("own", False)),
        }


@register
@dataclass(kw_only=True, eq=False)
class UserSettingsUpdated(ServerEvent):
    """This user's settings document changed, here or on another device: `changes`
    (key → new value) and `cleared` (keys removed). `before`/`after` are the whole
    document (key → value) when the client holds it (always after `settings()` or a
    ready that carried it, D.49)."""

    type_name = "user.settings.updated"
    changes: dict[str, Any]
    cleared: list[str]
    updated_at: datetime
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        return {
            "changes": dict(d.get("changes") or {}),
            "cleared": [str(k) for k in d.get("cleared") or []],
            "updated_at": _time.validate_python(d["updated_at"]),
        }

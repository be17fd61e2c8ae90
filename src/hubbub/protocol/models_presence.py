"""Wire models of issue 5's presence and user settings (PR-01, PR-02, ST-01)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from hubbub.protocol.models import Actor, Timestamp, WireModel

__all__ = [
    "PresenceChoice",
    "PresenceStatus",
    "RoomPresence",
    "SettingEntry",
    "SettingsChange",
    "UserPresence",
]

# What a user may choose; `online` means "automatic" (shown while connected).
PresenceChoice = Literal["online", "idle", "busy", "invisible"]
# What others see; a user's own view may also say `invisible`.
PresenceStatus = Literal["online", "idle", "busy", "invisible", "offline"]


class UserPresence(WireModel):
    """A user's presence: the effective status as others see it. In the user's own view
    `status` may be `invisible` and `chosen` says what they picked. `status_text` is the
    profile's custom status (null when none)."""

    user_id: int
    status: str
    last_seen_at: Timestamp | None = None
    status_text: str | None = None
    chosen: str | None = None


class RoomPresence(WireModel):
    """Who is in a room now (`current_users`) and who would see a ping (D.100)."""

    room_id: int
    current_users: list[Actor] = Field(default_factory=list)
    pingable_users: list[Actor] = Field(default_factory=list)


class SettingEntry(WireModel):
    """One key of the settings document: its JSON value and when it was last written."""

    value: Any
    updated_at: Timestamp


class SettingsChange(WireModel):
    """What a settings update changed (also the payload of `user.settings.updated`)."""

    changes: dict[str, Any] = Field(default_factory=dict)
    cleared: list[str] = Field(default_factory=list)
    updated_at: Timestamp

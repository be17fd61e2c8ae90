"""The part of the client cache that holds presence and the settings document (issue 5).

- `presences`: user id → the last status heard (as others see it), from `presence.updated`
  and from REST reads the app made through the client; `own_presence` is this user's own
  choice (`invisible` included), from the `own` copies.
- `settings`: key → value of this user's settings document, None until known (bots never
  have one, D.44); `settings_updated_at` the time of each key. Known after a `ready` that
  carries `settings`, or after `client.settings()`. `user.settings.updated` gets `before`
  and `after` (whole documents) only while it is known (D.49).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from hubbub.protocol.events import ServerEvent
from hubbub.protocol.events_presence import PresenceUpdated, UserSettingsUpdated
from hubbub.protocol.models_presence import SettingEntry

__all__ = ["PresenceCache"]


class PresenceCache:
    presences: dict[int, str]
    own_presence: str | None
    settings: dict[str, Any] | None
    settings_updated_at: dict[str, datetime]

    def _init_presence(self) -> None:
        self.presences = {}
        self.own_presence = None
        self.settings = None
        self.settings_updated_at = {}

    def apply_ready_presence(self, frame: Mapping[str, Any]) -> None:
        """Adopt what a `ready` carries: `settings` ({key: {value, updated_at}}) and
        `presences` ({user id: status}) when the server sends them."""
        settings = frame.get("settings")
        if isinstance(settings, Mapping):
            self.adopt_settings({k: SettingEntry.model_validate(v) for k, v in settings.items()})
        presences = frame.get("presences")
        if isinstance(presences, Mapping):
            self.presences = {int(k): str(v) for k, v in presences.items()}

    def adopt_settings(self, entries: Mapping[str, SettingEntry], *, whole: bool = True) -> None:
        """Take a fetched document (or, with `whole=False`, some of its keys)."""
        if whole or self.settings is None:
            self.settings, self.settings_updated_at = {}, {}
        for key, entry in entries.items():
            self.settings[key] = entry.value
            self.settings_updated_at[key] = entry.updated_at

    def apply_presence_event(self, event: ServerEvent) -> bool:
        """Fold a presence or settings event in; False for any other event."""
        if isinstance(event, PresenceUpdated):
            if event.own:
                event.before, self.own_presence = self.own_presence, event.status
            elif event.room_id is None:
                event.before = self.presences.get(event.user_id)
                self.presences[event.user_id] = event.status
            return True
        if isinstance(event, UserSettingsUpdated):
            if self.settings is not None:
                event.before = dict(self.settings)
                for key in event.cleared:
                    self.settings.pop(key, None)
                    self.settings_updated_at.pop(key, None)
                for key, value in event.changes.items():
                    self.settings[key] = value
                    self.settings_updated_at[key] = event.updated_at
                event.after = dict(self.settings)
            return True
        return False

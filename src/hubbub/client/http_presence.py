"""REST methods: presence (global and per room) and the user settings document (issue 5). Each
returns wire models or raises the typed error the server named."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from hubbub.client.http_base import Requester
from hubbub.protocol.models_presence import (
    RoomPresence,
    SettingEntry,
    SettingsChange,
    UserPresence,
)

__all__ = ["PresenceAPI"]


class PresenceAPI(Requester):
    # -- global presence -----------------------------------------------------------------

    async def set_presence(self, status: str) -> UserPresence:
        """Choose `online` (automatic: shown while connected), `idle`, `busy` or
        `invisible` (others see you offline). Returns your own view."""
        body = await self.request("PUT", "/users/me/presence", json={"status": status})
        return UserPresence.model_validate(body)

    async def get_presence(self, user_id: int | None = None) -> UserPresence:
        """One user's presence (yours when `user_id` is None, with `chosen`)."""
        path = "/users/me/presence" if user_id is None else f"/users/{user_id}/presence"
        return UserPresence.model_validate(await self.request("GET", path))

    async def fetch_presence(self, user_ids: Iterable[int]) -> dict[int, UserPresence]:
        """Several users' presence at once (at most 100 ids); unknown ids are left out."""
        ids = ",".join(str(int(u)) for u in user_ids)
        body = await self.request("GET", "/presence", params={"user_ids": ids})
        found = [UserPresence.model_validate(p) for p in body["presence"]]
        return {p.user_id: p for p in found}

    # -- rooms ---------------------------------------------------------------------------

    async def room_presence(self, room_id: int) -> RoomPresence:
        """Who is connected in a room now (`current_users`) and who a ping would reach
        (`pingable_users`: active within the window or present, room not muted)."""
        return RoomPresence.model_validate(await self.request("GET", f"/rooms/{room_id}/presence"))

    async def mute_room(self, room_id: int, muted: bool = True) -> bool:
        """Mute (or unmute) a room you belong to; returns the new state."""
        body = await self.request("PUT", f"/rooms/{room_id}/mute", json={"muted": muted})
        return bool(body["muted"])

    # -- settings ------------------------------------------------------------------------

    async def get_settings(self, keys: Iterable[str] | None = None) -> dict[str, SettingEntry]:
        """The settings document (or only `keys`): key → {value, updated_at}."""
        params = None if keys is None else {"keys": ",".join(keys)}
        body = await self.request("GET", "/users/me/settings", params=params)
        return {k: SettingEntry.model_validate(v) for k, v in body["settings"].items()}

    async def patch_settings(self, patch: Mapping[str, Any]) -> SettingsChange:
        """A partial update: key → value, or None to clear the key."""
        body = await self.request("PATCH", "/users/me/settings", json=dict(patch))
        return SettingsChange.model_validate(body)

    async def update_settings(
        self, changes: Mapping[str, Any] | None = None, /, **more: Any
    ) -> SettingsChange:
        """Set keys (`update_settings({"theme": "dark"})` or `update_settings(theme="dark")`);
        a None value clears that key. Keys that are not identifiers go in the mapping."""
        return await self.patch_settings({**(changes or {}), **more})

    async def clear_settings(self, keys: Iterable[str]) -> SettingsChange:
        """Remove keys from the settings document."""
        return await self.patch_settings(dict.fromkeys(keys))

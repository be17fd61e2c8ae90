"""REST methods: profiles, statistics, account deletion/wipe and merge (issue 5). Each returns wire
models or raises the typed error the server named."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hubbub.client.http_base import Requester
from hubbub.protocol.models import User
from hubbub.protocol.models_profiles import UserMerge, UserStats, UserWipe

__all__ = ["ProfilesAPI"]

# Distinguishes "not given" from an explicit None (which clears a field).
_UNSET: Any = object()


class ProfilesAPI(Requester):
    async def edit_profile(
        self,
        *,
        display_name: str = _UNSET,
        handle: str = _UNSET,
        about: str | None = _UNSET,
        status_text: str | None = _UNSET,
    ) -> User:
        """Change one's own profile; only the arguments given change. `about=None` and
        `status_text=None` clear them; `handle` renames the account (same rules as
        registration). Observers get `UserUpdated`; changing nothing logs nothing."""
        body: dict[str, Any] = {}
        for key, value in (
            ("display_name", display_name),
            ("handle", handle),
            ("about", about),
            ("status_text", status_text),
        ):
            if value is not _UNSET:
                body[key] = value
        return User.model_validate(await self.request("PATCH", "/users/me", json=body))

    async def set_avatar(self, data: bytes, filename: str = "avatar") -> User:
        """Upload a new avatar (PNG, GIF, WebP or JPEG; 1 MiB by default). The server reads
        the type from the bytes; the new `avatar_url` is a fresh, stable URL."""
        files = {"file": (filename, data, "application/octet-stream")}
        return User.model_validate(await self.request("PUT", "/users/me/avatar", files=files))

    async def clear_avatar(self) -> User:
        """Remove one's avatar (`avatar_url` becomes None)."""
        return User.model_validate(await self.request("DELETE", "/users/me/avatar"))

    async def fetch_user_stats(self, user_id: int) -> UserStats:
        """message_count, room_count, last_seen_at and reputation of a user (ID-09)."""
        return UserStats.model_validate(await self.request("GET", f"/users/{user_id}/stats"))

    async def find_user_by_handle(self, handle: str) -> User:
        """The user answering to `handle` (case-insensitive); NotFound `user_not_found`."""
        return User.model_validate(await self.request("GET", "/users", params={"handle": handle}))

    async def delete_account(self, password: str, *, user_id: int | None = None) -> None:
        """Delete one's own account, or (`user_id`) a bot one owns, confirmed with one's
        password. Irreversible: content is tombstoned, every session ends."""
        path = "/users/me" if user_id is None else f"/users/{user_id}"
        await self.request("DELETE", path, json={"password": password})

    async def wipe_user(
        self, user_id: int, flags: Sequence[str], reason: str | None = None
    ) -> UserWipe:
        """Global moderators: wipe an account with flags `banned`, `spam` and/or
        `deleted`; observers get `UserWiped`."""
        body: dict[str, Any] = {"flags": list(flags)}
        if reason is not None:
            body["reason"] = reason
        data = await self.request("POST", f"/admin/users/{user_id}/wipe", json=body)
        return UserWipe.model_validate(data)

    async def merge_users(self, source_user_id: int, target_user_id: int) -> UserMerge:
        """Global moderators: fold `source_user_id` into `target_user_id` (its messages
        and memberships move; the old id resolves to the target)."""
        body = {"source_user_id": source_user_id, "target_user_id": target_user_id}
        return UserMerge.model_validate(await self.request("POST", "/admin/users/merge", json=body))

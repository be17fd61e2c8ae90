"""REST methods: sanctions: room bans (kick-mute, bounce, ban) and platform suspensions
(issue 6). Each returns wire models or raises the typed error the server named."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hubbub.client.http_base import Requester
from hubbub.protocol.models_sanctions import RoomBan, Suspension, SuspensionState

__all__ = ["SanctionsAPI"]


class SanctionsAPI(Requester):
    # -- room bans ----------------------------------------------------------------------

    async def ban(
        self,
        room_id: int,
        user_id: int,
        kind: str = "ban",
        *,
        expires_in_s: int | None = None,
        reason: str | None = None,
    ) -> RoomBan:
        """Ban a user from a room: `kind` is `kick_mute` (60 s unless `expires_in_s`),
        `bounce` or `ban` (until lifted unless `expires_in_s`). A ban in force is
        replaced. Needs `kick` (kick_mute) or `ban` in the room; raises Forbidden
        (`cannot_moderate_higher`, `cannot_ban_owner`, `cannot_ban_staff`, …)."""
        body: dict[str, Any] = {"kind": kind}
        if expires_in_s is not None:
            body["expires_in_s"] = expires_in_s
        if reason is not None:
            body["reason"] = reason
        data = await self.request("PUT", f"/rooms/{room_id}/bans/{user_id}", json=body)
        return RoomBan.model_validate(data)

    async def unban(self, room_id: int, user_id: int) -> None:
        """Lift a user's ban or kick-mute in a room (NotFound `ban_not_found` if none)."""
        await self.request("DELETE", f"/rooms/{room_id}/bans/{user_id}")

    async def bans(self, room_id: int) -> list[RoomBan]:
        """The bans in force in a room, with reasons: for its moderators."""
        body = await self.request("GET", f"/rooms/{room_id}/bans")
        return [RoomBan.model_validate(b) for b in body["bans"]]

    # -- suspensions --------------------------------------------------------------------

    async def suspend(
        self,
        user_id: int,
        *,
        duration_s: int | None = None,
        expires_at: datetime | str | None = None,
        reason: str | None = None,
    ) -> Suspension:
        """Suspend a user platform-wide (staff only): give `duration_s` (from now) or
        `expires_at`. Suspending a suspended user moves the expiry (`previous_expires_at`
        in the answer)."""
        body: dict[str, Any] = {}
        if duration_s is not None:
            body["duration_s"] = duration_s
        if expires_at is not None:
            body["expires_at"] = (
                expires_at.isoformat() if isinstance(expires_at, datetime) else expires_at
            )
        if reason is not None:
            body["reason"] = reason
        data = await self.request("PUT", f"/admin/users/{user_id}/suspension", json=body)
        return Suspension.model_validate(data)

    async def unsuspend(self, user_id: int) -> Suspension:
        """Clear a user's suspension (staff only); the cleared suspension."""
        data = await self.request("DELETE", f"/admin/users/{user_id}/suspension")
        return Suspension.model_validate(data)

    async def suspension(self, user_id: int) -> SuspensionState:
        """The suspension in force (if any) and the history: staff, or the user."""
        data = await self.request("GET", f"/admin/users/{user_id}/suspension")
        return SuspensionState.model_validate(data)

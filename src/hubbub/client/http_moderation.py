"""REST methods: the moderation pipeline: profanity word lists, shadowbans, the room freeze,
the pre-moderation queue (issue 6). Each returns wire models or raises the typed error the
server named. The pipeline's room settings (`moderation`, `profanity_filter`,
`throttle_seconds`, `delay_message_seconds`, `hide_on_report_threshold`) are set with
`edit_room`."""

from __future__ import annotations

from typing import Any, Literal

from hubbub.client.http_base import Requester
from hubbub.protocol.models import Message, Room

__all__ = ["ModerationAPI"]


class ModerationAPI(Requester):
    # -- the pipeline's room settings ---------------------------------------------------

    async def set_moderation_settings(
        self,
        room_id: int,
        *,
        moderation: Literal["none", "pre", "post"] | None = None,
        profanity_filter: bool | None = None,
        throttle_seconds: int | None = None,
        delay_message_seconds: int | None = None,
        hide_on_report_threshold: bool | None = None,
    ) -> Room:
        """Change a room's pipeline settings (its owners and moderators; audited): the
        moderation mode, the profanity filter, slow mode (0–21600 s between one user's
        messages), the broadcast delay (0–300 s) and hiding at the report threshold.
        Only the settings given are sent."""
        fields = {
            "moderation": moderation,
            "profanity_filter": profanity_filter,
            "throttle_seconds": throttle_seconds,
            "delay_message_seconds": delay_message_seconds,
            "hide_on_report_threshold": hide_on_report_threshold,
        }
        body = {k: v for k, v in fields.items() if v is not None}
        return Room.model_validate(await self.request("PATCH", f"/rooms/{room_id}", json=body))

    # -- profanity word lists -----------------------------------------------------------

    async def get_word_list(self, room_id: int | None = None) -> list[str]:
        """A room's own profanity words (its moderators), or with no room the server-wide
        words (staff). Both add to the bundled English list."""
        path = "/admin/word_list" if room_id is None else f"/rooms/{room_id}/word_list"
        body = await self.request("GET", path)
        return [str(w) for w in body["words"]]

    async def set_word_list(self, words: list[str], room_id: int | None = None) -> list[str]:
        """Replace a room's own words (its moderators), or with no room the server-wide
        words (staff); the stored list (lower case, sorted, without duplicates)."""
        path = "/admin/word_list" if room_id is None else f"/rooms/{room_id}/word_list"
        body = await self.request("PUT", path, json={"words": words})
        return [str(w) for w in body["words"]]

    # -- shadowbans ---------------------------------------------------------------------

    async def shadowban(
        self,
        user_id: int,
        *,
        room_id: int | None = None,
        expires_in_s: int | None = None,
        reason: str | None = None,
    ) -> dict[str, Any]:
        """Shadowban a user in one room (its moderators) or, with no room, everywhere
        (staff); for `expires_in_s` seconds or until lifted. Their messages then reach
        only them and the moderators. Returns the shadowban
        `{id, user_id, room_id, reason, actor_id, created_at, expires_at}`."""
        body: dict[str, Any] = {}
        if expires_in_s is not None:
            body["expires_in_s"] = expires_in_s
        if reason is not None:
            body["reason"] = reason
        path = (
            f"/admin/users/{user_id}/shadowban"
            if room_id is None
            else f"/rooms/{room_id}/shadowbans/{user_id}"
        )
        result: dict[str, Any] = await self.request("PUT", path, json=body)
        return result

    async def unshadowban(self, user_id: int, *, room_id: int | None = None) -> None:
        """Lift a user's shadowban in a room, or their global one (NotFound if none)."""
        path = (
            f"/admin/users/{user_id}/shadowban"
            if room_id is None
            else f"/rooms/{room_id}/shadowbans/{user_id}"
        )
        await self.request("DELETE", path)

    # -- the room freeze ----------------------------------------------------------------

    async def timeout_room(self, room_id: int, duration_s: int) -> dict[str, Any]:
        """Freeze a room for `duration_s` seconds: only its owners and moderators may
        post (`RoomTimeoutStarted`). Returns `{room_id, actor_id, duration_s, ends_at}`."""
        result: dict[str, Any] = await self.request(
            "POST", f"/rooms/{room_id}/timeout", json={"duration_s": duration_s}
        )
        return result

    async def end_room_timeout(self, room_id: int) -> None:
        """End a room's timeout early (`RoomTimeoutEnded`, reason `lifted`)."""
        await self.request("DELETE", f"/rooms/{room_id}/timeout")

    # -- the moderation queue -----------------------------------------------------------

    async def moderation_queue(
        self, room_id: int, *, after: int | None = None, limit: int = 50
    ) -> list[dict[str, Any]]:
        """One page of the messages waiting for a room's moderators, oldest first: items
        `{message: Message, reason, report_count, queued_at}` (page on with `after` = the
        last message id)."""
        params: dict[str, Any] = {"limit": limit}
        if after is not None:
            params["after"] = after
        body = await self.request("GET", f"/rooms/{room_id}/moderation/queue", params=params)
        return [
            {**item, "message": Message.model_validate(item["message"])} for item in body["items"]
        ]

    async def approve_message(self, message_id: int, note: str | None = None) -> Message:
        """Approve a queued message; a pre-moderated one is published to the room."""
        body = {} if note is None else {"note": note}
        data = await self.request("POST", f"/messages/{message_id}/approve", json=body)
        return Message.model_validate(data)

    async def reject_message(self, message_id: int, note: str | None = None) -> Message:
        """Reject a queued message: it stays hidden; its author is told (with `note`)."""
        body = {} if note is None else {"note": note}
        data = await self.request("POST", f"/messages/{message_id}/reject", json=body)
        return Message.model_validate(data)

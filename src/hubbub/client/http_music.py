"""REST methods of music rooms (issue 8; MU-01…MU-04). Each returns wire models or raises
the typed error the server named (Conflict `not_a_music_room`, `nothing_playing`,
`already_voted`, `stale_item`; ValidationError `invalid_duration`, `invalid_track_url`…)."""

from __future__ import annotations

from typing import Any

from hubbub.client.http_base import Requester
from hubbub.protocol.models_music import MusicState, MusicStats, QueueItem, VoteResult

__all__ = ["MusicAPI"]


class MusicAPI(Requester):
    async def music_state(self, room_id: int) -> MusicState:
        """Settings, now playing (with this user's vote) and the queue in play order."""
        return MusicState.model_validate(await self.request("GET", f"/rooms/{room_id}/music"))

    async def edit_music(
        self,
        room_id: int,
        *,
        mode: str | None = None,
        skip_downvote_ratio: float | None = None,
    ) -> MusicState:
        """Room owners and moderators: `mode` (shared | rotation), `skip_downvote_ratio`."""
        body: dict[str, Any] = {}
        if mode is not None:
            body["mode"] = mode
        if skip_downvote_ratio is not None:
            body["skip_downvote_ratio"] = skip_downvote_ratio
        found = await self.request("PATCH", f"/rooms/{room_id}/music", json=body)
        return MusicState.model_validate(found)

    async def queue_track(
        self,
        room_id: int,
        *,
        url: str,
        title: str,
        duration_s: int,
        source: str = "url",
        artist: str | None = None,
    ) -> QueueItem:
        body: dict[str, Any] = {
            "source": source,
            "url": url,
            "title": title,
            "duration_s": duration_s,
        }
        if artist is not None:
            body["artist"] = artist
        found = await self.request("POST", f"/rooms/{room_id}/music/queue", json=body)
        return QueueItem.model_validate(found)

    async def music_queue(self, room_id: int) -> list[QueueItem]:
        found = await self.request("GET", f"/rooms/{room_id}/music/queue")
        return [QueueItem.model_validate(i) for i in found["queue"]]

    async def move_track(self, room_id: int, item_id: int, position: int) -> list[QueueItem]:
        """Move one's own waiting track to `position` (0-based among one's own tracks)."""
        found = await self.request(
            "PATCH", f"/rooms/{room_id}/music/queue/{item_id}", json={"position": position}
        )
        return [QueueItem.model_validate(i) for i in found["queue"]]

    async def remove_track(self, room_id: int, item_id: int) -> None:
        await self.request("DELETE", f"/rooms/{room_id}/music/queue/{item_id}")

    async def skip_track(self, room_id: int, item_id: int | None = None) -> MusicState:
        body = {} if item_id is None else {"item_id": item_id}
        found = await self.request("POST", f"/rooms/{room_id}/music/skip", json=body)
        return MusicState.model_validate(found)

    async def vote_track(self, room_id: int, item_id: int, vote: str) -> VoteResult:
        body = {"item_id": item_id, "vote": vote}
        found = await self.request("POST", f"/rooms/{room_id}/music/vote", json=body)
        return VoteResult.model_validate(found)

    async def music_stats(self, room_id: int) -> list[MusicStats]:
        found = await self.request("GET", f"/rooms/{room_id}/music/members")
        return [MusicStats.model_validate(m) for m in found["members"]]

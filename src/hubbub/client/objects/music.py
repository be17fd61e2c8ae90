"""Music-room and feed actions of `Room` (issue 8): queue a track, vote, skip, read the
state; attach feeds. `Room` inherits them; queue items, tracks and the state are the
immutable wire models of `hubbub.protocol.models_music`.

    state = await room.music()              # settings, now playing, queue (then cached)
    item = await room.queue_track("https://youtu.be/x", "Song", 215, source="youtube")
    await room.vote("up")                   # on what plays now; "down", or "none"
    await room.skip()                       # its DJ or a moderator
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hubbub.protocol.models_music import (
    Feed,
    MusicState,
    MusicStats,
    NowPlaying,
    QueueItem,
    VoteResult,
)

if TYPE_CHECKING:
    from hubbub.client.client import Client

__all__ = ["MusicActions"]


class MusicActions:
    __slots__ = ()

    if TYPE_CHECKING:
        _client: Client

        @property
        def id(self) -> int: ...

    # -- state ------------------------------------------------------------------------

    async def music(self) -> MusicState:
        """The room's music state, fetched now; kept current from events afterwards."""
        state = await self._client.http.music_state(self.id)
        return self._client.cache.music.store(state)

    @property
    def music_state(self) -> MusicState | None:
        """The cached music state (None until `music()` was called once)."""
        return self._client.cache.music.get(self.id)

    @property
    def now_playing(self) -> NowPlaying | None:
        state = self.music_state
        return None if state is None else state.now_playing

    async def music_stats(self) -> list[MusicStats]:
        """Every member's music statistics here (dubs, played, skipped, queued, place)."""
        return await self._client.http.music_stats(self.id)

    async def edit_music(
        self, *, mode: str | None = None, skip_downvote_ratio: float | None = None
    ) -> MusicState:
        """Owners and moderators: `mode` (shared | rotation) and `skip_downvote_ratio`."""
        state = await self._client.http.edit_music(
            self.id, mode=mode, skip_downvote_ratio=skip_downvote_ratio
        )
        return self._client.cache.music.store(state)

    # -- queue ------------------------------------------------------------------------

    async def queue_track(
        self,
        url: str,
        title: str,
        duration_s: int,
        *,
        source: str = "url",
        artist: str | None = None,
    ) -> QueueItem:
        """Queue a track (source youtube | soundcloud | url | upload); it starts at once
        when nothing plays."""
        return await self._client.http.queue_track(
            self.id, url=url, title=title, duration_s=duration_s, source=source, artist=artist
        )

    async def queue(self) -> list[QueueItem]:
        """The waiting tracks in play order."""
        return await self._client.http.music_queue(self.id)

    async def move_track(self, item: QueueItem | int, position: int) -> list[QueueItem]:
        """Move one of your waiting tracks to `position` (0-based among your own)."""
        item_id = item if isinstance(item, int) else item.id
        return await self._client.http.move_track(self.id, item_id, position)

    async def remove_track(self, item: QueueItem | int) -> None:
        """Remove a track you queued (moderators: any); what plays stops."""
        item_id = item if isinstance(item, int) else item.id
        await self._client.http.remove_track(self.id, item_id)

    # -- playback ---------------------------------------------------------------------

    async def _current(self, item_id: int | None) -> int:
        if item_id is not None:
            return item_id
        playing = self.now_playing or (await self.music()).now_playing
        # Nothing playing: let the server answer 409 nothing_playing for any id.
        return 1 if playing is None else playing.item_id

    async def vote(self, vote: str = "up", *, item_id: int | None = None) -> VoteResult:
        """Vote `up`, `down` or `none` (withdraw) on the current track (or `item_id`,
        which must be the current one: Conflict `stale_item` otherwise)."""
        return await self._client.http.vote_track(self.id, await self._current(item_id), vote)

    async def skip(self, *, item_id: int | None = None) -> MusicState:
        """Skip the current track (its DJ or a moderator); the state afterwards."""
        state = await self._client.http.skip_track(self.id, item_id)
        return self._client.cache.music.store(state)

    # -- feeds ------------------------------------------------------------------------

    async def create_feed(self, name: str, *, url: str | None = None) -> Feed:
        """Attach a feed (owners and moderators); `.token` is known only on this answer."""
        return await self._client.http.create_feed(self.id, name, url)

    async def feeds(self) -> list[Feed]:
        return await self._client.http.list_feeds(self.id)

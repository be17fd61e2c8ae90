"""The part of the client cache that holds music rooms' state (issue 8).

A room's state (`MusicState`: settings, now playing, queue) is cached once the app
fetched it (`room.music()`); from then on the room's music events keep it current, and
`PlaybackStarted`/`PlaybackEnded` carry `before`/`after` now-playing snapshots. Rooms
whose state was never fetched are not tracked: their events pass through untouched.
Snapshots are immutable: each change swaps in a copy.
"""

from __future__ import annotations

from datetime import timedelta

from hubbub.protocol.events import ServerEvent
from hubbub.protocol.events_music import (
    MusicEvent,
    MusicSettingsUpdated,
    PlaybackEnded,
    PlaybackStarted,
    PlaybackVoted,
    QueueItemAdded,
    QueueItemRemoved,
    QueueItemReordered,
)
from hubbub.protocol.models_music import MusicState, NowPlaying, QueueItem

__all__ = ["MusicStates"]


def _numbered(queue: list[QueueItem]) -> list[QueueItem]:
    return [item.model_copy(update={"position": i + 1}) for i, item in enumerate(queue)]


class MusicStates:
    def __init__(self) -> None:
        self._states: dict[int, MusicState] = {}

    def get(self, room_id: int) -> MusicState | None:
        return self._states.get(room_id)

    def store(self, state: MusicState) -> MusicState:
        self._states[state.room_id] = state
        return state

    def forget(self, room_id: int) -> None:
        self._states.pop(room_id, None)

    def apply(self, event: ServerEvent, me_id: int | None) -> bool:
        """Fold a music event into a cached room state (`my_vote` follows `me_id`'s
        votes); False for other events."""
        if not isinstance(event, MusicEvent):
            return False
        state = self._states.get(event.room_id)
        if state is None:
            return True
        queue = list(state.queue)
        playing = state.now_playing
        update: dict[str, object] = {}
        if isinstance(event, PlaybackStarted):
            ends = event.started_at + timedelta(seconds=event.track.duration_s)
            after = NowPlaying(
                item_id=event.item_id,
                track=event.track,
                dj_id=event.dj_id,
                started_at=event.started_at,
                ends_at=ends,
            )
            event.before, event.after = playing, after
            queue = [i for i in queue if i.id != event.item_id]
            update.update(now_playing=after, queue=_numbered(queue))
        elif isinstance(event, PlaybackEnded):
            event.before = playing
            update["now_playing"] = None
        elif isinstance(event, PlaybackVoted):
            if playing is not None and playing.item_id == event.item_id:
                counts: dict[str, object] = {
                    "up_count": event.up_count,
                    "down_count": event.down_count,
                }
                if event.user_id == me_id:
                    counts["my_vote"] = event.vote
                update["now_playing"] = playing.model_copy(update=counts)
        elif isinstance(event, QueueItemAdded):
            if all(i.id != event.item.id for i in queue):
                at = (event.item.position or len(queue) + 1) - 1
                queue.insert(max(0, min(at, len(queue))), event.item)
            update["queue"] = _numbered(queue)
        elif isinstance(event, QueueItemRemoved):
            update["queue"] = _numbered([i for i in queue if i.id != event.item_id])
        elif isinstance(event, QueueItemReordered):
            by_id = {i.id: i for i in queue}
            update["queue"] = _numbered([by_id[i] for i in event.queue if i in by_id])
        elif isinstance(event, MusicSettingsUpdated):
            update.update(
                {k: v for k, v in event.changes.items() if k in ("mode", "skip_downvote_ratio")}
            )
        if update:
            self._states[event.room_id] = state.model_copy(update=update)
        return True

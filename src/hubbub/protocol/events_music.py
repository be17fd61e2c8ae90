"""Typed SDK events of issue 8's music rooms (EVENTS.md C.2 #80–#82, D.55–D.62),
registered in protocol.events' registry. Member statistics arrive as `MemberUpdated`
(`room.member.updated`, #42) with `changes{queue_position?, dubs?, played?, skipped?,
queued?}`.

RoomEvent
└── MusicEvent
    ├── QueueEvent
    │   ├── QueueItemAdded         item {id, track, added_by, position} (S2 on_playlist_song_add)
    │   ├── QueueItemRemoved       item_id, removed_by
    │   └── QueueItemReordered     item_id, user_id, position, queue (ids in play order)
    ├── PlaybackEvent              item_id is always set
    │   ├── PlaybackStarted        track, dj_id, started_at; `before`/`after` now playing
    │   ├── PlaybackEnded          reason: finished | skipped | removed (the queue ran dry)
    │   └── PlaybackVoted          user_id, vote, up_count, down_count (S2 on_dub)
    └── MusicSettingsUpdated       changes {mode?, skip_downvote_ratio?}
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter

from hubbub.protocol.events import RoomEvent, register
from hubbub.protocol.models import Envelope, Timestamp
from hubbub.protocol.models_music import NowPlaying, QueueItem, Track

__all__ = [
    "MusicEvent",
    "MusicSettingsUpdated",
    "PlaybackEnded",
    "PlaybackEvent",
    "PlaybackStarted",
    "PlaybackVoted",
    "QueueEvent",
    "QueueItemAdded",
    "QueueItemRemoved",
    "QueueItemReordered",
]

_time: TypeAdapter[datetime] = TypeAdapter(Timestamp)


@dataclass(kw_only=True, eq=False)
class MusicEvent(RoomEvent):
    """Anything about a music room's queue or playback."""


@dataclass(kw_only=True, eq=False)
class QueueEvent(MusicEvent):
    """The room's queue changed."""


@register
@dataclass(kw_only=True, eq=False)
class QueueItemAdded(QueueEvent):
    """A track was queued; `item.position` is its 1-based place in play order."""

    type_name = "queue.item.added"
    item: QueueItem

    @property
    def track(self) -> Track:
        return self.item.track

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        return {
            **super()._parse_data(envelope),
            "item": QueueItem.model_validate(envelope.data["item"]),
        }


@register
@dataclass(kw_only=True, eq=False)
class QueueItemRemoved(QueueEvent):
    """A waiting track left the queue: removed by whoever queued it or a moderator, or
    dropped when its turn came after its DJ left the room (`reason == "dj_left"`,
    `removed_by` None)."""

    type_name = "queue.item.removed"
    item_id: int
    removed_by: int | None = None
    reason: str | None = None

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        by = d.get("removed_by")
        return {
            **super()._parse_data(envelope),
            "item_id": int(d["item_id"]),
            "removed_by": None if by is None else int(by),
            "reason": d.get("reason"),
        }


@register
@dataclass(kw_only=True, eq=False)
class QueueItemReordered(QueueEvent):
    """`user_id` moved their own track `item_id`; `position` is its new 1-based place in
    play order, `queue` every waiting item id in play order."""

    type_name = "queue.item.reordered"
    item_id: int
    user_id: int
    position: int | None = None
    queue: list[int]

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        pos = d.get("position")
        return {
            **super()._parse_data(envelope),
            "item_id": int(d["item_id"]),
            "user_id": int(d["user_id"]),
            "position": None if pos is None else int(pos),
            "queue": [int(i) for i in d.get("queue") or []],
        }


@dataclass(kw_only=True, eq=False)
class PlaybackEvent(MusicEvent):
    item_id: int

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        return {**super()._parse_data(envelope), "item_id": int(envelope.data["item_id"])}


@register
@dataclass(kw_only=True, eq=False)
class PlaybackStarted(PlaybackEvent):
    """A track started: it was idle and a track got queued, the previous one finished,
    was skipped (D.62) or removed. `before`/`after` are the room's now-playing state
    when the client caches the room's music state (`room.music()` fetched it)."""

    type_name = "playback.started"
    track: Track
    dj_id: int
    started_at: datetime
    before: NowPlaying | None = None
    after: NowPlaying | None = None

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        return {
            **super()._parse_data(envelope),
            "track": Track.model_validate(d["track"]),
            "dj_id": int(d["dj_id"]),
            "started_at": _time.validate_python(d["started_at"]),
        }


@register
@dataclass(kw_only=True, eq=False)
class PlaybackEnded(PlaybackEvent):
    """The room fell idle: the last track `finished`, was `skipped` or `removed` and
    nothing else was queued. `before` is what the cache held as playing."""

    type_name = "playback.ended"
    reason: str
    before: NowPlaying | None = None

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        return {**super()._parse_data(envelope), "reason": str(envelope.data["reason"])}


@register
@dataclass(kw_only=True, eq=False)
class PlaybackVoted(PlaybackEvent):
    """A member voted (dubbed) on the current track: `vote` is up, down or none (a
    withdrawn vote); the counts are the track's totals afterwards (D.55)."""

    type_name = "playback.voted"
    user_id: int
    vote: str
    up_count: int
    down_count: int

    @property
    def dubtype(self) -> str:
        """Dubtrack's spelling (D.55): updub, downdub or none."""
        return {"up": "updub", "down": "downdub"}.get(self.vote, self.vote)

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        return {
            **super()._parse_data(envelope),
            "user_id": int(d["user_id"]),
            "vote": str(d["vote"]),
            "up_count": int(d["up_count"]),
            "down_count": int(d["down_count"]),
        }


@register
@dataclass(kw_only=True, eq=False)
class MusicSettingsUpdated(MusicEvent):
    """A moderator changed `mode` or `skip_downvote_ratio`."""

    type_name = "music.settings.updated"
    changes: dict[str, Any]

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        return {**super()._parse_data(envelope), "changes": dict(envelope.data["changes"])}

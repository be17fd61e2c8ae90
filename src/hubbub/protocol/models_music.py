"""Wire models of music rooms and feeds (issue 8; EVENTS.md C.2 #42, #49, #80–#82, D.61).

A queue item is also its track: `track.id == item.id`.
"""

from __future__ import annotations

from typing import Literal

from hubbub.protocol.models import Timestamp, WireModel

__all__ = [
    "Feed",
    "FeedItem",
    "FeedList",
    "MusicState",
    "MusicStats",
    "MusicStatsList",
    "NowPlaying",
    "PlaybackEndReason",
    "QueueItem",
    "QueueList",
    "QueueMode",
    "Track",
    "TrackSource",
    "Vote",
    "VoteResult",
]

TrackSource = Literal["youtube", "soundcloud", "url", "upload"]
QueueMode = Literal["shared", "rotation"]
Vote = Literal["up", "down", "none"]
PlaybackEndReason = Literal["finished", "skipped", "removed"]


class Track(WireModel):
    id: int
    title: str
    artist: str | None = None
    source: str
    url: str
    duration_s: int


class QueueItem(WireModel):
    id: int
    track: Track
    added_by: int
    # 1-based place in play order; None once the item left the queue (it plays).
    position: int | None = None
    created_at: Timestamp | None = None


class NowPlaying(WireModel):
    item_id: int
    track: Track
    dj_id: int
    started_at: Timestamp
    ends_at: Timestamp | None = None
    up_count: int = 0
    down_count: int = 0
    my_vote: Vote = "none"  # the caller's own vote, in REST reads


class MusicState(WireModel):
    """`GET /rooms/{id}/music`: the settings, what plays, and the queue in play order."""

    room_id: int
    mode: QueueMode = "shared"
    # The share of the room's members whose downvotes skip a track; 0 = never.
    skip_downvote_ratio: float = 0.5
    now_playing: NowPlaying | None = None
    queue: list[QueueItem] = []
    # The server's clock when it answered (REST): progress is `server_time - started_at`,
    # whatever the client's own clock says.
    server_time: Timestamp | None = None


class QueueList(WireModel):
    queue: list[QueueItem]


class VoteResult(WireModel):
    room_id: int
    item_id: int
    user_id: int
    vote: Vote
    up_count: int
    down_count: int
    skipped: bool = False  # the downvotes reached the ratio and skipped the track


class MusicStats(WireModel):
    """A member's music statistics in a room (MU-04)."""

    room_id: int
    user_id: int
    dubs: int = 0  # upvotes received on their tracks
    played: int = 0
    skipped: int = 0
    queued: int = 0
    queue_position: int | None = None  # where their next track stands; None: none queued


class MusicStatsList(WireModel):
    members: list[MusicStats]


class Feed(WireModel):
    id: int
    room_id: int
    name: str
    url: str | None = None  # polled by the server's RSS/Atom poller when it is on
    creator_id: int
    created_at: Timestamp | None = None
    # Only in the create response: the credential for POST /feeds/{id}/items.
    token: str | None = None


class FeedList(WireModel):
    feeds: list[Feed]


class FeedItem(WireModel):
    """What `feed.item.posted` carries (and POST /feeds/{id}/items answers)."""

    id: int | None = None
    room_id: int
    feed_id: int
    title: str
    url: str | None = None
    summary_html: str = ""

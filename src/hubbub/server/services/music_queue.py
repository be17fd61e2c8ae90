"""The music room's queue (MU-01): add a track, remove an entry, reorder one's own.

A track is `{source: youtube|soundcloud|url|upload, url (http/https), title (1–200),
artist? (≤ 200), duration_s (1–86400)}` (D.61); each refusal has its own code. Any member
who may post in the room queues tracks (at most MAX_QUEUED waiting each); an entry is
removed by whoever added it or by a moderator; a member reorders only their own waiting
entries, among the slots those entries already hold, so nobody else's place moves.

Events (ROOM): `queue.item.added {room_id, item {id, track, added_by, position}}`,
`queue.item.removed {room_id, item_id, removed_by}` and `queue.item.reordered {room_id,
item_id, user_id, position, queue}` where `position` is the item's new 1-based place in
play order and `queue` the waiting item ids in play order. Removing the track that is
playing stops it instead (`playback.started` of the next, or `playback.ended` with
reason `removed`). Adding a track to an idle room starts it at once.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from hubbub.errors import Conflict, Forbidden, NotFound, ValidationError, reject_nul
from hubbub.server.events import room_event
from hubbub.server.services import music, playback
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.rooms import may_post
from hubbub.server.store import music as store
from hubbub.server.store.log import Tx

SOURCES = ("youtube", "soundcloud", "url", "upload")
MAX_TEXT = 200
MAX_URL = 2048
MAX_DURATION_S = 86_400
MAX_QUEUED = 100


def check_track(fields: dict[str, Any]) -> dict[str, Any]:
    """The track's stored values, or a ValidationError with the field's own code."""
    source = fields.get("source")
    if source not in SOURCES:
        raise ValidationError(
            f"source must be one of {', '.join(SOURCES)}", code="invalid_track_source"
        )
    url = fields.get("url")
    parts = urlsplit(url) if isinstance(url, str) else None
    if (
        not isinstance(url, str)
        or parts is None
        or len(url) > MAX_URL
        or parts.scheme not in ("http", "https")
        or not parts.netloc
        or any(c.isspace() for c in url)
    ):
        raise ValidationError(
            f"url must be an http(s) URL of at most {MAX_URL} characters",
            code="invalid_track_url",
        )
    reject_nul(url, "url")
    title = fields.get("title")
    if not isinstance(title, str) or not 1 <= len(title.strip()) <= MAX_TEXT:
        raise ValidationError(f"title must be 1–{MAX_TEXT} characters", code="invalid_track_title")
    reject_nul(title, "title")
    artist = fields.get("artist")
    if artist is not None:
        if not isinstance(artist, str) or len(artist.strip()) > MAX_TEXT:
            raise ValidationError(
                f"artist must be at most {MAX_TEXT} characters", code="invalid_track_artist"
            )
        reject_nul(artist, "artist")
        artist = artist.strip() or None
    duration = fields.get("duration_s")
    if (
        not isinstance(duration, int)
        or isinstance(duration, bool)
        or not 1 <= duration <= MAX_DURATION_S
    ):
        raise ValidationError(
            f"duration_s must be a whole number of seconds, 1–{MAX_DURATION_S}",
            code="invalid_duration",
        )
    return {
        "source": source,
        "url": url,
        "title": title.strip(),
        "artist": artist,
        "duration_s": duration,
    }


def item_not_found(item_id: int) -> NotFound:
    return NotFound(f"queue item {item_id} not found", code="queue_item_not_found")


async def add(core: Core, ctx: Ctx, room_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    """Queue a track; the item `{id, track, added_by, position, created_at}` (position
    1-based in play order; the item that started playing at once has position None)."""
    track = check_track(fields)

    def job(tx: Tx) -> dict[str, Any]:
        access = music.music_access_txn(tx.conn, ctx, room_id)
        may_post(access)
        waiting = [r for r in store.queued(tx.conn, room_id) if r["user_id"] == ctx.user_id]
        if len(waiting) >= MAX_QUEUED:
            raise Conflict(f"you already have {MAX_QUEUED} tracks queued here", code="queue_full")
        before = music.snapshot_txn(tx.conn, room_id)
        item_id = store.insert_item_txn(
            tx.conn,
            room_id=room_id,
            user_id=ctx.user_id,
            position=store.next_position(tx.conn, room_id),
            state="queued",
            created_at=tx.now_ms,
            **track,
        )
        row = store.get_item(tx.conn, item_id)
        assert row is not None
        order = music.ordered_queue_txn(tx.conn, room_id)
        item = store.item_wire(row, music.position_of(order, item_id))
        actor = ctx.user.snapshot()
        tx.emit(room_event("queue.item.added", room_id, actor, {"item": item}))
        if playback.start_next_txn(tx, room_id, actor):
            item = {
                **item,
                "position": music.position_of(music.ordered_queue_txn(tx.conn, room_id), item_id),
            }
        music.emit_stat_changes_txn(tx, room_id, before, actor)
        return item

    return await core.log.run(job)


async def remove(core: Core, ctx: Ctx, room_id: int, item_id: int) -> None:
    def job(tx: Tx) -> None:
        access = music.music_access_txn(tx.conn, ctx, room_id)
        row = store.get_item(tx.conn, item_id)
        if row is None or row["room_id"] != room_id or row["state"] not in ("queued", "playing"):
            raise item_not_found(item_id)
        if row["user_id"] != ctx.user_id and not access.moderator:
            raise Forbidden(
                "only whoever queued a track and moderators can remove it", code="not_your_item"
            )
        before = music.snapshot_txn(tx.conn, room_id)
        actor = ctx.user.snapshot()
        if row["state"] == "playing":
            playback.end_current_txn(tx, room_id, item_id, "removed", actor)
        elif store.take_queued_txn(tx.conn, item_id, "removed"):
            data = {"item_id": item_id, "removed_by": ctx.user_id}
            tx.emit(room_event("queue.item.removed", room_id, actor, data))
        music.emit_stat_changes_txn(tx, room_id, before, actor)

    await core.log.run(job)


async def reorder(
    core: Core, ctx: Ctx, room_id: int, item_id: int, index: int
) -> list[dict[str, Any]]:
    """Move one's own waiting item to `index` (0-based) among one's own waiting items;
    the queue in play order afterwards."""

    def job(tx: Tx) -> list[dict[str, Any]]:
        music.music_access_txn(tx.conn, ctx, room_id)
        row = store.get_item(tx.conn, item_id)
        if row is None or row["room_id"] != room_id or row["state"] != "queued":
            raise item_not_found(item_id)
        if row["user_id"] != ctx.user_id:
            raise Forbidden("you can only reorder your own tracks", code="not_your_item")
        mine = [r for r in store.queued(tx.conn, room_id) if r["user_id"] == ctx.user_id]
        if not 0 <= index < len(mine):
            raise ValidationError(
                f"position must be 0–{len(mine) - 1} (among your {len(mine)} queued tracks)",
                code="invalid_position",
            )
        slots = [int(r["position"]) for r in mine]
        ids = [int(r["id"]) for r in mine]
        ids.remove(item_id)
        ids.insert(index, item_id)
        before = music.snapshot_txn(tx.conn, room_id)
        # Two passes so that no two items share a position in between.
        for i, moved in enumerate(ids):
            store.set_item_txn(tx.conn, moved, position=-1 - i)
        for moved, slot in zip(ids, slots, strict=True):
            store.set_item_txn(tx.conn, moved, position=slot)
        order = music.ordered_queue_txn(tx.conn, room_id)
        actor = ctx.user.snapshot()
        data = {
            "item_id": item_id,
            "user_id": ctx.user_id,
            "position": music.position_of(order, item_id),
            "queue": [int(r["id"]) for r in order],
        }
        tx.emit(room_event("queue.item.reordered", room_id, actor, data))
        music.emit_stat_changes_txn(tx, room_id, before, actor)
        return [store.item_wire(r, i + 1) for i, r in enumerate(order)]

    return await core.log.run(job)

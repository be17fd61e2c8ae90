"""Playback in music rooms (MU-02, MU-03, D.55, D.56, D.62): what plays, skips, votes.

The server keeps time; clients play the media. When a room is idle and a track is
queued, the next one in play order (services.music) starts at once: `playback.started
{room_id, item_id, track, dj_id, started_at}`. A track stops when its `duration_s` has
elapsed (the ticker, `advance_due`), when its DJ or a moderator skips it, when the
downvotes reach the room's `skip_downvote_ratio` of its members, or when it is removed
from the queue. Then the next track starts (`playback.started`, D.62: a skip is
observable as the next track starting); if none is queued the room falls idle with
`playback.ended {room_id, item_id, reason: finished|skipped|removed}`.

Every transition is claimed with a conditional UPDATE on the room's current item
(store.music.stop_txn), so however many nodes tick, and whether a skip races the
ticker, a track ends once and its successor starts once.

Votes (dubs): one per member on the current track: `up`, `down` or `none` (withdraw).
The same vote again is a 409 `already_voted` (the issue counts "voting twice" as bad
input); a vote with nothing playing is 409 `nothing_playing`; a vote naming another
item than the current one is 409 `stale_item` (the track changed meanwhile). Each vote
is `playback.voted {room_id, item_id, user_id, vote, up_count, down_count}`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, RowMapping

from hubbub.errors import Conflict, Forbidden, ValidationError
from hubbub.server.clock import iso_ms
from hubbub.server.events import room_event
from hubbub.server.services import music
from hubbub.server.services.core import Core, Ctx
from hubbub.server.store import music as store
from hubbub.server.store import rooms as rooms_store
from hubbub.server.store.log import Tx

VOTES = ("up", "down", "none")
# Dubtrack's names (D.55), accepted as aliases.
_VOTE_ALIASES = {"updub": "up", "downdub": "down"}
_END_STATE = {"finished": "played", "skipped": "skipped", "removed": "removed"}


def nothing_playing(room_id: int) -> Conflict:
    return Conflict(f"nothing is playing in room {room_id}", code="nothing_playing")


def stale_item(item_id: int, current: int) -> Conflict:
    return Conflict(
        f"item {item_id} is not the current track",
        code="stale_item",
        details={"current_item_id": current},
    )


def start_next_txn(tx: Tx, room_id: int, actor: dict[str, Any] | None) -> bool:
    """Start the next waiting track if nothing plays; whether one started."""
    if store.room_row(tx.conn, room_id)["current_item_id"] is not None:
        return False
    item = _next_playable_txn(tx, room_id)
    if item is None:
        return False
    now = tx.now_ms
    if not store.take_queued_txn(tx.conn, int(item["id"]), "playing", played_at=now):
        return False
    if not store.start_txn(tx.conn, room_id, int(item["id"]), now, now + item["duration_s"] * 1000):
        raise Conflict("playback changed concurrently; retry", code="playback_busy")
    dj = int(item["user_id"])
    store.set_last_played_txn(tx.conn, room_id, dj, now)
    store.bump_txn(tx.conn, room_id, dj, played=1)
    data = {
        "item_id": item["id"],
        "track": store.track_wire(item),
        "dj_id": dj,
        "started_at": iso_ms(now),
    }
    tx.emit(room_event("playback.started", room_id, actor, data))
    return True


def _next_playable_txn(tx: Tx, room_id: int) -> RowMapping | None:
    """The next waiting item whose DJ is still in the room. A DJ who left, was kicked or
    banned loses their waiting tracks when their turn comes (`queue.item.removed` with
    `reason: dj_left`): one place decides it, whatever way the membership ended."""
    for item in music.ordered_queue_txn(tx.conn, room_id):
        dj = int(item["user_id"])
        if store.is_member(tx.conn, room_id, dj):
            return item
        if store.take_queued_txn(tx.conn, int(item["id"]), "removed"):
            data = {"item_id": item["id"], "removed_by": None, "reason": "dj_left"}
            tx.emit(room_event("queue.item.removed", room_id, None, data))
    return None


def end_current_txn(
    tx: Tx,
    room_id: int,
    item_id: int,
    reason: str,
    actor: dict[str, Any] | None,
    *,
    due_by: int | None = None,
) -> bool:
    """Stop `item_id` (if it still plays) and start the next; False if someone else
    already stopped it."""
    if not store.stop_txn(tx.conn, room_id, item_id, due_by):
        return False
    store.set_item_txn(tx.conn, item_id, state=_END_STATE[reason])
    item = store.get_item(tx.conn, item_id)
    if reason == "skipped" and item is not None:
        store.bump_txn(tx.conn, room_id, int(item["user_id"]), skipped=1)
    if not start_next_txn(tx, room_id, actor):
        data = {"item_id": item_id, "reason": reason}
        tx.emit(room_event("playback.ended", room_id, actor, data))
    return True


async def advance_due(core: Core) -> int:
    """The ticker: end every track whose duration elapsed; how many this call ended."""
    due = await core.db.read(lambda c: store.due_rooms(c, core.clock.now_ms()))
    if not due:
        return 0

    def job(tx: Tx) -> int:
        ended = 0
        for room_id, item_id in due:
            if rooms_store.get_room(tx.conn, room_id) is None:
                # A deleted room's player just stops: nobody is left to tell.
                store.stop_txn(tx.conn, room_id, item_id, tx.now_ms)
                continue
            before = music.snapshot_txn(tx.conn, room_id)
            if end_current_txn(tx, room_id, item_id, "finished", None, due_by=tx.now_ms):
                music.emit_stat_changes_txn(tx, room_id, before, None)
                ended += 1
        return ended

    count: int = await core.log.run(job)
    return count


def _current_txn(conn: Connection, room_id: int, item_id: int | None) -> int:
    current = store.room_row(conn, room_id)["current_item_id"]
    if current is None:
        raise nothing_playing(room_id)
    if item_id is not None and item_id != current:
        raise stale_item(item_id, int(current))
    return int(current)


async def skip(core: Core, ctx: Ctx, room_id: int, item_id: int | None = None) -> dict[str, Any]:
    """The current track's DJ or a moderator skips it; the room's music state after."""

    def job(tx: Tx) -> dict[str, Any]:
        access = music.music_access_txn(tx.conn, ctx, room_id)
        current = _current_txn(tx.conn, room_id, item_id)
        item = store.get_item(tx.conn, current)
        if item is not None and item["user_id"] != ctx.user_id and not access.moderator:
            raise Forbidden(
                "only the track's DJ and the room's moderators can skip it", code="not_dj"
            )
        before = music.snapshot_txn(tx.conn, room_id)
        actor = ctx.user.snapshot()
        end_current_txn(tx, room_id, current, "skipped", actor)
        music.emit_stat_changes_txn(tx, room_id, before, actor)
        return music.state_txn(tx.conn, room_id, ctx.user_id, core.clock.now_ms())

    return await core.log.run(job)


def check_vote(vote: str) -> str:
    vote = _VOTE_ALIASES.get(vote, vote)
    if vote not in VOTES:
        raise ValidationError("vote must be up, down or none", code="invalid_vote")
    return vote


async def vote(core: Core, ctx: Ctx, room_id: int, item_id: int, vote: str) -> dict[str, Any]:
    """Vote on the current track; `{room_id, item_id, user_id, vote, up_count,
    down_count, skipped}` where `skipped` tells whether the downvotes skipped it."""
    vote = check_vote(vote)

    def job(tx: Tx) -> dict[str, Any]:
        access = music.music_access_txn(tx.conn, ctx, room_id)
        access.require_member()
        current = _current_txn(tx.conn, room_id, item_id)
        previous = store.get_vote(tx.conn, current, ctx.user_id) or "none"
        if previous == vote:
            raise Conflict(
                f"you already voted {vote} on this track"
                if vote != "none"
                else "you have no vote on this track to withdraw",
                code="already_voted",
                details={"vote": previous},
            )
        item = store.get_item(tx.conn, current)
        assert item is not None  # the current item's row is never deleted
        dj = int(item["user_id"])
        before = music.snapshot_txn(tx.conn, room_id)
        store.set_vote_txn(tx.conn, current, ctx.user_id, vote, tx.now_ms)
        dubs = (vote == "up") - (previous == "up")
        if dubs:
            store.bump_txn(tx.conn, room_id, dj, dubs=dubs)
        up, down = store.vote_counts(tx.conn, current)
        actor = ctx.user.snapshot()
        data = {
            "item_id": current,
            "user_id": ctx.user_id,
            "vote": vote,
            "up_count": up,
            "down_count": down,
        }
        tx.emit(room_event("playback.voted", room_id, actor, data))
        permille = int(store.room_row(tx.conn, room_id)["skip_downvote_permille"])
        members = store.member_count(tx.conn, room_id)
        skipped = False
        if vote == "down" and permille > 0 and down * 1000 >= permille * max(members, 1):
            skipped = end_current_txn(tx, room_id, current, "skipped", None)
        music.emit_stat_changes_txn(tx, room_id, before, actor)
        return {"room_id": room_id, **data, "skipped": skipped}

    return await core.log.run(job)

"""Music rooms (MU-01…MU-04, D.55–D.64): the rules shared by the queue and playback, the
room's music settings and state, and the member statistics.

A room of kind `music` has one queue. Its `mode` decides the play order:
- `shared` (the default, D.62): one FIFO queue, whoever added what;
- `rotation`: a DJ rotation. Each DJ's tracks keep their own order; the DJs take turns,
  the one whose last track started longest ago (or who never played) first.
`queue_position` of a member (MU-04) is where their next track stands in that order
(1-based; absent when they have nothing queued): in rotation mode, their rank among DJs.

Statistics per member: `dubs` (upvotes received on their tracks), `played` (their tracks
that started), `skipped` (their tracks skipped by a DJ, a moderator or the downvotes),
`queued` (tracks waiting) and `queue_position`. A change to any of them is a
`room.member.updated` with `changes` (and `cleared: ["queue_position"]` when the member
has nothing queued any more), emitted by the same transaction as the change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import Connection
from sqlalchemy.engine import RowMapping

from hubbub.errors import Conflict, ValidationError
from hubbub.server.clock import iso_ms
from hubbub.server.events import room_event
from hubbub.server.services.access import RoomAccess, room_access
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.rooms import moderated_room_txn
from hubbub.server.store import music as store
from hubbub.server.store.log import Tx

MODES = ("shared", "rotation")
STAT_FIELDS = ("dubs", "played", "skipped", "queued", "queue_position")
Snapshot = dict[int, dict[str, Any]]
M = TypeVar("M", bound=Mapping[Any, Any])


def not_a_music_room(room_id: int) -> Conflict:
    return Conflict(f"room {room_id} is not a music room", code="not_a_music_room")


def music_access_txn(conn: Connection, ctx: Ctx, room_id: int) -> RoomAccess:
    """The caller's access to a music room they can see (NotFound otherwise; 409
    `not_a_music_room` for a room of another kind)."""
    access = room_access(conn, ctx.user, room_id)
    if access.room.kind != "music":
        raise not_a_music_room(room_id)
    return access


# -- play order -----------------------------------------------------------------------


def play_order(items: Sequence[M], mode: str, last_played: Mapping[int, int | None]) -> list[M]:
    """The waiting items in the order they will play (`items` in position order)."""
    if mode != "rotation":
        return list(items)
    per_dj: dict[int, list[M]] = {}
    for item in items:
        per_dj.setdefault(int(item["user_id"]), []).append(item)
    # Never played (-1) first, then the longest since their last track; ties by who
    # queued first.
    djs = sorted(per_dj, key=lambda u: (last_played.get(u) or -1, per_dj[u][0]["position"]))
    order: list[M] = []
    depth = max((len(v) for v in per_dj.values()), default=0)
    for turn in range(depth):
        order.extend(per_dj[dj][turn] for dj in djs if turn < len(per_dj[dj]))
    return order


def ordered_queue_txn(conn: Connection, room_id: int, mode: str | None = None) -> list[RowMapping]:
    if mode is None:
        mode = str(store.room_row(conn, room_id)["mode"])
    counters = store.stats(conn, room_id)
    last = {uid: row["last_played_at"] for uid, row in counters.items()}
    return play_order(store.queued(conn, room_id), mode, last)


def queue_wire_txn(conn: Connection, room_id: int) -> list[dict[str, Any]]:
    return [store.item_wire(r, i + 1) for i, r in enumerate(ordered_queue_txn(conn, room_id))]


def position_of(order: Sequence[RowMapping], item_id: int) -> int | None:
    for i, row in enumerate(order):
        if row["id"] == item_id:
            return i + 1
    return None


# -- statistics -----------------------------------------------------------------------


def snapshot_txn(conn: Connection, room_id: int) -> Snapshot:
    """Every member with music statistics or queued tracks: their five numbers."""
    out: Snapshot = {}
    for uid, row in store.stats(conn, room_id).items():
        out[uid] = {
            "dubs": int(row["dubs"]),
            "played": int(row["played"]),
            "skipped": int(row["skipped"]),
            "queued": 0,
            "queue_position": None,
        }
    zero = {"dubs": 0, "played": 0, "skipped": 0, "queued": 0, "queue_position": None}
    for i, item in enumerate(ordered_queue_txn(conn, room_id)):
        entry = out.setdefault(int(item["user_id"]), dict(zero))
        entry["queued"] += 1
        if entry["queue_position"] is None:
            entry["queue_position"] = i + 1
    return out


def emit_stat_changes_txn(
    tx: Tx, room_id: int, before: Snapshot, actor: dict[str, Any] | None
) -> None:
    """A `room.member.updated` for each member whose statistics differ from `before`."""
    after = snapshot_txn(tx.conn, room_id)
    empty = {"dubs": 0, "played": 0, "skipped": 0, "queued": 0, "queue_position": None}
    for uid in sorted(set(before) | set(after)):
        old, new = before.get(uid, empty), after.get(uid, empty)
        changed = [k for k in STAT_FIELDS if old[k] != new[k]]
        if not changed:
            continue
        changes = {k: new[k] for k in changed if new[k] is not None}
        cleared = [k for k in changed if new[k] is None]
        tx.emit(
            room_event(
                "room.member.updated",
                room_id,
                actor,
                {"user_id": uid, "changes": changes, "cleared": cleared},
                target_user_id=uid,
            )
        )


async def member_stats(core: Core, ctx: Ctx, room_id: int) -> list[dict[str, Any]]:
    def read(conn: Connection) -> list[dict[str, Any]]:
        music_access_txn(conn, ctx, room_id)
        snap = snapshot_txn(conn, room_id)
        return [{"room_id": room_id, "user_id": uid, **snap[uid]} for uid in sorted(snap)]

    return await core.db.read(read)


# -- settings and state ---------------------------------------------------------------


def _ratio(permille: int) -> float:
    return permille / 1000


def now_playing_txn(conn: Connection, row: dict[str, Any]) -> dict[str, Any] | None:
    item_id = row["current_item_id"]
    item = None if item_id is None else store.get_item(conn, int(item_id))
    if item is None:
        return None
    up, down = store.vote_counts(conn, int(item["id"]))
    return {
        "item_id": item["id"],
        "track": store.track_wire(item),
        "dj_id": item["user_id"],
        "started_at": iso_ms(int(row["started_at"])),
        "ends_at": iso_ms(int(row["ends_at"])),
        "up_count": up,
        "down_count": down,
    }


def settings_wire(row: dict[str, Any]) -> dict[str, Any]:
    return {"mode": row["mode"], "skip_downvote_ratio": _ratio(int(row["skip_downvote_permille"]))}


def state_txn(conn: Connection, room_id: int, user_id: int, now_ms: int) -> dict[str, Any]:
    """`GET /rooms/{id}/music`: settings, what plays (with the caller's own vote), queue,
    and `server_time`: the server's clock as it answered, so a client measures a track's
    progress (`started_at` + `duration_s`) on the server's time, not its own."""
    row = store.room_row(conn, room_id)
    playing = now_playing_txn(conn, row)
    if playing is not None:
        playing["my_vote"] = store.get_vote(conn, playing["item_id"], user_id) or "none"
    return {
        "room_id": room_id,
        **settings_wire(row),
        "now_playing": playing,
        "queue": queue_wire_txn(conn, room_id),
        "server_time": iso_ms(now_ms),
    }


async def state(core: Core, ctx: Ctx, room_id: int) -> dict[str, Any]:
    def read(conn: Connection) -> dict[str, Any]:
        music_access_txn(conn, ctx, room_id)
        return state_txn(conn, room_id, ctx.user_id, core.clock.now_ms())

    return await core.db.read(read)


def check_settings(fields: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "mode" in fields:
        if fields["mode"] not in MODES:
            raise ValidationError("mode must be shared or rotation", code="invalid_music_mode")
        values["mode"] = fields["mode"]
    if "skip_downvote_ratio" in fields:
        ratio = fields["skip_downvote_ratio"]
        if not isinstance(ratio, int | float) or isinstance(ratio, bool) or not 0 <= ratio <= 1:
            raise ValidationError(
                "skip_downvote_ratio must be between 0 (never) and 1", code="invalid_skip_ratio"
            )
        values["skip_downvote_permille"] = round(ratio * 1000)
    return values


async def update_settings(
    core: Core, ctx: Ctx, room_id: int, fields: dict[str, Any]
) -> dict[str, Any]:
    """Room owners and moderators set `mode` and `skip_downvote_ratio`; the room's new
    music state. A change is `music.settings.updated {room_id, changes}`."""
    values = check_settings(fields)

    def job(tx: Tx) -> dict[str, Any]:
        music_access_txn(tx.conn, ctx, room_id)
        moderated_room_txn(tx.conn, ctx, room_id)
        row = store.room_row(tx.conn, room_id)
        changed = {k: v for k, v in values.items() if row[k] != v}
        if changed:
            before = snapshot_txn(tx.conn, room_id)
            store.update_room_txn(tx.conn, room_id, changed)
            wire = settings_wire({**row, **changed})
            names = {"mode": "mode", "skip_downvote_permille": "skip_downvote_ratio"}
            changes = {names[k]: wire[names[k]] for k in changed}
            actor = ctx.user.snapshot()
            tx.emit(room_event("music.settings.updated", room_id, actor, {"changes": changes}))
            emit_stat_changes_txn(tx, room_id, before, actor)
        return state_txn(tx.conn, room_id, ctx.user_id, core.clock.now_ms())

    return await core.log.run(job)

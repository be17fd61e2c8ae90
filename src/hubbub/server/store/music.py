"""Music rooms: settings and playback row, queue items (tracks), votes, member counters.

Playback transitions are conditional UPDATEs keyed on the current item, so that two
nodes' tickers (or a ticker and a skip) racing on one track change it exactly once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, select, update
from sqlalchemy.engine import RowMapping

from hubbub.server.clock import iso_ms
from hubbub.server.store.schema import room_members
from hubbub.server.store.schema_music import music_rooms, music_stats, music_votes, queue_items

DEFAULT_MODE = "shared"
DEFAULT_PERMILLE = 500


# -- the room row ---------------------------------------------------------------------


def room_row(conn: Connection, room_id: int) -> dict[str, Any]:
    """The room's music row, or the defaults (nothing playing) when it has none yet."""
    row = conn.execute(select(music_rooms).where(music_rooms.c.room_id == room_id)).mappings()
    found = row.first()
    if found is None:
        return {
            "room_id": room_id,
            "mode": DEFAULT_MODE,
            "skip_downvote_permille": DEFAULT_PERMILLE,
            "current_item_id": None,
            "started_at": None,
            "ends_at": None,
        }
    return dict(found)


def ensure_room_txn(conn: Connection, room_id: int) -> None:
    exists = select(music_rooms.c.room_id).where(music_rooms.c.room_id == room_id)
    if conn.execute(exists).first() is None:
        conn.execute(insert(music_rooms).values(room_id=room_id))


def update_room_txn(conn: Connection, room_id: int, values: dict[str, Any]) -> None:
    ensure_room_txn(conn, room_id)
    conn.execute(update(music_rooms).where(music_rooms.c.room_id == room_id).values(**values))


def start_txn(conn: Connection, room_id: int, item_id: int, started_at: int, ends_at: int) -> bool:
    """Make `item_id` current if nothing is; False when something already plays."""
    ensure_room_txn(conn, room_id)
    result = conn.execute(
        update(music_rooms)
        .where(music_rooms.c.room_id == room_id, music_rooms.c.current_item_id.is_(None))
        .values(current_item_id=item_id, started_at=started_at, ends_at=ends_at)
    )
    return result.rowcount == 1


def stop_txn(conn: Connection, room_id: int, item_id: int, due_by: int | None = None) -> bool:
    """Claim the end of `item_id`'s playback: True for the one caller that cleared it.
    With `due_by`, only if its time ran out by then (the ticker's claim)."""
    cond = [music_rooms.c.room_id == room_id, music_rooms.c.current_item_id == item_id]
    if due_by is not None:
        cond.append(music_rooms.c.ends_at <= due_by)
    result = conn.execute(
        update(music_rooms)
        .where(and_(*cond))
        .values(current_item_id=None, started_at=None, ends_at=None)
    )
    return result.rowcount == 1


def due_rooms(conn: Connection, now_ms: int) -> list[tuple[int, int]]:
    """(room, current item) of every room whose current track has run out."""
    q = select(music_rooms.c.room_id, music_rooms.c.current_item_id).where(
        music_rooms.c.ends_at <= now_ms, music_rooms.c.current_item_id.is_not(None)
    )
    return [(int(r), int(i)) for r, i in conn.execute(q).all()]


# -- queue items ----------------------------------------------------------------------


def get_item(conn: Connection, item_id: int) -> RowMapping | None:
    return conn.execute(select(queue_items).where(queue_items.c.id == item_id)).mappings().first()


def queued(conn: Connection, room_id: int) -> list[RowMapping]:
    """The room's waiting items in position order."""
    q = (
        select(queue_items)
        .where(queue_items.c.room_id == room_id, queue_items.c.state == "queued")
        .order_by(queue_items.c.position, queue_items.c.id)
    )
    return list(conn.execute(q).mappings())


def next_position(conn: Connection, room_id: int) -> int:
    q = select(func.max(queue_items.c.position)).where(queue_items.c.room_id == room_id)
    top = conn.execute(q).scalar()
    return 1 if top is None else int(top) + 1


def insert_item_txn(conn: Connection, **values: Any) -> int:
    result = conn.execute(insert(queue_items).values(**values).returning(queue_items.c.id))
    return int(result.scalar_one())


def set_item_txn(conn: Connection, item_id: int, **values: Any) -> None:
    conn.execute(update(queue_items).where(queue_items.c.id == item_id).values(**values))


def take_queued_txn(conn: Connection, item_id: int, state: str, **values: Any) -> bool:
    """Move a still-queued item to `state`; False if it no longer waits."""
    result = conn.execute(
        update(queue_items)
        .where(queue_items.c.id == item_id, queue_items.c.state == "queued")
        .values(state=state, **values)
    )
    return result.rowcount == 1


def track_wire(r: RowMapping | dict[str, Any]) -> dict[str, Any]:
    return {
        "id": r["id"],
        "title": r["title"],
        "artist": r["artist"],
        "source": r["source"],
        "url": r["url"],
        "duration_s": int(r["duration_s"]),
    }


def item_wire(r: RowMapping | dict[str, Any], position: int | None) -> dict[str, Any]:
    return {
        "id": r["id"],
        "track": track_wire(r),
        "added_by": r["user_id"],
        "position": position,
        "created_at": iso_ms(r["created_at"]),
    }


# -- votes ----------------------------------------------------------------------------


def get_vote(conn: Connection, item_id: int, user_id: int) -> str | None:
    q = select(music_votes.c.vote).where(
        music_votes.c.item_id == item_id, music_votes.c.user_id == user_id
    )
    found = conn.execute(q).scalar()
    return None if found is None else str(found)


def set_vote_txn(conn: Connection, item_id: int, user_id: int, vote: str, now_ms: int) -> None:
    conn.execute(
        delete(music_votes).where(
            music_votes.c.item_id == item_id, music_votes.c.user_id == user_id
        )
    )
    if vote != "none":
        conn.execute(
            insert(music_votes).values(
                item_id=item_id, user_id=user_id, vote=vote, created_at=now_ms
            )
        )


def vote_counts(conn: Connection, item_id: int) -> tuple[int, int]:
    q = (
        select(music_votes.c.vote, func.count())
        .where(music_votes.c.item_id == item_id)
        .group_by(music_votes.c.vote)
    )
    counts = {str(v): int(n) for v, n in conn.execute(q).all()}
    return counts.get("up", 0), counts.get("down", 0)


# -- member counters ------------------------------------------------------------------


def stats(conn: Connection, room_id: int) -> dict[int, dict[str, Any]]:
    q = select(music_stats).where(music_stats.c.room_id == room_id)
    return {int(r["user_id"]): dict(r) for r in conn.execute(q).mappings()}


def bump_txn(conn: Connection, room_id: int, user_id: int, **deltas: int) -> None:
    """Add `deltas` to a member's counters (the row is created on first use)."""
    key = and_(music_stats.c.room_id == room_id, music_stats.c.user_id == user_id)
    if conn.execute(select(music_stats.c.user_id).where(key)).first() is None:
        conn.execute(insert(music_stats).values(room_id=room_id, user_id=user_id))
    values = {name: music_stats.c[name] + delta for name, delta in deltas.items()}
    if values:
        conn.execute(update(music_stats).where(key).values(**values))


def set_last_played_txn(conn: Connection, room_id: int, user_id: int, now_ms: int) -> None:
    bump_txn(conn, room_id, user_id)
    conn.execute(
        update(music_stats)
        .where(music_stats.c.room_id == room_id, music_stats.c.user_id == user_id)
        .values(last_played_at=now_ms)
    )


def member_count(conn: Connection, room_id: int) -> int:
    q = select(func.count()).where(room_members.c.room_id == room_id)
    return int(conn.execute(q).scalar_one())


def is_member(conn: Connection, room_id: int, user_id: int) -> bool:
    q = select(room_members.c.user_id).where(
        room_members.c.room_id == room_id, room_members.c.user_id == user_id
    )
    return conn.execute(q).first() is not None

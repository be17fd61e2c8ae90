"""Presence rows: the status each user chose (`users.presence`), when they were last seen
(`users.last_seen_at`), the last effective status logged for them (`presence_states`),
and per-room activity and mutes (`room_members.last_active_at`, `.muted`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, and_, insert, or_, select, update

from hubbub.server.store.schema import room_members, users
from hubbub.server.store.schema_people import presence_states

OFFLINE = "offline"


# -- the chosen status and last_seen_at (users) ------------------------------------------


def chosen(conn: Connection, user_ids: Iterable[int]) -> dict[int, tuple[str, int | None]]:
    """user → (chosen status, last_seen_at) for the existing users among `user_ids`."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    q = select(users.c.id, users.c.presence, users.c.last_seen_at).where(
        users.c.id.in_(ids), users.c.deleted_at.is_(None)
    )
    return {int(r[0]): (str(r[1] or "online"), r[2]) for r in conn.execute(q)}


def set_chosen_txn(conn: Connection, user_id: int, status: str) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(presence=status))


def set_last_seen_txn(conn: Connection, user_id: int, at_ms: int) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(last_seen_at=at_ms))


# -- the logged effective status (presence_states) ---------------------------------------


def state(conn: Connection, user_id: int) -> tuple[str, int]:
    """(last logged status, generation); a user never logged is offline, generation 0."""
    q = select(presence_states.c.status, presence_states.c.generation).where(
        presence_states.c.user_id == user_id
    )
    row = conn.execute(q).first()
    return (OFFLINE, 0) if row is None else (str(row[0]), int(row[1]))


def shown(conn: Connection, user_ids: Iterable[int]) -> dict[int, str]:
    """user → last logged status, for each of `user_ids` (offline when never logged)."""
    ids = sorted(set(user_ids))
    out = dict.fromkeys(ids, OFFLINE)
    for chunk in _chunks(ids):
        q = select(presence_states.c.user_id, presence_states.c.status).where(
            presence_states.c.user_id.in_(chunk)
        )
        out.update({int(u): str(s) for u, s in conn.execute(q)})
    return out


def not_offline_ids(conn: Connection) -> list[int]:
    """Every user whose last logged status is not offline (reconciliation at start-up)."""
    q = select(presence_states.c.user_id).where(presence_states.c.status != OFFLINE)
    return [int(u) for u in conn.execute(q).scalars()]


def _upsert_txn(conn: Connection, user_id: int, now_ms: int, values: dict[str, Any]) -> None:
    # The log writer holds the database's write lock (SQLite) or the log's advisory lock
    # (PostgreSQL) around every job, so update-then-insert cannot race another writer.
    done = conn.execute(
        update(presence_states).where(presence_states.c.user_id == user_id).values(**values)
    )
    if done.rowcount == 0:
        row = {"status": OFFLINE, "generation": 0, "changed_at": now_ms, **values}
        conn.execute(insert(presence_states).values(user_id=user_id, **row))


def set_shown_txn(conn: Connection, user_id: int, status: str, now_ms: int) -> None:
    _upsert_txn(conn, user_id, now_ms, {"status": status, "changed_at": now_ms})


def bump_generation_txn(conn: Connection, user_id: int, now_ms: int) -> int:
    """A new gateway connection: offline decisions taken before it are now stale."""
    generation = state(conn, user_id)[1] + 1
    _upsert_txn(conn, user_id, now_ms, {"generation": generation})
    return generation


# -- rooms: activity and mutes (room_members) --------------------------------------------


def touch_active_txn(conn: Connection, room_id: int, user_id: int, now_ms: int) -> None:
    """The member posted: they are pingable for the next window (D.100)."""
    conn.execute(
        update(room_members)
        .where(room_members.c.room_id == room_id, room_members.c.user_id == user_id)
        .values(last_active_at=now_ms)
    )


def set_muted_txn(conn: Connection, room_id: int, user_id: int, muted: bool) -> bool:
    """Set the member's mute; False when they are not a member."""
    done = conn.execute(
        update(room_members)
        .where(room_members.c.room_id == room_id, room_members.c.user_id == user_id)
        .values(muted=muted)
    )
    return bool(done.rowcount)


def is_muted(conn: Connection, room_id: int, user_id: int) -> bool:
    q = select(room_members.c.muted).where(
        room_members.c.room_id == room_id, room_members.c.user_id == user_id
    )
    return bool(conn.execute(q).scalar())


def member_ids(conn: Connection, room_id: int) -> list[int]:
    q = select(room_members.c.user_id).where(room_members.c.room_id == room_id)
    return sorted(int(u) for u in conn.execute(q).scalars())


def pingable_candidates(
    conn: Connection, room_id: int, since_ms: int, present: Iterable[int]
) -> list[int]:
    """Members who did not mute the room and were active since `since_ms` or are among
    `present` (D.100)."""
    here = sorted(set(present))
    active = room_members.c.last_active_at >= since_ms
    cond = or_(active, room_members.c.user_id.in_(here)) if here else active
    q = select(room_members.c.user_id).where(
        and_(room_members.c.room_id == room_id, room_members.c.muted.is_(False), cond)
    )
    return sorted(int(u) for u in conn.execute(q).scalars())


def online_member_ids(conn: Connection, room_id: int) -> list[int]:
    """Members whose last logged status is not offline (`@here`)."""
    q = (
        select(room_members.c.user_id)
        .join(presence_states, presence_states.c.user_id == room_members.c.user_id)
        .where(room_members.c.room_id == room_id, presence_states.c.status != OFFLINE)
    )
    return sorted(int(u) for u in conn.execute(q).scalars())


def snapshots(conn: Connection, user_ids: Iterable[int]) -> list[dict[str, Any]]:
    """The actor snapshots (EVENTS.md C.1) of `user_ids`, by id."""
    ids = sorted(set(user_ids))
    out: list[dict[str, Any]] = []
    for chunk in _chunks(ids):
        q = (
            select(users.c.id, users.c.handle, users.c.display_name, users.c.avatar_url)
            .where(users.c.id.in_(chunk))
            .order_by(users.c.id)
        )
        out += [
            {"id": int(r[0]), "handle": r[1], "display_name": r[2], "avatar_url": r[3]}
            for r in conn.execute(q)
        ]
    return out


def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]

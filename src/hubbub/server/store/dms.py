"""DMs and groups: the SQL that rooms.py does not already have (DM-01, DM-02).

A DM is a room of kind `dm` whose `dm_key` ("lo:hi", the two user ids; "id:id" for one's
own notes) is unique, which makes opening one idempotent even under concurrent opens."""

from __future__ import annotations

from sqlalchemy import Connection, func, select, update

from hubbub.server.store.schema import room_members, rooms


def dm_key(a: int, b: int) -> str:
    lo, hi = sorted((a, b))
    return f"{lo}:{hi}"


def find_by_key(conn: Connection, key: str) -> tuple[int, bool] | None:
    """(room id, deleted) of the room holding `key`, deleted or not."""
    q = select(rooms.c.id, rooms.c.deleted_at).where(rooms.c.dm_key == key)
    row = conn.execute(q).first()
    return None if row is None else (int(row.id), row.deleted_at is not None)


def release_key_txn(conn: Connection, room_id: int) -> None:
    """Free a deleted DM's key so that the pair can open a new one."""
    conn.execute(update(rooms).where(rooms.c.id == room_id).values(dm_key=None))


def other_party(conn: Connection, room_id: int, user_id: int) -> int | None:
    """The DM's other participant (None in one's own notes)."""
    q = select(room_members.c.user_id).where(
        room_members.c.room_id == room_id, room_members.c.user_id != user_id
    )
    found = conn.execute(q.limit(1)).scalar()
    return None if found is None else int(found)


def oldest_member(conn: Connection, room_id: int, besides: int) -> int | None:
    """The member who joined first (ties: lowest id), other than `besides`."""
    q = (
        select(room_members.c.user_id)
        .where(room_members.c.room_id == room_id, room_members.c.user_id != besides)
        .order_by(room_members.c.joined_at, room_members.c.user_id)
        .limit(1)
    )
    found = conn.execute(q).scalar()
    return None if found is None else int(found)


def member_count(conn: Connection, room_id: int) -> int:
    q = select(func.count()).where(room_members.c.room_id == room_id)
    return int(conn.execute(q).scalar() or 0)

"""Star rows: who starred which message, counts, and a room's starboard."""

from __future__ import annotations

from sqlalchemy import Connection, delete, func, insert, select

from hubbub.server.store.schema_reactions import stars


def is_starred(conn: Connection, message_id: int, user_id: int) -> bool:
    q = select(stars.c.user_id).where(stars.c.message_id == message_id, stars.c.user_id == user_id)
    return conn.execute(q).first() is not None


def count(conn: Connection, message_id: int) -> int:
    q = select(func.count()).where(stars.c.message_id == message_id)
    return int(conn.execute(q).scalar_one())


def counts(conn: Connection, message_ids: list[int]) -> dict[int, int]:
    if not message_ids:
        return {}
    q = (
        select(stars.c.message_id, func.count())
        .where(stars.c.message_id.in_(message_ids))
        .group_by(stars.c.message_id)
    )
    return {int(m): int(n) for m, n in conn.execute(q).all()}


def starred_by(conn: Connection, message_ids: list[int], user_id: int) -> set[int]:
    if not message_ids:
        return set()
    q = select(stars.c.message_id).where(
        stars.c.message_id.in_(message_ids), stars.c.user_id == user_id
    )
    return {int(m) for m in conn.execute(q).scalars()}


def star_txn(conn: Connection, message_id: int, user_id: int, now_ms: int) -> None:
    conn.execute(insert(stars).values(message_id=message_id, user_id=user_id, created_at=now_ms))


def unstar_txn(conn: Connection, message_id: int, user_id: int) -> bool:
    q = delete(stars).where(stars.c.message_id == message_id, stars.c.user_id == user_id)
    return bool(conn.execute(q).rowcount)


def clear_txn(conn: Connection, message_id: int) -> int:
    return int(conn.execute(delete(stars).where(stars.c.message_id == message_id)).rowcount or 0)

"""Pending access requests to gallery rooms (AC-02): one row per (room, user)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, insert, select

from hubbub.server.clock import iso_ms
from hubbub.server.store.schema import users
from hubbub.server.store.schema_spaces import access_requests


def exists(conn: Connection, room_id: int, user_id: int) -> bool:
    q = select(access_requests.c.user_id).where(
        access_requests.c.room_id == room_id, access_requests.c.user_id == user_id
    )
    return conn.execute(q).first() is not None


def insert_txn(conn: Connection, room_id: int, user_id: int, now_ms: int) -> None:
    conn.execute(
        insert(access_requests).values(room_id=room_id, user_id=user_id, created_at=now_ms)
    )


def delete_txn(conn: Connection, room_id: int, user_id: int) -> bool:
    """True if there was a request."""
    result = conn.execute(
        delete(access_requests).where(
            access_requests.c.room_id == room_id, access_requests.c.user_id == user_id
        )
    )
    return bool(result.rowcount)


def list_for_room(conn: Connection, room_id: int) -> list[dict[str, Any]]:
    """Oldest first: owners answer them in the order they came."""
    q = (
        select(
            access_requests.c.created_at,
            users.c.id,
            users.c.handle,
            users.c.display_name,
            users.c.avatar_url,
        )
        .join(users, users.c.id == access_requests.c.user_id)
        .where(access_requests.c.room_id == room_id)
        .order_by(access_requests.c.created_at, users.c.id)
    )
    return [
        {
            "user": {
                "id": r["id"],
                "handle": r["handle"],
                "display_name": r["display_name"],
                "avatar_url": r["avatar_url"],
            },
            "created_at": iso_ms(r["created_at"]),
        }
        for r in conn.execute(q).mappings()
    ]

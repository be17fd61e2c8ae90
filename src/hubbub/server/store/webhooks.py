"""Webhooks of a room: rows and their wire shape (EVENTS.md C.2 #72). The secret token
is never stored, only its sha256, so neither reads nor events can leak it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.engine import RowMapping

from hubbub.server.clock import iso_ms
from hubbub.server.store.schema_spaces import webhooks


def webhook_wire(r: RowMapping | dict[str, Any]) -> dict[str, Any]:
    return {
        "id": r["id"],
        "room_id": r["room_id"],
        "user_id": r["user_id"],
        "name": r["name"],
        "avatar_url": r["avatar_url"],
        "creator_id": r["creator_id"],
        "permissions": int(r["permissions"]),
        "created_at": iso_ms(r["created_at"]),
    }


def insert_txn(conn: Connection, **values: Any) -> dict[str, Any]:
    result = conn.execute(insert(webhooks).values(**values).returning(webhooks.c.id))
    return {**values, "id": int(result.scalar_one())}


def get_row(conn: Connection, webhook_id: int) -> RowMapping | None:
    """A live webhook; a deleted one no longer exists for anyone."""
    q = select(webhooks).where(webhooks.c.id == webhook_id, webhooks.c.deleted_at.is_(None))
    return conn.execute(q).mappings().first()


def list_in_room(conn: Connection, room_id: int) -> list[dict[str, Any]]:
    q = (
        select(webhooks)
        .where(webhooks.c.room_id == room_id, webhooks.c.deleted_at.is_(None))
        .order_by(webhooks.c.id)
    )
    return [webhook_wire(r) for r in conn.execute(q).mappings()]


def update_txn(conn: Connection, webhook_id: int, values: dict[str, Any]) -> None:
    conn.execute(update(webhooks).where(webhooks.c.id == webhook_id).values(**values))


def soft_delete_txn(conn: Connection, webhook_id: int, now_ms: int) -> None:
    conn.execute(update(webhooks).where(webhooks.c.id == webhook_id).values(deleted_at=now_ms))

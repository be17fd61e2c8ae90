"""Feeds attached to rooms and the items they posted (RM-14, D.23). The feed token is
never stored, only its sha256."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, or_, select, update
from sqlalchemy.engine import RowMapping

from hubbub.server.clock import iso_ms
from hubbub.server.store.schema_music import feed_items, feeds


def feed_wire(r: RowMapping | dict[str, Any]) -> dict[str, Any]:
    return {
        "id": r["id"],
        "room_id": r["room_id"],
        "name": r["name"],
        "url": r["url"],
        "creator_id": r["creator_id"],
        "created_at": iso_ms(r["created_at"]),
    }


def item_wire(r: RowMapping | dict[str, Any], room_id: int) -> dict[str, Any]:
    return {
        "id": r["id"],
        "room_id": room_id,
        "feed_id": r["feed_id"],
        "title": r["title"],
        "url": r["url"],
        "summary_html": r["summary_html"],
    }


def insert_feed_txn(conn: Connection, **values: Any) -> dict[str, Any]:
    result = conn.execute(insert(feeds).values(**values).returning(feeds.c.id))
    return {**values, "id": int(result.scalar_one())}


def get_feed(conn: Connection, feed_id: int) -> RowMapping | None:
    """A live feed; a deleted one no longer exists for anyone."""
    q = select(feeds).where(feeds.c.id == feed_id, feeds.c.deleted_at.is_(None))
    return conn.execute(q).mappings().first()


def list_in_room(conn: Connection, room_id: int) -> list[dict[str, Any]]:
    q = (
        select(feeds)
        .where(feeds.c.room_id == room_id, feeds.c.deleted_at.is_(None))
        .order_by(feeds.c.id)
    )
    return [feed_wire(r) for r in conn.execute(q).mappings()]


def soft_delete_txn(conn: Connection, feed_id: int, now_ms: int) -> None:
    conn.execute(update(feeds).where(feeds.c.id == feed_id).values(deleted_at=now_ms))


def due_for_polling(conn: Connection, polled_before: int | None) -> list[RowMapping]:
    """Live feeds with a URL, last polled before `polled_before` (None: all of them)."""
    q = select(feeds).where(feeds.c.deleted_at.is_(None), feeds.c.url.is_not(None))
    if polled_before is not None:
        q = q.where(or_(feeds.c.last_polled_at.is_(None), feeds.c.last_polled_at < polled_before))
    return list(conn.execute(q.order_by(feeds.c.id)).mappings())


def set_polled_txn(conn: Connection, feed_id: int, now_ms: int) -> None:
    conn.execute(update(feeds).where(feeds.c.id == feed_id).values(last_polled_at=now_ms))


def find_item(conn: Connection, feed_id: int, guid: str) -> RowMapping | None:
    q = select(feed_items).where(feed_items.c.feed_id == feed_id, feed_items.c.guid == guid)
    return conn.execute(q).mappings().first()


def known_guids(conn: Connection, feed_id: int, guids: list[str]) -> set[str]:
    if not guids:
        return set()
    q = select(feed_items.c.guid).where(
        feed_items.c.feed_id == feed_id, feed_items.c.guid.in_(guids)
    )
    return {str(g) for g in conn.execute(q).scalars()}


def insert_item_txn(conn: Connection, **values: Any) -> dict[str, Any]:
    result = conn.execute(insert(feed_items).values(**values).returning(feed_items.c.id))
    return {**values, "id": int(result.scalar_one())}

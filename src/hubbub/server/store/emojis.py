"""Custom emojis of a space: rows and their wire shape (EVENTS.md C.2 #30)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.engine import RowMapping

from hubbub.server.clock import iso_ms
from hubbub.server.store.schema_spaces import emojis, space_members

API_PREFIX = "/api/v1"


def url_of(emoji_id: int) -> str:
    return f"{API_PREFIX}/emojis/{emoji_id}/image"


def emoji_wire(r: RowMapping | dict[str, Any]) -> dict[str, Any]:
    return {
        "id": r["id"],
        "name": r["name"],
        "space_id": r["space_id"],
        "creator_id": r["creator_id"],
        "animated": bool(r["animated"]),
        "url": url_of(r["id"]),
        "created_at": iso_ms(r["created_at"]),
    }


def _live() -> Any:
    return emojis.c.deleted_at.is_(None)


def insert_txn(conn: Connection, **values: Any) -> dict[str, Any]:
    result = conn.execute(insert(emojis).values(**values).returning(emojis.c.id))
    return {**values, "id": int(result.scalar_one())}


def get_row(conn: Connection, emoji_id: int) -> RowMapping | None:
    """A live emoji (deleted ones are gone for every reader)."""
    q = select(emojis).where(emojis.c.id == emoji_id, _live())
    return conn.execute(q).mappings().first()


def name_taken(conn: Connection, space_id: int, name: str) -> bool:
    q = select(emojis.c.id).where(emojis.c.space_id == space_id, emojis.c.name == name, _live())
    return conn.execute(q).first() is not None


def count_in_space(conn: Connection, space_id: int) -> int:
    q = select(func.count()).where(emojis.c.space_id == space_id, _live())
    return int(conn.execute(q).scalar() or 0)


def list_in_space(conn: Connection, space_id: int) -> list[dict[str, Any]]:
    q = select(emojis).where(emojis.c.space_id == space_id, _live()).order_by(emojis.c.id)
    return [emoji_wire(r) for r in conn.execute(q).mappings()]


def soft_delete_txn(conn: Connection, emoji_id: int, now_ms: int) -> None:
    conn.execute(update(emojis).where(emojis.c.id == emoji_id).values(deleted_at=now_ms))


def live_names(conn: Connection, ids: Collection[int]) -> dict[int, str]:
    """id → name of the live emojis among `ids` (what message rendering may show)."""
    if not ids:
        return {}
    q = select(emojis.c.id, emojis.c.name).where(emojis.c.id.in_(list(ids)), _live())
    return {int(r.id): str(r.name) for r in conn.execute(q)}


def usable_by(conn: Connection, emoji_id: int, user_id: int) -> RowMapping | None:
    """The live emoji if it belongs to a space the user is a member of."""
    mine = select(space_members.c.space_id).where(space_members.c.user_id == user_id)
    q = select(emojis).where(emojis.c.id == emoji_id, _live(), emojis.c.space_id.in_(mine))
    return conn.execute(q).mappings().first()

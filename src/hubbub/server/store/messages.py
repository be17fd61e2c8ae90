"""Messages: rows, pages and the wire shape of EVENTS.md C.2.1."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from hubbub.server.clock import iso_ms
from hubbub.server.store.schema import messages, users

_AUTHOR = [
    users.c.handle.label("author_handle"),
    users.c.display_name.label("author_display_name"),
    users.c.avatar_url.label("author_avatar_url"),
]
_WITH_AUTHOR = select(messages, *_AUTHOR).join(users, users.c.id == messages.c.author_id)
EXCERPT_CHARS = 120


def message_wire(r: RowMapping, reply_to: dict[str, Any] | None = None) -> dict[str, Any]:
    deleted = bool(r["deleted"])
    edited_at = None if r["edited_at"] is None else iso_ms(r["edited_at"])
    return {
        "id": r["id"],
        "room_id": r["room_id"],
        "space_id": None,
        "author": {
            "id": r["author_id"],
            "handle": r["author_handle"],
            "display_name": r["author_display_name"],
            "avatar_url": r["author_avatar_url"],
        },
        "type": r["type"],
        # A tombstone keeps its place in history but not its content.
        "content": "" if deleted else r["content"],
        "content_html": "" if deleted else r["content_html"],
        "content_text": "" if deleted else r["content_text"],
        "reply_to": reply_to,
        "mentions": [],
        "attachments": [],
        "embeds": [],
        "nonce": r["nonce"],
        "stars": 0,
        "pinned": False,
        "edit_count": r["edit_count"],
        "reactions": [],
        "moderation_state": "na",
        "deleted": deleted,
        "created_at": iso_ms(r["created_at"]),
        "ts": r["created_at"],
        "edited_at": edited_at,
        "modified_at": edited_at,
        "edited_by_moderator": False,
    }


def _reply_ref(r: RowMapping) -> dict[str, Any]:
    text = "" if r["deleted"] else r["content_text"]
    return {
        "id": r["id"],
        "author": {
            "id": r["author_id"],
            "handle": r["author_handle"],
            "display_name": r["author_display_name"],
            "avatar_url": r["author_avatar_url"],
        },
        "excerpt": text[:EXCERPT_CHARS],
    }


async def _wire_rows(conn: AsyncConnection, rows: list[RowMapping]) -> list[dict[str, Any]]:
    reply_ids = {r["reply_to_id"] for r in rows if r["reply_to_id"] is not None}
    refs: dict[int, dict[str, Any]] = {}
    if reply_ids:
        q = _WITH_AUTHOR.where(messages.c.id.in_(reply_ids))
        refs = {r["id"]: _reply_ref(r) for r in (await conn.execute(q)).mappings()}
    return [message_wire(r, refs.get(r["reply_to_id"])) for r in rows]


async def get_message_row(conn: AsyncConnection, message_id: int) -> RowMapping | None:
    q = _WITH_AUTHOR.where(messages.c.id == message_id)
    return (await conn.execute(q)).mappings().first()


async def get_message(conn: AsyncConnection, message_id: int) -> dict[str, Any] | None:
    row = await get_message_row(conn, message_id)
    return None if row is None else (await _wire_rows(conn, [row]))[0]


async def find_by_nonce(conn: AsyncConnection, author_id: int, nonce: str) -> dict[str, Any] | None:
    q = _WITH_AUTHOR.where(messages.c.author_id == author_id, messages.c.nonce == nonce)
    row = (await conn.execute(q)).mappings().first()
    return None if row is None else (await _wire_rows(conn, [row]))[0]


async def insert_message_txn(conn: AsyncConnection, **values: Any) -> dict[str, Any]:
    result = await conn.execute(insert(messages).values(**values).returning(messages.c.id))
    message = await get_message(conn, int(result.scalar_one()))
    assert message is not None
    return message


async def update_message_txn(conn: AsyncConnection, message_id: int, **values: Any) -> None:
    await conn.execute(update(messages).where(messages.c.id == message_id).values(**values))


async def page(
    conn: AsyncConnection, room_id: int, *, before: int | None, after: int | None, limit: int
) -> tuple[list[dict[str, Any]], bool]:
    """One page, oldest → newest. `after` walks forward; otherwise walk back from `before`
    (or from the newest). Fetches limit+1 rows to know whether there is more."""
    q = _WITH_AUTHOR.where(messages.c.room_id == room_id)
    if before is not None:
        q = q.where(messages.c.id < before)
    if after is not None:
        q = q.where(messages.c.id > after).order_by(messages.c.id)
    else:
        q = q.order_by(messages.c.id.desc())
    rows = list((await conn.execute(q.limit(limit + 1))).mappings())
    has_more = len(rows) > limit
    rows = rows[:limit]
    if after is None:
        rows.reverse()
    return await _wire_rows(conn, rows), has_more


async def count_in_room(conn: AsyncConnection, room_id: int) -> int:
    q = select(func.count()).where(messages.c.room_id == room_id, messages.c.deleted.is_(False))
    return int((await conn.execute(q)).scalar_one())

"""Embeds appended to messages: rows, counts, and the `embeds[]` of message objects."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import orjson
from sqlalchemy import Connection, func, insert, select

from hubbub.server.store.schema_lifecycle import embeds


def count_for(conn: Connection, message_id: int) -> int:
    q = select(func.count()).where(embeds.c.message_id == message_id)
    return int(conn.execute(q).scalar_one())


def nonce_used(conn: Connection, message_id: int, user_id: int, nonce: str) -> bool:
    q = select(embeds.c.id).where(
        embeds.c.message_id == message_id, embeds.c.created_by == user_id, embeds.c.nonce == nonce
    )
    return conn.execute(q.limit(1)).first() is not None


def append_txn(
    conn: Connection,
    message_id: int,
    items: list[dict[str, Any]],
    *,
    first_position: int,
    created_by: int,
    now_ms: int,
    nonce: str | None = None,
) -> None:
    conn.execute(
        insert(embeds),
        [
            {
                "message_id": message_id,
                "position": first_position + i,
                "data": orjson.dumps(item).decode(),
                "created_by": created_by,
                "created_at": now_ms,
                "nonce": nonce,
            }
            for i, item in enumerate(items)
        ],
    )


def fill(conn: Connection, wired: list[dict[str, Any]]) -> None:
    """Set `embeds` on every wire message of a page with one query. A tombstone shows
    none: deleting a message hides everything it displayed."""
    ids = [m["id"] for m in wired if not m["deleted"]]
    if not ids:
        return
    q = (
        select(embeds.c.message_id, embeds.c.data)
        .where(embeds.c.message_id.in_(ids))
        .order_by(embeds.c.message_id, embeds.c.position)
    )
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in conn.execute(q):
        found[int(row.message_id)].append(orjson.loads(row.data))
    for m in wired:
        if m["id"] in found:
            m["embeds"] = found[m["id"]]

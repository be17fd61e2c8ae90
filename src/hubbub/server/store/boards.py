"""A room's lists of messages picked by this area: the starboard and the pinned list.

Kept apart from store.reactions because it builds full message objects through
store.messages, which itself calls store.reactions to enrich them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from hubbub.server.store.messages import _WITH_AUTHOR, _wire_rows
from hubbub.server.store.schema import messages
from hubbub.server.store.schema_reactions import pins, stars


def starboard_ids(conn: Connection, room_id: int, limit: int) -> list[int]:
    """The room's most-starred live messages, most stars first, ties newest first."""
    n = func.count().label("n")
    q = (
        select(stars.c.message_id, n)
        .join(messages, messages.c.id == stars.c.message_id)
        .where(messages.c.room_id == room_id, messages.c.deleted.is_(False))
        .group_by(stars.c.message_id)
        .order_by(n.desc(), stars.c.message_id.desc())
        .limit(limit)
    )
    return [int(r[0]) for r in conn.execute(q).all()]


def pinned_ids(conn: Connection, room_id: int, limit: int) -> list[int]:
    """The room's pinned live messages, the most recently pinned first."""
    q = (
        select(pins.c.message_id)
        .join(messages, messages.c.id == pins.c.message_id)
        .where(messages.c.room_id == room_id, messages.c.deleted.is_(False))
        .order_by(pins.c.pinned_at.desc(), pins.c.message_id.desc())
        .limit(limit)
    )
    return [int(m) for m in conn.execute(q).scalars()]


def messages_by_ids(
    conn: Connection, ids: list[int], viewer_id: int | None
) -> list[dict[str, Any]]:
    """Wire messages (enriched like any page) for `ids`, in the order of `ids`."""
    if not ids:
        return []
    rows = list(conn.execute(_WITH_AUTHOR.where(messages.c.id.in_(ids))).mappings())
    by_id = {m["id"]: m for m in _wire_rows(conn, rows, viewer_id)}
    return [by_id[i] for i in ids if i in by_id]

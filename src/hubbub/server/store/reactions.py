"""Reaction rows and the per-message fields this area adds to message objects
(reactions, stars, pins), filled for a whole page in a few batched queries."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select

from hubbub.server.clock import iso_ms
from hubbub.server.store import pins as pin_store
from hubbub.server.store import stars as star_store
from hubbub.server.store.schema_reactions import reactions

# Aggregates list emojis in the order they were first used, users in the order they
# reacted: a stable order that does not reshuffle as counts change.
_ORDER = (reactions.c.message_id, reactions.c.created_at, reactions.c.user_id)


def has_reaction(conn: Connection, message_id: int, emoji: str, user_id: int) -> bool:
    q = select(reactions.c.user_id).where(
        reactions.c.message_id == message_id,
        reactions.c.emoji == emoji,
        reactions.c.user_id == user_id,
    )
    return conn.execute(q).first() is not None


def emoji_count(conn: Connection, message_id: int, emoji: str) -> int:
    q = select(func.count()).where(reactions.c.message_id == message_id, reactions.c.emoji == emoji)
    return int(conn.execute(q).scalar_one())


def distinct_emojis(conn: Connection, message_id: int) -> int:
    q = select(func.count(func.distinct(reactions.c.emoji))).where(
        reactions.c.message_id == message_id
    )
    return int(conn.execute(q).scalar_one())


def add_reaction_txn(
    conn: Connection, message_id: int, emoji: str, user_id: int, now_ms: int
) -> None:
    conn.execute(
        insert(reactions).values(
            message_id=message_id, emoji=emoji, user_id=user_id, created_at=now_ms
        )
    )


def remove_reaction_txn(conn: Connection, message_id: int, emoji: str, user_id: int) -> bool:
    result = conn.execute(
        delete(reactions).where(
            reactions.c.message_id == message_id,
            reactions.c.emoji == emoji,
            reactions.c.user_id == user_id,
        )
    )
    return bool(result.rowcount)


def clear_reactions_txn(conn: Connection, message_id: int, emoji: str | None) -> int:
    """Remove every reaction (of one emoji, or all); the number of rows removed."""
    q = delete(reactions).where(reactions.c.message_id == message_id)
    if emoji is not None:
        q = q.where(reactions.c.emoji == emoji)
    return int(conn.execute(q).rowcount or 0)


def aggregates(
    conn: Connection, message_ids: list[int], viewer_id: int | None
) -> dict[int, list[dict[str, Any]]]:
    """message id → `[{emoji, count, user_ids[, me]}]`; `me` only for a viewer."""
    if not message_ids:
        return {}
    q = (
        select(reactions.c.message_id, reactions.c.emoji, reactions.c.user_id)
        .where(reactions.c.message_id.in_(message_ids))
        .order_by(*_ORDER)
    )
    grouped: dict[int, dict[str, list[int]]] = defaultdict(dict)
    for message_id, emoji, user_id in conn.execute(q).all():
        grouped[int(message_id)].setdefault(str(emoji), []).append(int(user_id))
    out: dict[int, list[dict[str, Any]]] = {}
    for message_id, by_emoji in grouped.items():
        items = []
        for emoji, user_ids in by_emoji.items():
            item: dict[str, Any] = {"emoji": emoji, "count": len(user_ids), "user_ids": user_ids}
            if viewer_id is not None:
                item["me"] = viewer_id in user_ids
            items.append(item)
        out[message_id] = items
    return out


def enrich_messages(conn: Connection, wired: list[dict[str, Any]], viewer_id: int | None) -> None:
    """Fill `reactions`, `stars`, `pinned`, `pin_count`, `pinned_at` (and for a viewer
    `starred_by_you`) on wire messages, in one query per table for the whole page."""
    ids = [m["id"] for m in wired]
    found = aggregates(conn, ids, viewer_id)
    counts = star_store.counts(conn, ids)
    mine = star_store.starred_by(conn, ids, viewer_id) if viewer_id is not None else set()
    pinned = pin_store.pinned_at(conn, ids)
    for m in wired:
        mid = m["id"]
        m["reactions"] = found.get(mid, [])
        m["stars"] = counts.get(mid, 0)
        at = pinned.get(mid)
        m["pinned"] = at is not None
        m["pin_count"] = 0 if at is None else 1
        m["pinned_at"] = None if at is None else iso_ms(at)
        if viewer_id is not None:
            m["starred_by_you"] = mid in mine

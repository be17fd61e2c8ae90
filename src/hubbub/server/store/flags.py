"""Flags on messages (MD-05): one row per flagger and message. Readers only ever get
counts: who flagged is never part of any answer or event."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select

from hubbub.server.store.schema_moderation import flags

KINDS = ("spam", "offensive", "mod_attention")
# The kinds whose counts trusted users see; together they make the net count.
PUBLIC_KINDS = ("spam", "offensive")


def own_kind(conn: Connection, message_id: int, user_id: int) -> str | None:
    q = select(flags.c.kind).where(flags.c.message_id == message_id, flags.c.user_id == user_id)
    kind = conn.execute(q).scalar()
    return None if kind is None else str(kind)


def insert_txn(conn: Connection, message_id: int, user_id: int, kind: str, now_ms: int) -> None:
    values: dict[str, Any] = {
        "message_id": message_id,
        "user_id": user_id,
        "kind": kind,
        "created_at": now_ms,
    }
    conn.execute(insert(flags).values(**values))


def delete_txn(conn: Connection, message_id: int, user_id: int) -> None:
    q = delete(flags).where(flags.c.message_id == message_id, flags.c.user_id == user_id)
    conn.execute(q)


def clear_txn(conn: Connection, message_id: int) -> None:
    conn.execute(delete(flags).where(flags.c.message_id == message_id))


def counts(conn: Connection, message_id: int) -> dict[str, int]:
    """{spam, offensive, mod_attention} for one message."""
    return counts_for(conn, [message_id]).get(message_id) or dict.fromkeys(KINDS, 0)


def counts_for(conn: Connection, message_ids: Collection[int]) -> dict[int, dict[str, int]]:
    """The counts of every message among `message_ids` that has flags."""
    if not message_ids:
        return {}
    q = (
        select(flags.c.message_id, flags.c.kind, func.count())
        .where(flags.c.message_id.in_(list(message_ids)))
        .group_by(flags.c.message_id, flags.c.kind)
    )
    out: dict[int, dict[str, int]] = {}
    for message_id, kind, n in conn.execute(q):
        out.setdefault(int(message_id), dict.fromkeys(KINDS, 0))[str(kind)] = int(n)
    return out


def net(c: dict[str, int]) -> int:
    """The net count that removes a message: its spam and offensive flags."""
    return sum(c[k] for k in PUBLIC_KINDS)

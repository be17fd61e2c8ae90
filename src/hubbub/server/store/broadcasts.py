"""Global notifications (NT-03): the broadcast row, and its copy in every user's inbox
made by one INSERT … SELECT (no per-user round trips, however many users there are)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Connection, String, insert, literal, select

from hubbub.server.store.schema import users
from hubbub.server.store.schema_content import notifications
from hubbub.server.store.schema_people import broadcasts


def insert_txn(
    conn: Connection,
    *,
    actor_id: int,
    content: str,
    content_html: str,
    content_text: str,
    now_ms: int,
) -> int:
    result = conn.execute(
        insert(broadcasts)
        .values(
            actor_id=actor_id,
            content=content,
            content_html=content_html,
            content_text=content_text,
            created_at=now_ms,
        )
        .returning(broadcasts.c.id)
    )
    return int(result.scalar_one())


def copy_to_everyone_txn(
    conn: Connection, *, notification_id: int, kind: str, actor_id: int | None, now_ms: int
) -> int:
    """A copy of the canonical notification (same payload, `ref_id` = its id) in the
    inbox of every live account (not the reserved system users, not deleted or merged
    ones); how many were made."""
    canonical = (
        select(notifications.c.payload)
        .where(notifications.c.id == notification_id)
        .scalar_subquery()
    )
    rows = select(
        users.c.id,
        literal(kind, String),
        literal(actor_id, BigInteger),
        canonical,
        literal(now_ms, BigInteger),
        literal(notification_id, BigInteger),
    ).where(users.c.id > 0, users.c.deleted_at.is_(None), users.c.merged_into.is_(None))
    result = conn.execute(
        insert(notifications).from_select(
            ["user_id", "kind", "actor_id", "payload", "created_at", "ref_id"], rows
        )
    )
    return int(result.rowcount)

"""Relationships between two users (RL-01, D.31): one row per party holding that party's
own view of the pair (friend | outgoing | incoming | blocked | blocked_other); no row is
`none`. Both sides blocking each other is two `blocked` rows.

Reusable reads for other areas: `is_blocked_either`, `blocked_by`, `blockers_of`, and
`relationships_for_ready` (the lead's `ready`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, delete, insert, or_, select, update

from hubbub.server.store.schema import users
from hubbub.server.store.schema_people import relationships

NONE = "none"
FRIEND = "friend"
OUTGOING = "outgoing"
INCOMING = "incoming"
BLOCKED = "blocked"
BLOCKED_OTHER = "blocked_other"
STATUSES = (NONE, FRIEND, OUTGOING, INCOMING, BLOCKED, BLOCKED_OTHER)


def status_of(conn: Connection, user_id: int, other_id: int) -> str:
    """`user_id`'s view of the pair; "none" without a row."""
    q = select(relationships.c.status).where(
        relationships.c.user_id == user_id, relationships.c.other_id == other_id
    )
    found = conn.execute(q).scalar()
    return NONE if found is None else str(found)


def set_status_txn(conn: Connection, user_id: int, other_id: int, status: str, now_ms: int) -> None:
    """Store `user_id`'s view; "none" removes the row. The caller knows the old view
    (it read it in the same job), so this is a plain insert, update or delete."""
    where = and_(relationships.c.user_id == user_id, relationships.c.other_id == other_id)
    if status == NONE:
        conn.execute(delete(relationships).where(where))
        return
    changed = conn.execute(
        update(relationships).where(where).values(status=status, updated_at=now_ms)
    ).rowcount
    if not changed:
        conn.execute(
            insert(relationships).values(
                user_id=user_id,
                other_id=other_id,
                status=status,
                created_at=now_ms,
                updated_at=now_ms,
            )
        )


def is_blocked_either(conn: Connection, a: int, b: int) -> bool:
    """Whether either of the two users blocked the other."""
    q = select(relationships.c.user_id).where(
        relationships.c.status == BLOCKED,
        or_(
            and_(relationships.c.user_id == a, relationships.c.other_id == b),
            and_(relationships.c.user_id == b, relationships.c.other_id == a),
        ),
    )
    return conn.execute(q.limit(1)).first() is not None


def blocked_by(conn: Connection, user_id: int) -> set[int]:
    """The users `user_id` has blocked."""
    q = select(relationships.c.other_id).where(
        relationships.c.user_id == user_id, relationships.c.status == BLOCKED
    )
    return {int(u) for u in conn.execute(q).scalars()}


def blockers_of(conn: Connection, user_id: int) -> set[int]:
    """The users who have blocked `user_id` (e.g. to skip their mention notifications)."""
    q = select(relationships.c.user_id).where(
        relationships.c.other_id == user_id, relationships.c.status == BLOCKED
    )
    return {int(u) for u in conn.execute(q).scalars()}


def _snapshot(r: Any) -> dict[str, Any]:
    return {
        "id": int(r["id"]),
        "handle": r["handle"],
        "display_name": r["display_name"],
        "avatar_url": r["avatar_url"],
    }


def list_for(conn: Connection, user_id: int) -> list[dict[str, Any]]:
    """`user_id`'s relationships as wire objects {user_id, status, user}, by other id."""
    q = (
        select(
            relationships.c.other_id,
            relationships.c.status,
            users.c.id,
            users.c.handle,
            users.c.display_name,
            users.c.avatar_url,
        )
        .join(users, users.c.id == relationships.c.other_id)
        .where(relationships.c.user_id == user_id)
        .order_by(relationships.c.other_id)
    )
    return [
        {"user_id": int(r["other_id"]), "status": str(r["status"]), "user": _snapshot(r)}
        for r in conn.execute(q).mappings()
    ]


def relationships_for_ready(conn: Connection, user_id: int) -> list[dict[str, Any]]:
    """The `relationships` of `ready` (EVENTS.md #7): each {user_id, status, user}; a bot
    has none (D.44)."""
    bot = conn.execute(select(users.c.bot).where(users.c.id == user_id)).scalar()
    if bot is None or bot:
        return []
    return list_for(conn, user_id)

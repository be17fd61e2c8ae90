"""Platform suspensions (MD-11): rows and their wire shape, and the `suspended` bit of
users.flags (D.32) kept in step with them.

A user has at most one suspension in force: the row whose `cleared_at` is NULL. Its
`expires_at` moves when a moderator extends or shortens it; clearing it, by hand or when
it expires, sets `cleared_at`. Rows are never deleted: they are the history.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.engine import RowMapping

from hubbub.server.clock import iso_ms
from hubbub.server.store.schema import users
from hubbub.server.store.schema_moderation import suspensions
from hubbub.server.store.users import USER_FLAGS

SUSPENDED = USER_FLAGS["suspended"]


def wire(r: RowMapping | dict[str, Any]) -> dict[str, Any]:
    return {
        "id": r["id"],
        "user_id": r["user_id"],
        "reason": r["reason"],
        "actor_id": r["actor_id"],
        "created_at": iso_ms(r["created_at"]),
        "expires_at": iso_ms(r["expires_at"]),
        "cleared_at": None if r["cleared_at"] is None else iso_ms(r["cleared_at"]),
    }


def active(conn: Connection, user_id: int) -> RowMapping | None:
    """The suspension in force (not cleared), if any; expired ones stay in force until
    the expiry ticker clears them."""
    q = (
        select(suspensions)
        .where(suspensions.c.user_id == user_id, suspensions.c.cleared_at.is_(None))
        .order_by(suspensions.c.id.desc())
    )
    return conn.execute(q).mappings().first()


def insert_txn(
    conn: Connection,
    *,
    user_id: int,
    reason: str | None,
    actor_id: int | None,
    now_ms: int,
    expires_at: int,
) -> dict[str, Any]:
    values = {
        "user_id": user_id,
        "reason": reason,
        "actor_id": actor_id,
        "created_at": now_ms,
        "expires_at": expires_at,
        "cleared_at": None,
    }
    new_id = conn.execute(insert(suspensions).values(**values).returning(suspensions.c.id))
    return {**values, "id": int(new_id.scalar_one())}


def set_expiry_txn(
    conn: Connection, suspension_id: int, expires_at: int, reason: str | None, actor_id: int | None
) -> None:
    values: dict[str, Any] = {"expires_at": expires_at, "actor_id": actor_id}
    if reason is not None:
        values["reason"] = reason
    conn.execute(update(suspensions).where(suspensions.c.id == suspension_id).values(**values))


def clear_txn(conn: Connection, suspension_id: int, now_ms: int) -> bool:
    """Clear a suspension still in force; False if it was cleared already (by another
    node's ticker, or a moderator), so that exactly one caller logs the change."""
    q = (
        update(suspensions)
        .where(suspensions.c.id == suspension_id, suspensions.c.cleared_at.is_(None))
        .values(cleared_at=now_ms)
    )
    return conn.execute(q).rowcount == 1


def due(conn: Connection, now_ms: int, limit: int = 100) -> list[RowMapping]:
    """Suspensions in force whose expiry has passed."""
    q = (
        select(suspensions)
        .where(suspensions.c.cleared_at.is_(None), suspensions.c.expires_at <= now_ms)
        .order_by(suspensions.c.expires_at)
        .limit(limit)
    )
    return list(conn.execute(q).mappings())


def set_flag_txn(conn: Connection, user_id: int, on: bool) -> None:
    """Set or clear the `suspended` bit of users.flags."""
    flags = users.c.flags.op("|")(SUSPENDED) if on else users.c.flags.op("&")(~SUSPENDED)
    conn.execute(update(users).where(users.c.id == user_id).values(flags=flags))


def history(conn: Connection, user_id: int, limit: int = 50) -> list[dict[str, Any]]:
    q = (
        select(suspensions)
        .where(suspensions.c.user_id == user_id)
        .order_by(suspensions.c.id.desc())
        .limit(limit)
    )
    return [wire(r) for r in conn.execute(q).mappings()]

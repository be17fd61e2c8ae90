"""Invite codes to spaces."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.engine import RowMapping

from hubbub.server.clock import iso_ms
from hubbub.server.store.schema_spaces import invites


def wire(r: RowMapping) -> dict[str, Any]:
    return {
        "code": r["code"],
        "space_id": r["space_id"],
        "creator_id": r["creator_id"],
        "created_at": iso_ms(r["created_at"]),
        "expires_at": None if r["expires_at"] is None else iso_ms(r["expires_at"]),
        "max_uses": r["max_uses"],
        "uses": r["uses"],
    }


def insert_txn(conn: Connection, **values: Any) -> RowMapping:
    return conn.execute(insert(invites).values(**values).returning(*invites.c)).mappings().one()


def get(conn: Connection, code: str) -> RowMapping | None:
    return conn.execute(select(invites).where(invites.c.code == code)).mappings().first()


def live_of_space(
    conn: Connection, space_id: int, now_ms: int, creator_id: int | None
) -> list[RowMapping]:
    q = select(invites).where(invites.c.space_id == space_id, invites.c.revoked_at.is_(None))
    if creator_id is not None:
        q = q.where(invites.c.creator_id == creator_id)
    rows = conn.execute(q.order_by(invites.c.created_at, invites.c.code)).mappings().all()
    return [r for r in rows if usable(r, now_ms) is None]


def usable(r: RowMapping, now_ms: int) -> str | None:
    """Why an invite can no longer be used (a code), or None."""
    if r["revoked_at"] is not None:
        return "invite_revoked"
    if r["expires_at"] is not None and r["expires_at"] <= now_ms:
        return "invite_expired"
    if r["max_uses"] is not None and r["uses"] >= r["max_uses"]:
        return "invite_used_up"
    return None


def use_txn(conn: Connection, code: str) -> None:
    conn.execute(update(invites).where(invites.c.code == code).values(uses=invites.c.uses + 1))


def revoke_txn(conn: Connection, code: str, now_ms: int) -> None:
    conn.execute(update(invites).where(invites.c.code == code).values(revoked_at=now_ms))

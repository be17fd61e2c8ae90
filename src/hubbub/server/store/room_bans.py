"""Room bans (MD-10): kick-mute, bounce and ban as one row kind, and their wire shape.

A ban is in force while `lifted_at` is NULL: lifting it by hand or at its expiry sets
`lifted_at` and `lift_reason` (lifted | expired | replaced). Rows are never deleted.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.engine import RowMapping

from hubbub.server.clock import iso_ms
from hubbub.server.store.schema_moderation import room_bans

KINDS = ("kick_mute", "bounce", "ban")


def wire(r: RowMapping | dict[str, Any], *, reason: bool = True) -> dict[str, Any]:
    """A ban object; `reason` only in the moderators' views (D.80)."""
    out = {
        "id": r["id"],
        "room_id": r["room_id"],
        "user_id": r["user_id"],
        "kind": r["kind"],
        "actor_id": r["actor_id"],
        "created_at": iso_ms(r["created_at"]),
        "expires_at": None if r["expires_at"] is None else iso_ms(r["expires_at"]),
    }
    if reason:
        out["reason"] = r["reason"]
    return out


def _in_force() -> Any:
    return room_bans.c.lifted_at.is_(None)


def active(conn: Connection, room_id: int, user_id: int) -> RowMapping | None:
    """The ban in force on a user in a room, if any (expired ones stay in force until the
    expiry ticker lifts them, so every node and every read agree)."""
    q = (
        select(room_bans)
        .where(room_bans.c.room_id == room_id, room_bans.c.user_id == user_id, _in_force())
        .order_by(room_bans.c.id.desc())
    )
    return conn.execute(q).mappings().first()


def banned_ids(conn: Connection, room_id: int) -> set[int]:
    """The users with a ban in force in a room."""
    q = select(room_bans.c.user_id).where(room_bans.c.room_id == room_id, _in_force())
    return {int(u) for u in conn.execute(q).scalars()}


def insert_txn(
    conn: Connection,
    *,
    room_id: int,
    user_id: int,
    kind: str,
    reason: str | None,
    actor_id: int | None,
    now_ms: int,
    expires_at: int | None,
) -> dict[str, Any]:
    values = {
        "room_id": room_id,
        "user_id": user_id,
        "kind": kind,
        "reason": reason,
        "actor_id": actor_id,
        "created_at": now_ms,
        "expires_at": expires_at,
        "lifted_at": None,
        "lift_reason": None,
    }
    new_id = conn.execute(insert(room_bans).values(**values).returning(room_bans.c.id))
    return {**values, "id": int(new_id.scalar_one())}


def lift_txn(conn: Connection, ban_id: int, now_ms: int, reason: str) -> bool:
    """Lift a ban still in force; False if it was lifted already (another node's ticker,
    or a moderator), so that exactly one caller logs `room.ban.removed`."""
    q = (
        update(room_bans)
        .where(room_bans.c.id == ban_id, _in_force())
        .values(lifted_at=now_ms, lift_reason=reason)
    )
    return conn.execute(q).rowcount == 1


def list_active(conn: Connection, room_id: int) -> list[dict[str, Any]]:
    q = (
        select(room_bans)
        .where(room_bans.c.room_id == room_id, _in_force())
        .order_by(room_bans.c.id)
    )
    return [wire(r) for r in conn.execute(q).mappings()]


def due(conn: Connection, now_ms: int, limit: int = 100) -> list[RowMapping]:
    """Bans in force whose expiry has passed."""
    q = (
        select(room_bans)
        .where(_in_force(), room_bans.c.expires_at.is_not(None), room_bans.c.expires_at <= now_ms)
        .order_by(room_bans.c.expires_at)
        .limit(limit)
    )
    return list(conn.execute(q).mappings())

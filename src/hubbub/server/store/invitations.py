"""Invitations addressed to one user (NT-01): rows and the invitee's pending list.

`status` is stored as pending | accepted | declined | revoked; a pending invitation older
than its lifetime reads back as `expired` (services.invitations decides the lifetime).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.engine import RowMapping

from hubbub.server.clock import iso_ms
from hubbub.server.store.schema import rooms, users
from hubbub.server.store.schema_people import invitations
from hubbub.server.store.schema_spaces import spaces


def insert_txn(
    conn: Connection,
    *,
    kind: str,
    room_id: int | None,
    space_id: int | None,
    inviter_id: int,
    invitee_id: int,
    now_ms: int,
) -> int:
    result = conn.execute(
        insert(invitations)
        .values(
            kind=kind,
            room_id=room_id,
            space_id=space_id,
            inviter_id=inviter_id,
            invitee_id=invitee_id,
            status="pending",
            created_at=now_ms,
        )
        .returning(invitations.c.id)
    )
    return int(result.scalar_one())


def set_notification_txn(conn: Connection, invitation_id: int, notification_id: int) -> None:
    conn.execute(
        update(invitations)
        .where(invitations.c.id == invitation_id)
        .values(notification_id=notification_id)
    )


def respond_txn(conn: Connection, invitation_id: int, status: str, now_ms: int) -> bool:
    """Close a pending invitation; False if it was no longer pending (a race lost)."""
    result = conn.execute(
        update(invitations)
        .where(invitations.c.id == invitation_id, invitations.c.status == "pending")
        .values(status=status, responded_at=now_ms)
    )
    return bool(result.rowcount)


_inviter = users.alias("inviter")
_COLS = [
    *invitations.c,
    rooms.c.name.label("room_name"),
    rooms.c.deleted_at.label("room_deleted_at"),
    spaces.c.name.label("space_name"),
    spaces.c.deleted_at.label("space_deleted_at"),
    _inviter.c.handle.label("inviter_handle"),
    _inviter.c.display_name.label("inviter_display_name"),
    _inviter.c.avatar_url.label("inviter_avatar_url"),
]
_FROM = (
    invitations.outerjoin(rooms, rooms.c.id == invitations.c.room_id)
    .outerjoin(spaces, spaces.c.id == invitations.c.space_id)
    .join(_inviter, _inviter.c.id == invitations.c.inviter_id)
)


def get(conn: Connection, invitation_id: int) -> RowMapping | None:
    q = select(*_COLS).select_from(_FROM).where(invitations.c.id == invitation_id)
    return conn.execute(q).mappings().first()


def pending_for(conn: Connection, invitee_id: int, since_ms: int) -> list[RowMapping]:
    """The invitee's pending invitations created at or after `since_ms` (younger than
    their lifetime), newest first."""
    q = (
        select(*_COLS)
        .select_from(_FROM)
        .where(
            invitations.c.invitee_id == invitee_id,
            invitations.c.status == "pending",
            invitations.c.created_at >= since_ms,
        )
        .order_by(invitations.c.id.desc())
    )
    return list(conn.execute(q).mappings())


def pending_exists(
    conn: Connection,
    *,
    invitee_id: int,
    room_id: int | None,
    space_id: int | None,
    since_ms: int,
) -> bool:
    """Whether the user already has a live invitation to this room (or space)."""
    q = select(invitations.c.id).where(
        invitations.c.invitee_id == invitee_id,
        invitations.c.status == "pending",
        invitations.c.created_at >= since_ms,
    )
    if room_id is not None:
        q = q.where(invitations.c.room_id == room_id)
    else:
        q = q.where(invitations.c.space_id == space_id, invitations.c.kind == "space")
    return conn.execute(q.limit(1)).first() is not None


def wire(r: RowMapping, *, expired: bool) -> dict[str, Any]:
    """The invitation object: what it opens, who sent it, where it stands."""
    status = "expired" if expired and r["status"] == "pending" else r["status"]
    return {
        "id": int(r["id"]),
        "kind": r["kind"],
        "room_id": r["room_id"],
        "room_name": r["room_name"],
        "space_id": r["space_id"],
        "space_name": r["space_name"],
        "inviter": {
            "id": int(r["inviter_id"]),
            "handle": r["inviter_handle"],
            "display_name": r["inviter_display_name"],
            "avatar_url": r["inviter_avatar_url"],
        },
        "invitee_id": int(r["invitee_id"]),
        "status": status,
        "notification_id": r["notification_id"],
        "created_at": iso_ms(r["created_at"]),
        "responded_at": None if r["responded_at"] is None else iso_ms(r["responded_at"]),
    }

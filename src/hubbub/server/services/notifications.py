"""Notifications: one user-scoped stream (EVENTS.md summary 9, C.2 #70).

Mention and reply notifications are created inside the transaction that posts or edits
the message, so they commit (and get their seq) with it. Each is stored in the user's
inbox and logged as `notification.created` with audience USER: only that user's
sessions see it, live, on resume and over long-poll.

Reading them back: a page of the inbox (newest first), marking one or all read. A mark
that changes something logs `notification.read {notification_ids, up_to, read_at}`
(audience USER) so the user's other sessions can update their badge; marking an
already-read notification changes nothing and logs nothing.

Other kinds (issue 5) are made by `notify_txn`: invitation (services.invitations),
access_request and kick (services.access_levels), global (services.broadcasts, audience
GLOBAL, one canonical row plus a copy per user; see store.notifications). Every kind has
structured fields (`room_id`, `room_name`, `actor`, `data`) plus server-rendered
`content_html` / `content_text`.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from sqlalchemy import Connection

from hubbub.errors import NotFound, ValidationError
from hubbub.server.clock import iso_ms
from hubbub.server.events import Audience, LogEvent
from hubbub.server.services import user_settings
from hubbub.server.services.core import Core, Ctx
from hubbub.server.store import notifications as store
from hubbub.server.store import relationships as relationships_store
from hubbub.server.store import rooms as rooms_store
from hubbub.server.store.log import Tx
from hubbub.server.store.rooms import RoomRow
from hubbub.server.store.users import UserRow

MAX_PAGE = 100
KINDS = ("mention", "reply", "invitation", "access_request", "kick", "global", "scheduled_event")


@dataclass(frozen=True, slots=True)
class Recipient:
    user_id: int
    kind: str  # mention | reply
    data: dict[str, Any]


def can_read(conn: Connection, room: RoomRow, user_id: int) -> bool:
    """Directory rooms are readable by anyone; a space's rooms only by those who may view
    them, which is exactly their (materialised) members; private rooms by members."""
    if room.listed:
        return True
    return rooms_store.member_role(conn, room.id, user_id) is not None


def notify_message_txn(
    tx: Tx,
    *,
    room: RoomRow,
    message: dict[str, Any],
    actor: dict[str, Any],
    recipients: list[Recipient],
) -> list[dict[str, Any]]:
    """Store and log one notification per recipient who can read the room and has not
    blocked the author (RL-01: a blocked user's mentions and replies stay silent)."""
    made = []
    blockers = relationships_store.blockers_of(tx.conn, actor["id"]) if recipients else set()
    # ...nor muted them (their `muted_users` setting, ST-01).
    ids = [r.user_id for r in recipients]
    blockers |= user_settings.muted_by_txn(tx.conn, actor["id"], ids) if ids else set()
    for rcpt in recipients:
        if rcpt.user_id in blockers or not can_read(tx.conn, room, rcpt.user_id):
            continue
        wire = {
            "kind": rcpt.kind,
            "room_id": room.id,
            "room_name": room.name,
            "message_id": message["id"],
            "actor": actor,
            "content_html": message["content_html"],
            "content_text": message["content_text"],
            "data": {"message_type": message["type"], **rcpt.data},
            "created_at": iso_ms(tx.now_ms),
        }
        notification = store.insert_txn(
            tx.conn,
            user_id=rcpt.user_id,
            kind=rcpt.kind,
            room_id=room.id,
            message_id=message["id"],
            actor_id=actor["id"],
            wire=wire,
            now_ms=tx.now_ms,
        )
        tx.emit(
            LogEvent(
                type="notification.created",
                audience=Audience.USER,
                room_id=room.id,
                actor=actor,
                target_user_id=rcpt.user_id,
                data={"notification": notification},
            )
        )
        made.append(notification)
    return made


def notify_txn(
    tx: Tx,
    *,
    user_id: int,
    kind: str,
    actor: dict[str, Any] | None,
    content_html: str,
    content_text: str,
    data: dict[str, Any],
    room: RoomRow | None = None,
) -> dict[str, Any]:
    """Store one notification of any kind in `user_id`'s inbox and log its
    `notification.created` (audience USER); the wire object is returned."""
    wire = {
        "kind": kind,
        "room_id": None if room is None else room.id,
        "room_name": None if room is None else room.name,
        "message_id": None,
        "actor": actor,
        "content_html": content_html,
        "content_text": content_text,
        "data": data,
        "created_at": iso_ms(tx.now_ms),
    }
    notification = store.insert_txn(
        tx.conn,
        user_id=user_id,
        kind=kind,
        room_id=None if room is None else room.id,
        message_id=None,
        actor_id=None if actor is None else actor["id"],
        wire=wire,
        now_ms=tx.now_ms,
    )
    tx.emit(
        LogEvent(
            type="notification.created",
            audience=Audience.USER,
            room_id=None if room is None else room.id,
            actor=actor,
            target_user_id=user_id,
            data={"notification": notification},
        )
    )
    return notification


def mark_read_txn(tx: Tx, user_id: int, notification_id: int, actor: dict[str, Any]) -> None:
    """Mark one of `user_id`'s notifications read on their behalf (an invitation that was
    answered or revoked), logging `notification.read` if it was unread."""
    if store.mark_read_txn(tx.conn, user_id, notification_id, tx.now_ms):
        tx.emit(
            LogEvent(
                type="notification.read",
                audience=Audience.USER,
                actor=actor,
                target_user_id=user_id,
                data={
                    "notification_ids": [notification_id],
                    "up_to": None,
                    "read_at": iso_ms(tx.now_ms),
                },
            )
        )


def check_kind(kind: str | None) -> None:
    if kind is not None and kind not in KINDS:
        raise ValidationError(
            f"kind must be one of {', '.join(KINDS)}",
            code="invalid_kind",
            details={"kind": kind[:40]},
        )


async def unread_count(core: Core, ctx: Ctx) -> dict[str, Any]:
    """`{unread_count, by_kind}`: every unread notification, and per kind."""

    def read(conn: Connection) -> dict[str, Any]:
        by_kind = store.unread_by_kind(conn, ctx.user_id)
        return {"unread_count": sum(by_kind.values()), "by_kind": by_kind}

    return await core.db.read(read)


async def list_notifications(
    core: Core,
    ctx: Ctx,
    *,
    before: int | None,
    limit: int,
    unread_only: bool,
    kind: str | None = None,
) -> dict[str, Any]:
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationError(f"limit must be 1–{MAX_PAGE}", code="invalid_limit")
    check_kind(kind)

    def read(conn: Connection) -> dict[str, Any]:
        items, more = store.page(
            conn, ctx.user_id, before=before, limit=limit, unread_only=unread_only, kind=kind
        )
        return {
            "notifications": items,
            "has_more": more,
            "unread_count": store.unread_count(conn, ctx.user_id),
        }

    return await core.db.read(read)


def _read_event(ctx: Ctx, ids: list[int], up_to: int | None, now_ms: int) -> LogEvent:
    return LogEvent(
        type="notification.read",
        audience=Audience.USER,
        actor=ctx.user.snapshot(),
        target_user_id=ctx.user_id,
        data={"notification_ids": ids, "up_to": up_to, "read_at": iso_ms(now_ms)},
    )


async def mark_read(core: Core, ctx: Ctx, notification_id: int) -> dict[str, Any]:
    def job(tx: Tx) -> dict[str, Any]:
        if store.get(tx.conn, ctx.user_id, notification_id) is None:
            raise NotFound(
                f"notification {notification_id} not found", code="notification_not_found"
            )
        if store.mark_read_txn(tx.conn, ctx.user_id, notification_id, tx.now_ms):
            tx.emit(_read_event(ctx, [notification_id], None, tx.now_ms))
        found = store.get(tx.conn, ctx.user_id, notification_id)
        assert found is not None
        return found

    return await core.log.run(job)


async def mark_all_read(core: Core, ctx: Ctx) -> dict[str, Any]:
    def job(tx: Tx) -> dict[str, Any]:
        count, up_to = store.mark_all_read_txn(tx.conn, ctx.user_id, tx.now_ms)
        if count:
            tx.emit(_read_event(ctx, [], up_to, tx.now_ms))
        return {"marked": count, "up_to": up_to}

    return await core.log.run(job)


def notify_kick_txn(
    tx: Tx, room: RoomRow, target: UserRow, actor: dict[str, Any], what: str
) -> None:
    """A `notification.created` kind `kick` in the inbox of each of the room's owners but
    the one who acted (NT-02): `what` happened to `data.user` ("removed", "kick-muted",
    "banned", "bounced")."""
    where = "in" if what == "kick-muted" else "from"
    text = f"@{target.handle} was {what} {where} {room.name} by @{actor['handle']}"
    html = (
        f"<p><strong>@{escape(target.handle)}</strong> was {escape(what)} {where} "
        f"<strong>{escape(room.name)}</strong> by @{escape(actor['handle'])}</p>"
    )
    for owner_id in rooms_store.owner_ids(tx.conn, room.id):
        if owner_id in (actor["id"], target.id):
            continue
        notify_txn(
            tx,
            user_id=owner_id,
            kind="kick",
            actor=actor,
            room=room,
            content_html=html,
            content_text=text,
            data={
                "user_id": target.id,
                "user": target.snapshot(),
                "room_id": room.id,
                "actor_id": actor["id"],
                "what": what,
            },
        )

"""Invitations addressed to a user (NT-01): to a room or to a space.

Who may invite: into a space, a member holding `invite`; into a space's room, a member
of it holding `invite` there; into a standalone public room, any member holding
`invite`; into any other standalone room (private, gallery), its owners and moderators.
Global staff may invite anywhere. DMs and groups take no invitations (groups add
recipients instead).

An invitation lands in the invitee's inbox as `notification.created` kind `invitation`
(audience USER). Accepting joins through the invitation: a private room or a closed space
is joinable that way, and the join reuses the rooms' and spaces' join transactions, so
the joiner's scope moves exactly as with any join. Accepting, declining and revoking
mark the invitation's notification read and log `invitation.updated {invitation}`
(audience USER) to the invitee and to the inviter. An invitation lives
`LIFETIME_S`; after that, or once answered, acting on it is `409 invitation_closed`.
Users who blocked each other cannot invite one another (`403 blocked`).
"""

from __future__ import annotations

from html import escape
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import RowMapping

from hubbub.errors import Conflict, Forbidden, NotFound
from hubbub.server.events import Audience, LogEvent
from hubbub.server.permissions import Perm
from hubbub.server.services import notifications, rooms, space_members
from hubbub.server.services.access import room_access, space_access
from hubbub.server.services.core import Core, Ctx
from hubbub.server.store import invitations as store
from hubbub.server.store import relationships as relationships_store
from hubbub.server.store import rooms as rooms_store
from hubbub.server.store import spaces as spaces_store
from hubbub.server.store import users as users_store
from hubbub.server.store.log import Tx
from hubbub.server.store.rooms import RoomRow
from hubbub.server.store.spaces import SpaceRow
from hubbub.server.store.users import UserRow

LIFETIME_S = 7 * 24 * 3600


def _since(now_ms: int) -> int:
    """The oldest creation time of a live invitation."""
    return now_ms - LIFETIME_S * 1000


def _not_found(invitation_id: int) -> NotFound:
    return NotFound(f"invitation {invitation_id} not found", code="invitation_not_found")


def _invitee(conn: Connection, ctx: Ctx, user_id: int) -> UserRow:
    if user_id == ctx.user_id:
        raise Conflict("you cannot invite yourself", code="cannot_invite_self")
    user = users_store.get_user(conn, user_id) if user_id > 0 else None
    if user is None or user.deleted_at is not None or user.merged_into is not None:
        raise NotFound(f"user {user_id} not found", code="user_not_found")
    if relationships_store.is_blocked_either(conn, ctx.user_id, user_id):
        raise Forbidden("you cannot invite this user", code="blocked")
    return user


def _not_banned(conn: Connection, space_id: int, user_id: int) -> None:
    if spaces_store.is_banned(conn, space_id, user_id):
        raise Forbidden("that user is banned from this space", code="user_banned")


def _already_member(what: str) -> Conflict:
    return Conflict(f"that user is already a member of this {what}", code="already_member")


def _room_checks(conn: Connection, ctx: Ctx, room_id: int, invitee: UserRow) -> RoomRow:
    access = room_access(conn, ctx.user, room_id)
    room = access.room
    if room.kind in ("dm", "group"):
        raise Conflict("DMs and groups take no invitations", code="room_not_invitable")
    if not ctx.user.is_moderator:
        access.require_member()
    if room.space_id is not None:
        access.require(Perm.INVITE)
        _not_banned(conn, room.space_id, invitee.id)
        if spaces_store.is_member(conn, room.space_id, invitee.id):
            raise _already_member("room's space")
    elif room.access_mode == "public":
        access.require(Perm.INVITE)
    elif not access.moderator:
        raise Forbidden(
            "only the room's owners and moderators can invite to it", code="not_moderator"
        )
    if rooms_store.member_role(conn, room_id, invitee.id) is not None:
        raise _already_member("room")
    return room


def _space_checks(conn: Connection, ctx: Ctx, space_id: int, invitee: UserRow) -> SpaceRow:
    access = space_access(conn, ctx.user, space_id)
    if not ctx.user.is_moderator:
        access.require_member()
    access.require(Perm.INVITE)
    _not_banned(conn, space_id, invitee.id)
    if spaces_store.is_member(conn, space_id, invitee.id):
        raise _already_member("space")
    return access.space


def _content(inviter: dict[str, Any], what: str, name: str) -> tuple[str, str]:
    html = (
        f"<p><strong>{escape(inviter['display_name'])}</strong> (@{escape(inviter['handle'])})"
        f" invited you to the {what} <strong>{escape(name)}</strong></p>"
    )
    text = f"{inviter['display_name']} (@{inviter['handle']}) invited you to the {what} {name}"
    return html, text


async def invite(
    core: Core, ctx: Ctx, *, user_id: int, room_id: int | None = None, space_id: int | None = None
) -> dict[str, Any]:
    """Invite `user_id` to a room (`room_id`) or a space (`space_id`); the invitation."""

    def job(tx: Tx) -> dict[str, Any]:
        conn = tx.conn
        invitee = _invitee(conn, ctx, user_id)
        room: RoomRow | None = None
        space_name: str | None = None
        if room_id is not None:
            room = _room_checks(conn, ctx, room_id, invitee)
            target_space = room.space_id
            what, name = "room", room.name
        else:
            assert space_id is not None
            space = _space_checks(conn, ctx, space_id, invitee)
            target_space, space_name = space.id, space.name
            what, name = "space", space.name
        if store.pending_exists(
            conn,
            invitee_id=user_id,
            room_id=room_id,
            space_id=target_space,
            since_ms=_since(tx.now_ms),
        ):
            raise Conflict(
                f"that user already has a pending invitation to this {what}",
                code="already_invited",
            )
        invitation_id = store.insert_txn(
            conn,
            kind=what,
            room_id=room_id,
            space_id=target_space,
            inviter_id=ctx.user_id,
            invitee_id=user_id,
            now_ms=tx.now_ms,
        )
        inviter = ctx.user.snapshot()
        html, text = _content(inviter, what, name)
        notification = notifications.notify_txn(
            tx,
            user_id=user_id,
            kind="invitation",
            actor=inviter,
            room=room,
            content_html=html,
            content_text=text,
            data={
                "invitation_id": invitation_id,
                "target": what,
                "room_id": room_id,
                "room_name": None if room is None else room.name,
                "space_id": target_space,
                "space_name": space_name,
                "inviter": inviter,
                "expires_at_ms": tx.now_ms + LIFETIME_S * 1000,
            },
        )
        store.set_notification_txn(conn, invitation_id, notification["id"])
        return _wire(conn, invitation_id, tx.now_ms)

    return await core.log.run(job)


def _wire(conn: Connection, invitation_id: int, now_ms: int) -> dict[str, Any]:
    row = store.get(conn, invitation_id)
    if row is None:
        raise _not_found(invitation_id)
    return _row_wire(row, now_ms)


def _row_wire(row: RowMapping, now_ms: int) -> dict[str, Any]:
    return store.wire(row, expired=row["created_at"] < _since(now_ms))


def pending_for(conn: Connection, user_id: int, now_ms: int) -> list[dict[str, Any]]:
    """A user's live invitations, newest first: a pure read (e.g. for `ready`)."""
    return [_row_wire(r, now_ms) for r in store.pending_for(conn, user_id, _since(now_ms))]


async def pending(core: Core, ctx: Ctx) -> list[dict[str, Any]]:
    """The caller's live invitations, newest first."""
    now = core.clock.now_ms()
    return await core.db.read(lambda conn: pending_for(conn, ctx.user_id, now))


def _open_txn(tx: Tx, row: RowMapping | None, invitation_id: int) -> RowMapping:
    if row is None:
        raise _not_found(invitation_id)
    if row["status"] != "pending" or row["created_at"] < _since(tx.now_ms):
        status = _row_wire(row, tx.now_ms)["status"]
        raise Conflict(
            f"this invitation is {status}",
            code="invitation_closed",
            details={"status": status},
        )
    return row


def _close_txn(tx: Tx, row: RowMapping, status: str, actor: dict[str, Any]) -> dict[str, Any]:
    """Record the answer, mark the invitee's notification read, tell both parties."""
    if not store.respond_txn(tx.conn, row["id"], status, tx.now_ms):
        raise Conflict("this invitation was already answered", code="invitation_closed")
    if row["notification_id"] is not None:
        notifications.mark_read_txn(tx, row["invitee_id"], row["notification_id"], actor)
    invitation = _wire(tx.conn, row["id"], tx.now_ms)
    for user_id in dict.fromkeys((row["invitee_id"], row["inviter_id"])):
        tx.emit(
            LogEvent(
                type="invitation.updated",
                audience=Audience.USER,
                room_id=row["room_id"],
                space_id=row["space_id"],
                actor=actor,
                target_user_id=user_id,
                data={"invitation": invitation},
            )
        )
    return invitation


def _closed(reason: str) -> Conflict:
    return Conflict(
        f"this invitation's {reason} no longer exists",
        code="invitation_closed",
        details={"status": "gone"},
    )


def _join_txn(tx: Tx, ctx: Ctx, row: RowMapping) -> dict[str, Any]:
    """Join what the invitation opens: `{room}` with the membership, or `{space}`."""
    conn = tx.conn
    if row["kind"] == "room" and row["space_id"] is None:
        room = rooms_store.get_room(conn, row["room_id"])
        if room is None or room.deleted_at is not None:
            raise _closed("room")
        if rooms_store.member_role(conn, room.id, ctx.user_id) is None:
            if not room.allow_entry and room.access_mode != "private":
                raise Forbidden("this room is not accepting new members", code="entry_closed")
            rooms.join_txn(tx, ctx, room, "invite")
        return {"room": room.wire(), "member": rooms.member_of(conn, room.id, ctx.user_id)}
    space = spaces_store.get_space(conn, row["space_id"])
    if space is None:
        raise _closed("space")
    state = space_members.join_txn(tx, ctx, space, "invite")
    out: dict[str, Any] = {"space": state}
    if row["kind"] == "room":
        found = rooms_store.get_room(conn, row["room_id"])
        if found is not None and found.deleted_at is None:
            out["room"] = found.wire()
    return out


async def accept(core: Core, ctx: Ctx, invitation_id: int) -> dict[str, Any]:
    """The invitee joins; `{invitation, room?, member?, space?}`."""

    def job(tx: Tx) -> dict[str, Any]:
        row = store.get(tx.conn, invitation_id)
        if row is None or row["invitee_id"] != ctx.user_id:
            raise _not_found(invitation_id)
        row = _open_txn(tx, row, invitation_id)
        joined = _join_txn(tx, ctx, row)
        invitation = _close_txn(tx, row, "accepted", ctx.user.snapshot())
        return {"invitation": invitation, **joined}

    return await core.log.run(job)


async def decline(core: Core, ctx: Ctx, invitation_id: int) -> dict[str, Any]:
    def job(tx: Tx) -> dict[str, Any]:
        row = store.get(tx.conn, invitation_id)
        if row is None or row["invitee_id"] != ctx.user_id:
            raise _not_found(invitation_id)
        row = _open_txn(tx, row, invitation_id)
        return _close_txn(tx, row, "declined", ctx.user.snapshot())

    return await core.log.run(job)


def _may_revoke(conn: Connection, ctx: Ctx, row: RowMapping) -> bool:
    if row["inviter_id"] == ctx.user_id or ctx.user.is_moderator:
        return True
    try:
        if row["kind"] == "room":
            return room_access(conn, ctx.user, row["room_id"]).moderator
        return space_access(conn, ctx.user, row["space_id"]).can(Perm.MANAGE_SPACE)
    except NotFound:
        return False


async def revoke(core: Core, ctx: Ctx, invitation_id: int) -> dict[str, Any]:
    """The inviter, or a moderator of the room (space managers for a space), withdraws a
    pending invitation."""

    def job(tx: Tx) -> dict[str, Any]:
        row = store.get(tx.conn, invitation_id)
        if row is None:
            raise _not_found(invitation_id)
        if not _may_revoke(tx.conn, ctx, row):
            if row["invitee_id"] != ctx.user_id:
                raise _not_found(invitation_id)  # strangers cannot probe invitations
            raise Forbidden("decline an invitation addressed to you instead", code="not_inviter")
        row = _open_txn(tx, row, invitation_id)
        return _close_txn(tx, row, "revoked", ctx.user.snapshot())

    return await core.log.run(job)

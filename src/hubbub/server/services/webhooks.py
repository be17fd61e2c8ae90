"""Webhooks (WH-01, WH-02, D.47): per-room identities that post through a secret URL.

Each webhook is backed by a bot user (no login, no token of its own) that authors what is
posted through it; the message also carries `webhook {id, name, avatar_url}`, the identity
shown at posting time (the webhook's name and avatar, or the per-post override).

The secret token is random (256 bits) and stored as its sha256 only: never in a table,
never in the event log. It appears in the create response and in the creator's own copy
of `webhook.created` (D.47), which is sent live to the creator's sessions and not
persisted (no `seq`); the moderators' logged copy (audience MODS) has no token. A creator
who is also one of the room's moderators therefore receives `webhook.created` twice:
clients key webhooks by id, so the live copy only adds the token.

Executing a webhook needs no account: the token is the credential. A wrong token, or a
deleted webhook, answers 401 `invalid_webhook_token` alike, so the URL reveals nothing.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlsplit

import orjson
from sqlalchemy import Connection
from sqlalchemy.engine import RowMapping

from hubbub.errors import Forbidden, NotFound, Unauthorized, ValidationError, reject_nul
from hubbub.server.events import Audience, LogEvent
from hubbub.server.permissions import Perm
from hubbub.server.services import audit, messages
from hubbub.server.services.access import RoomAccess, room_access, room_not_found
from hubbub.server.services.auth import hash_token, token_matches
from hubbub.server.services.core import Core, Ctx
from hubbub.server.store import rooms as rooms_store
from hubbub.server.store import users as users_store
from hubbub.server.store import webhooks as store
from hubbub.server.store.log import Tx

MAX_NAME = 64
MAX_URL = 2048
# What a webhook may do in its room: post. Not moderate, not announce, not react.
DEFAULT_PERMISSIONS = int(Perm.VIEW | Perm.SEND)


def check_name(name: str, field: str = "name") -> str:
    reject_nul(name, field)
    name = name.strip()
    if not 1 <= len(name) <= MAX_NAME:
        raise ValidationError(
            f"{field} must be 1–{MAX_NAME} characters", code="invalid_webhook_name"
        )
    return name


def check_avatar_url(url: str) -> str:
    reject_nul(url, "avatar_url")
    parts = urlsplit(url)
    if len(url) > MAX_URL or parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError(
            f"avatar_url must be an http(s) URL of at most {MAX_URL} characters",
            code="invalid_avatar_url",
        )
    return url


def _not_found(webhook_id: int) -> NotFound:
    return NotFound(f"webhook {webhook_id} not found", code="webhook_not_found")


def _managed_txn(conn: Connection, ctx: Ctx, room_id: int) -> RoomAccess:
    access = room_access(conn, ctx.user, room_id)
    access.require(Perm.MANAGE_WEBHOOKS)
    return access


def _webhook_txn(conn: Connection, ctx: Ctx, webhook_id: int) -> tuple[RowMapping, RoomAccess]:
    """A webhook the caller manages; NotFound if they cannot see its room."""
    row = store.get_row(conn, webhook_id)
    if row is None:
        raise _not_found(webhook_id)
    try:
        access = _managed_txn(conn, ctx, row["room_id"])
    except NotFound:
        raise _not_found(webhook_id) from None
    return row, access


def _mods_event(type_: str, access: RoomAccess, ctx: Ctx, data: dict[str, Any]) -> LogEvent:
    return LogEvent(
        type=type_,
        audience=Audience.MODS,
        room_id=access.room.id,
        space_id=access.room.space_id,
        actor=ctx.user.snapshot(),
        data=data,
    )


# -- management -----------------------------------------------------------------------


async def create(
    core: Core, ctx: Ctx, room_id: int, name: str, avatar_url: str | None
) -> dict[str, Any]:
    """The new webhook with its `token` (the only time it is shown)."""
    name = check_name(name)
    if avatar_url is not None:
        check_avatar_url(avatar_url)
    token = secrets.token_urlsafe(32)

    def job(tx: Tx) -> tuple[dict[str, Any], int | None]:
        access = _managed_txn(tx.conn, ctx, room_id)
        bot = users_store.insert_user_txn(
            tx.conn,
            handle=f"webhook-{secrets.token_hex(8)}",
            display_name=name,
            password_hash=None,
            bot=True,
            owner_id=ctx.user_id,
            now_ms=tx.now_ms,
        )
        row = store.insert_txn(
            tx.conn,
            room_id=room_id,
            user_id=bot.id,
            name=name,
            avatar_url=avatar_url,
            creator_id=ctx.user_id,
            token_hash=hash_token(token),
            permissions=DEFAULT_PERMISSIONS,
            created_at=tx.now_ms,
        )
        webhook = store.webhook_wire(row)
        tx.emit(_mods_event("webhook.created", access, ctx, {"webhook": webhook}))
        audit.record_txn(
            tx,
            action="webhook.created",
            actor=ctx.user.snapshot(),
            room_id=room_id,
            space_id=access.room.space_id,
            target_type="webhook",
            target_id=webhook["id"],
            after=webhook,
        )
        # The room's space rides back for the live copy's envelope.
        return {**webhook, "token": token}, access.room.space_id

    created, space_id = await core.log.run(job)
    core.publish_ephemeral(
        LogEvent(
            type="webhook.created",
            audience=Audience.USER,
            room_id=room_id,
            space_id=space_id,
            actor=ctx.user.snapshot(),
            target_user_id=ctx.user_id,
            data={"room_id": room_id, "webhook": created},
        )
    )
    return created


async def list_room(core: Core, ctx: Ctx, room_id: int) -> list[dict[str, Any]]:
    def read(conn: Connection) -> list[dict[str, Any]]:
        _managed_txn(conn, ctx, room_id)
        return store.list_in_room(conn, room_id)

    return await core.db.read(read)


async def get(core: Core, ctx: Ctx, webhook_id: int) -> dict[str, Any]:
    def read(conn: Connection) -> dict[str, Any]:
        return store.webhook_wire(_webhook_txn(conn, ctx, webhook_id)[0])

    return await core.db.read(read)


async def update(core: Core, ctx: Ctx, webhook_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    """`fields` holds what the body gave: `name`, and `avatar_url` (None clears it)."""
    values: dict[str, Any] = {}
    if "name" in fields:
        if fields["name"] is None:
            raise ValidationError("a webhook needs a name", code="invalid_webhook_name")
        values["name"] = check_name(fields["name"])
    if "avatar_url" in fields:
        url = fields["avatar_url"]
        values["avatar_url"] = None if url is None else check_avatar_url(url)

    def job(tx: Tx) -> dict[str, Any]:
        row, access = _webhook_txn(tx.conn, ctx, webhook_id)
        before = store.webhook_wire(row)
        changed = {k: v for k, v in values.items() if row[k] != v}
        if not changed:
            return before
        store.update_txn(tx.conn, webhook_id, changed)
        after = {**before, **changed}
        cleared = [k for k, v in changed.items() if v is None]
        changes = {k: v for k, v in changed.items() if v is not None}
        tx.emit(
            _mods_event(
                "webhook.updated",
                access,
                ctx,
                {
                    "webhook_id": webhook_id,
                    "room_id": row["room_id"],
                    "changes": changes,
                    "cleared": cleared,
                },
            )
        )
        audit.record_txn(
            tx,
            action="webhook.updated",
            actor=ctx.user.snapshot(),
            room_id=row["room_id"],
            space_id=access.room.space_id,
            target_type="webhook",
            target_id=webhook_id,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
        return after

    return await core.log.run(job)


async def delete(core: Core, ctx: Ctx, webhook_id: int) -> None:
    """Soft delete: the row stays (messages point at it), the token stops working."""

    def job(tx: Tx) -> None:
        row, access = _webhook_txn(tx.conn, ctx, webhook_id)
        store.soft_delete_txn(tx.conn, webhook_id, tx.now_ms)
        tx.emit(
            _mods_event(
                "webhook.deleted",
                access,
                ctx,
                {"webhook_id": webhook_id, "room_id": row["room_id"]},
            )
        )
        audit.record_txn(
            tx,
            action="webhook.deleted",
            actor=ctx.user.snapshot(),
            room_id=row["room_id"],
            space_id=access.room.space_id,
            target_type="webhook",
            target_id=webhook_id,
            before=store.webhook_wire(row),
        )

    await core.log.run(job)


# -- execution ------------------------------------------------------------------------


def _invalid_token() -> Unauthorized:
    return Unauthorized("unknown webhook or wrong token", code="invalid_webhook_token")


def _authenticated(conn: Connection, webhook_id: int, token: str) -> RowMapping:
    row = store.get_row(conn, webhook_id)
    if not token_matches(row, token) or row is None:
        raise _invalid_token()
    return row


async def execute(
    core: Core,
    webhook_id: int,
    token: str,
    content: str,
    *,
    name: str | None = None,
    avatar_url: str | None = None,
    nonce: str | None = None,
) -> tuple[dict[str, Any], bool]:
    """Post `content` as the webhook: (message, created), like messages.send (a repeated
    nonce returns the first message). The send pipeline is the same one members use."""
    row = await core.db.read(lambda c: _authenticated(c, webhook_id, token))
    await core.rate_limiter.take(("webhook", webhook_id))
    shown_name = row["name"] if name is None else check_name(name)
    shown_avatar = row["avatar_url"] if avatar_url is None else check_avatar_url(avatar_url)
    bot = await core.db.read(lambda c: users_store.get_user(c, row["user_id"]))
    if bot is None:  # the backing user is created with the webhook and never deleted
        raise _invalid_token()

    def access(conn: Connection) -> RoomAccess:
        """Inside the send transaction: the webhook is still live, its room too."""
        live = _authenticated(conn, webhook_id, token)
        room = rooms_store.get_room(conn, live["room_id"])
        if room is None:
            raise room_not_found(live["room_id"])
        if not room.is_open:
            raise Forbidden("the room is closed", code="room_closed")
        return RoomAccess(room=room, role=None, level=None, perms=int(live["permissions"]))

    post = messages.WebhookPost(
        webhook_id=webhook_id,
        author_override=orjson.dumps({"name": shown_name, "avatar_url": shown_avatar}).decode(),
        access=access,
    )
    return await messages.send(
        core, Ctx(user=bot, session_id=0), row["room_id"], content, nonce=nonce, webhook=post
    )

"""Profiles (ID-01, ID-08, ID-09, ID-15): editing one's own profile and avatar, reading
anyone's profile and statistics, looking a user up by handle.

Every change is one `user.updated` {user_id, changes, cleared} to OBSERVERS (EVENTS.md
C.2 #12): `changes` holds the new values of changed fields under the user object's own
names (`display_name`, `handle`, `about`, `status_text`, `avatar_url`), `cleared` the
fields reset to their defaults (`about` → "", `status_text` and `avatar_url` → null). A
request that changes nothing logs nothing.

Reads follow merges (ID-12): a merged-away id answers with the surviving account, which
carries `merged_from` (the id asked for).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from hubbub.errors import (
    Conflict,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationError,
    reject_nul,
)
from hubbub.server.clock import iso_ms
from hubbub.server.events import Audience, LogEvent
from hubbub.server.services import auth, observers
from hubbub.server.services.attachments import storage_of
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.emojis import sniff
from hubbub.server.services.system_users import refuse_system
from hubbub.server.services.tokencache import USER_CHANGED
from hubbub.server.storage import new_key
from hubbub.server.store import profiles as store
from hubbub.server.store import users as users_store
from hubbub.server.store.log import Tx
from hubbub.server.store.users import UserRow

MAX_ABOUT = 2000
MAX_STATUS = 128
EDITABLE = ("display_name", "about", "status_text", "handle")
# An avatar this server stores: /api/v1/users/{id}/avatar/{storage key}.
_AVATAR = re.compile(r"^/api/v1/users/(-?\d+)/avatar/([0-9a-f]{32})$")


def not_found(user_id: int | str) -> NotFound:
    return NotFound(f"user {user_id} not found", code="user_not_found")


# -- reads ----------------------------------------------------------------------------


def _resolved(conn: Connection, user_id: int) -> tuple[UserRow, int | None]:
    found = store.resolve(conn, user_id)
    if found is None:
        raise not_found(user_id)
    return found


def profile_wire(user: UserRow, merged_from: int | None) -> dict[str, Any]:
    out = user.wire()
    if merged_from is not None:
        out["merged_from"] = merged_from
    return out


async def get(core: Core, user_id: int) -> dict[str, Any]:
    """The full profile, following merges."""
    user, merged_from = await core.db.read(lambda c: _resolved(c, user_id))
    return profile_wire(user, merged_from)


async def find_by_handle(core: Core, handle: str) -> dict[str, Any]:
    """The user answering to `handle` (case-insensitive), following merges."""
    if not handle or len(handle) > 64:
        raise not_found(handle[:64])

    def read(conn: Connection) -> tuple[UserRow, int | None]:
        row = users_store.get_user_by_handle(conn, handle)
        if row is None:
            raise not_found(handle)
        return _resolved(conn, row.id)

    user, merged_from = await core.db.read(read)
    return profile_wire(user, merged_from)


async def stats(core: Core, ctx: Ctx, user_id: int) -> dict[str, Any]:
    """ID-09. `room_count` is the number of live rooms the user is a member of, DMs and
    groups left out, the same for every viewer (a count reveals no room).
    `last_seen_at` is hidden from others while the user is invisible."""

    def read(conn: Connection) -> dict[str, Any]:
        user, merged_from = _resolved(conn, user_id)
        hidden = user.presence == "invisible" and user.id != ctx.user_id
        seen = None if hidden or user.last_seen_at is None else iso_ms(user.last_seen_at)
        out: dict[str, Any] = {
            "user_id": user.id,
            "message_count": store.message_count(conn, user.id),
            "room_count": store.room_count(conn, user.id),
            "last_seen_at": seen,
            "reputation": user.reputation,
        }
        if merged_from is not None:
            out["merged_from"] = merged_from
        return out

    return await core.db.read(read)


# -- edits ----------------------------------------------------------------------------


def _text(field: str, value: Any, limit: int) -> str:
    if not isinstance(value, str):
        raise ValidationError(f"{field} must be a string", code=f"invalid_{field}")
    text = reject_nul(value, field)
    if len(text) > limit:
        raise ValidationError(
            f"{field} is at most {limit} characters",
            code=f"{field}_too_long",
            details={"limit": limit, "length": len(text)},
        )
    return text


def clean(fields: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """(values to set, fields to clear) from a PATCH body (only the keys it sent)."""
    values: dict[str, Any] = {}
    cleared: list[str] = []
    unknown = sorted(set(fields) - set(EDITABLE))
    if unknown:
        raise ValidationError(
            f"unknown profile fields: {', '.join(unknown)}",
            code="unknown_field",
            details={"fields": unknown},
        )
    if "display_name" in fields:
        name = fields["display_name"]
        if not isinstance(name, str):
            raise ValidationError(
                "display_name must be 1–64 characters", code="invalid_display_name"
            )
        values["display_name"] = auth._check_display_name(name)
    if "handle" in fields:
        handle = fields["handle"]
        if not isinstance(handle, str):
            raise ValidationError("handle must be a string", code="invalid_username")
        auth.check_handle(handle)
        values["handle"] = handle
    if "about" in fields:
        about = fields["about"]
        if about is None or about == "":
            cleared.append("about")
        else:
            values["about"] = _text("about", about, MAX_ABOUT)
    if "status_text" in fields:
        status = fields["status_text"]
        status = None if status is None else _text("status_text", status, MAX_STATUS).strip()
        if not status:
            cleared.append("status_text")
        else:
            values["status_text"] = status
    return values, cleared


_DEFAULTS: dict[str, Any] = {"about": "", "status_text": None, "avatar_url": None}


def editable_user_txn(conn: Connection, user_id: int) -> UserRow:
    """The caller's own row, fresh, when it may still be edited."""
    refuse_system(user_id, "edited")
    user = users_store.get_user(conn, user_id)
    if user is None or user.deleted_at is not None or user.merged_into is not None:
        raise Forbidden("this account is closed", code="account_closed")
    return user


def apply_txn(
    tx: Tx, user: UserRow, values: dict[str, Any], cleared: list[str]
) -> tuple[UserRow, LogEvent | None]:
    """Write what differs from `user`; the fresh row and the `user.updated` it emitted
    (None when nothing changed)."""
    changes = {k: v for k, v in values.items() if getattr(user, k) != v}
    resets = [k for k in cleared if getattr(user, k) != _DEFAULTS[k]]
    if "handle" in changes:
        other = users_store.get_user_by_handle(tx.conn, changes["handle"])
        if other is not None and other.id != user.id:
            raise Conflict(f"username {changes['handle']!r} is taken", code="username_taken")
    if not changes and not resets:
        return user, None
    store.update_user_txn(tx.conn, user.id, {**changes, **{k: _DEFAULTS[k] for k in resets}})
    fresh = users_store.get_user(tx.conn, user.id)
    assert fresh is not None
    data = {"user_id": user.id, "changes": changes, "cleared": resets}
    event = observers.event_txn(tx.conn, "user.updated", user.id, fresh.snapshot(), data)
    tx.emit(event)
    return fresh, event


def _changed(core: Core, user_id: int) -> None:
    """Every node forgets its cached copies of the user (services.tokencache)."""
    core.publish_ephemeral(
        LogEvent(type=USER_CHANGED, audience=Audience.USER, data={"user_id": user_id})
    )


async def edit(core: Core, ctx: Ctx, fields: dict[str, Any]) -> dict[str, Any]:
    """PATCH /users/me: display_name, handle (a rename), about, status_text."""
    values, cleared = clean(fields)

    def job(tx: Tx) -> tuple[UserRow, LogEvent | None]:
        user = editable_user_txn(tx.conn, ctx.user_id)
        return apply_txn(tx, user, values, cleared)

    try:
        user, event = await core.log.run(job)
    except IntegrityError as exc:  # two renames racing for one handle
        raise Conflict("that username is taken", code="username_taken") from exc
    if event is not None:
        _changed(core, user.id)
    return user.wire()


# -- avatars --------------------------------------------------------------------------


def avatar_url(user_id: int, key: str) -> str:
    return f"/api/v1/users/{user_id}/avatar/{key}"


def own_avatar_key(url: str | None, user_id: int) -> str | None:
    """The storage key of an avatar this server stored for `user_id`, else None."""
    match = _AVATAR.match(url or "")
    if match is None or int(match.group(1)) != user_id:
        return None
    return match.group(2)


def check_avatar(core: Core, data: bytes) -> str:
    limit = core.settings.max_avatar_bytes
    if len(data) > limit:
        raise PayloadTooLarge(
            f"an avatar is at most {limit} bytes",
            code="avatar_too_large",
            details={"limit": limit, "size": len(data)},
        )
    if not data:
        raise ValidationError("the file is empty", code="file_empty")
    try:
        return sniff(data)[0]
    except UnsupportedMediaType:
        raise UnsupportedMediaType(
            "an avatar must be a PNG, GIF, WebP or JPEG image", code="unsupported_avatar_type"
        ) from None


async def drop_file(core: Core, key: str | None) -> None:
    if key is not None:
        with contextlib.suppress(OSError):
            await asyncio.to_thread(storage_of(core).delete, key)


async def set_avatar(core: Core, ctx: Ctx, data: bytes) -> dict[str, Any]:
    """Store a new avatar (type sniffed from the bytes) at a fresh URL; the old image is
    deleted after the commit."""
    check_avatar(core, data)
    await core.db.read(lambda c: editable_user_txn(c, ctx.user_id))  # before storing bytes
    storage = storage_of(core)
    key = new_key()
    await asyncio.to_thread(storage.put, key, io.BytesIO(data))
    url = avatar_url(ctx.user_id, key)

    def job(tx: Tx) -> tuple[UserRow, str | None]:
        user = editable_user_txn(tx.conn, ctx.user_id)
        fresh, _ = apply_txn(tx, user, {"avatar_url": url}, [])
        return fresh, own_avatar_key(user.avatar_url, user.id)

    try:
        user, old_key = await core.log.run(job)
    except BaseException:
        await drop_file(core, key)
        raise
    _changed(core, user.id)
    await drop_file(core, old_key)
    return user.wire()


async def clear_avatar(core: Core, ctx: Ctx) -> dict[str, Any]:
    def job(tx: Tx) -> tuple[UserRow, str | None, bool]:
        user = editable_user_txn(tx.conn, ctx.user_id)
        fresh, event = apply_txn(tx, user, {}, ["avatar_url"])
        return fresh, own_avatar_key(user.avatar_url, user.id), event is not None

    user, old_key, changed = await core.log.run(job)
    if changed:
        _changed(core, user.id)
        await drop_file(core, old_key)
    return user.wire()


@dataclass(frozen=True, slots=True)
class Image:
    content_type: str
    data: bytes


async def avatar_image(core: Core, user_id: int, key: str) -> Image:
    """The bytes of a user's current avatar, for anyone (pages embed it)."""
    user = await core.db.read(lambda c: users_store.get_user(c, user_id))
    if user is None or own_avatar_key(user.avatar_url, user_id) != key:
        raise NotFound("no such avatar", code="avatar_not_found")
    limit = core.settings.max_avatar_bytes

    def load() -> bytes:
        with storage_of(core).open(key) as f:
            return f.read(limit + 1)

    try:
        data = await asyncio.to_thread(load)
    except FileNotFoundError:
        raise NotFound("no such avatar", code="avatar_not_found") from None
    return Image(sniff(data)[0], data)

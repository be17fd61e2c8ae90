"""The audit log (MD-17, D.3): every room and space setting change and every permission,
membership or moderation change writes an entry in the same transaction, and logs
`audit.entry.created` to the moderators of that room or space (audience MODS)."""

from __future__ import annotations

import re
from typing import Any, Literal

from sqlalchemy import Connection

from hubbub.errors import Forbidden, ValidationError
from hubbub.server.events import Audience, LogEvent
from hubbub.server.permissions import Perm
from hubbub.server.services.access import room_access, space_access
from hubbub.server.services.core import Core, Ctx
from hubbub.server.store import audit as store
from hubbub.server.store.audit import AuditFilter
from hubbub.server.store.log import Tx

MAX_PAGE = 100
DEFAULT_PAGE = 50
# A dotted action name (`role.updated`), or a prefix of one ending in "." (`space.member.`).
_ACTION = re.compile(r"[a-z0-9_]+(\.[a-z0-9_]+)*\.?")


def record_txn(
    tx: Tx,
    *,
    action: str,
    actor: dict[str, Any] | None,
    room_id: int | None = None,
    space_id: int | None = None,
    target_type: str | None = None,
    target_id: int | None = None,
    before: Any = None,
    after: Any = None,
    reason: str | None = None,
) -> dict[str, Any]:
    """Write one entry. Scope is the room when there is one, else the space, else (an
    action on a user that belongs to no room or space: a suspension, a reputation change)
    the target user, announced to staff alone. `action` is a dotted name such as
    `room.updated`, `role.assigned`, `space.member.banned`."""
    if room_id is not None:
        scope, scope_id = "room", room_id
    elif space_id is not None:
        scope, scope_id = "space", space_id
    else:
        assert target_type == "user" and target_id is not None, "an entry needs a scope"
        scope, scope_id = "user", target_id
    entry = store.insert_txn(
        tx.conn,
        scope=scope,
        scope_id=scope_id,
        space_id=space_id,
        room_id=room_id,
        action=action,
        actor_id=None if actor is None else actor["id"],
        target_type=target_type,
        target_id=target_id,
        before=before,
        after=after,
        reason=reason,
        created_at=tx.now_ms,
    )
    tx.emit(
        LogEvent(
            type="audit.entry.created",
            audience=Audience.MODS,
            room_id=room_id,
            space_id=space_id,
            actor=actor,
            data={"entry": entry},
        )
    )
    return entry


def _not_moderator(where: str) -> Forbidden:
    return Forbidden(f"only the {where}'s moderators can read its audit log", code="not_moderator")


def _checked(f: AuditFilter, limit: int) -> None:
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationError(f"limit must be 1–{MAX_PAGE}", code="invalid_limit")
    if f.action is not None and (len(f.action) > 48 or not _ACTION.fullmatch(f.action)):
        raise ValidationError(
            "action must be an action name such as `role.updated`, or a prefix ending in `.`",
            code="invalid_action_filter",
        )


async def list_entries(
    core: Core,
    ctx: Ctx,
    scope: Literal["room", "space", "user"],
    scope_id: int,
    f: AuditFilter,
    limit: int = DEFAULT_PAGE,
) -> tuple[list[dict[str, Any]], bool]:
    """One page of a room's or a space's audit log, newest first (page back with
    `f.before`), and whether older entries remain. A space's log includes its rooms'.

    Readers: room moderators (owners, moderators, space members with a manage bit,
    global staff); in a space, holders of `moderate` or `manage_space` and the owner; a
    user's own log (suspensions, reputation, reports on them): global staff.
    Someone who cannot see the room or space at all gets NotFound, as everywhere."""
    _checked(f, limit)

    def read(conn: Connection) -> tuple[list[dict[str, Any]], bool]:
        if scope == "user":
            if not ctx.user.is_moderator:
                raise Forbidden("only staff can read a user's audit log", code="not_staff")
            return store.user_entries(conn, scope_id, f, limit)
        if scope == "room":
            if not room_access(conn, ctx.user, scope_id).moderator:
                raise _not_moderator("room")
            return store.room_entries(conn, scope_id, f, limit)
        access = space_access(conn, ctx.user, scope_id)
        if not (access.owner or access.can(Perm.MODERATE) or access.can(Perm.MANAGE_SPACE)):
            raise _not_moderator("space")
        return store.space_entries(conn, scope_id, f, limit)

    return await core.db.read(read)

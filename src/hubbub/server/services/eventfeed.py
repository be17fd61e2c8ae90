"""Reading the log as one user sees it: gateway resume and the long-poll endpoint."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from hubbub.errors import CursorExpired, InvalidCursor
from hubbub.server.events import LogEvent
from hubbub.server.permissions import is_moderation, space_permissions
from hubbub.server.services import anonymous
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.visibility import MODERATOR_ROLES, TARGETED_SCOPE_TYPES, Scope, scope_at
from hubbub.server.store import eventlog
from hubbub.server.store import spaces as spaces_store
from hubbub.server.store.rooms import scope_rows
from hubbub.server.store.users import UserRow

MAX_LIMIT = 1000


def parse_cursor(cursor: str | None) -> int | None:
    """None means "from now on". Anything else must be the decimal string of a seq."""
    if cursor is None or cursor == "":
        return None
    if not cursor.isascii() or not cursor.isdigit() or len(cursor) > 19:
        raise InvalidCursor(f"cursor {cursor[:40]!r} is not a valid cursor")
    return int(cursor)


@dataclass(slots=True)
class Page:
    events: list[LogEvent]
    cursor: int  # every event up to here has been considered for this user
    more: bool
    scope: Scope


def current_scope(conn: Connection, user: UserRow, trusted_from: int) -> Scope:
    """The user's scope now, from the store (see services.visibility)."""
    rows = scope_rows(conn, user.id)
    mod_spaces = set()
    spaces = spaces_store.space_ids_of(conn, user.id)
    for space_id in spaces:
        space = spaces_store.get_space(conn, space_id)
        if space is None:
            continue
        bits = space_permissions(user.id, False, spaces_store.facts(conn, space, user.id))
        if is_moderation(bits):
            mod_spaces.add(space_id)
    return Scope(
        user_id=user.id,
        rooms={room: space for room, space, _role in rows},
        spaces=spaces,
        mod_rooms={room for room, _space, role in rows if role in MODERATOR_ROLES},
        mod_spaces=mod_spaces,
        staff=user.is_moderator,
        trusted=user.reputation >= trusted_from,
    )


async def read(core: Core, ctx: Ctx, cursor: int | None, limit: int) -> Page:
    """The user's events after `cursor` (at most `limit` scanned), and the cursor to follow."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidCursor(f"limit must be 1–{MAX_LIMIT}", code="invalid_limit")
    if anonymous.is_anonymous(ctx):
        return await core.db.read(lambda conn: _read_anonymous(conn, ctx, cursor, limit))
    trusted_from = core.settings.flag_review_min_reputation
    return await core.db.read(lambda conn: _read(conn, ctx.user, cursor, limit, trusted_from))


def _check_cursor(conn: Connection, cursor: int, upto: int) -> None:
    if cursor > upto:
        # Only possible if the log was reset (a restored backup, a new database): the
        # client's state is from another history, so it must re-sync like an expired one.
        raise CursorExpired(
            "cursor is ahead of the event log (was the database reset?); re-sync from state",
            code="cursor_ahead",
            details={"cursor": str(cursor), "head": str(upto)},
        )
    if cursor < eventlog.pruned_through(conn):
        raise CursorExpired(
            "cursor is older than the retained event log; re-sync from state",
            details={"cursor": str(cursor)},
        )


def _read_anonymous(conn: Connection, ctx: Ctx, cursor: int | None, limit: int) -> Page:
    """An anonymous reader's page: its followed public rooms' events (services.anonymous).
    The scope is today's: a room made public later shows its events since the cursor."""
    upto = eventlog.head(conn)
    scope = anonymous.scope_of(conn, ctx)
    if cursor is None:
        return Page([], upto, False, scope)
    _check_cursor(conn, cursor, upto)
    scanned = anonymous.candidates(conn, scope, cursor, upto, limit)
    shown = [ev for ev in scanned if scope.admit(ev)]
    more = len(scanned) == limit
    last = scanned[-1].seq if more and scanned[-1].seq is not None else upto
    return Page(shown, last, more, scope)


def _read(
    conn: Connection, user: UserRow, cursor: int | None, limit: int, trusted_from: int
) -> Page:
    upto = eventlog.head(conn)
    current = current_scope(conn, user, trusted_from)
    if cursor is None:
        return Page([], upto, False, current)
    _check_cursor(conn, cursor, upto)
    changes = eventlog.scope_events_since(conn, user.id, cursor, TARGETED_SCOPE_TYPES)
    then = scope_at(current, changes)
    touched_rooms = {ev.room_id for ev in changes if ev.room_id is not None}
    touched_spaces = {ev.space_id for ev in changes if ev.space_id is not None}
    for ev in changes:  # a joined space's rooms arrive inside its space.created
        touched_rooms.update(int(r["id"]) for r in ev.payload.get("rooms", ()))
    scanned = eventlog.candidates(
        conn,
        user_id=user.id,
        rooms=set(current.rooms) | set(then.rooms) | touched_rooms,
        spaces=current.spaces | then.spaces | touched_spaces,
        cursor=cursor,
        upto=upto,
        limit=limit,
        staff=user.is_moderator,
    )
    shown = [ev for ev in scanned if then.admit(ev)]
    more = len(scanned) == limit
    last = scanned[-1].seq if more and scanned[-1].seq is not None else upto
    return Page(shown, last, more, then)

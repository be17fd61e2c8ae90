"""Reading the log as one user sees it: gateway resume and the long-poll endpoint."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from hubbub.errors import CursorExpired, InvalidCursor
from hubbub.server.events import LogEvent
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.visibility import Membership, membership_at
from hubbub.server.store import eventlog
from hubbub.server.store.rooms import room_ids_of

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
    membership: Membership


async def read(core: Core, ctx: Ctx, cursor: int | None, limit: int) -> Page:
    """The user's events after `cursor` (at most `limit` scanned), and the cursor to follow."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidCursor(f"limit must be 1–{MAX_LIMIT}", code="invalid_limit")
    return await core.db.read(lambda conn: _read(conn, ctx.user_id, cursor, limit))


def _read(conn: Connection, user_id: int, cursor: int | None, limit: int) -> Page:
    upto = eventlog.head(conn)
    current = room_ids_of(conn, user_id)
    if cursor is None:
        return Page([], upto, False, Membership(user_id, current))
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
    changes = eventlog.membership_events_since(conn, user_id, cursor)
    rooms_then = membership_at(current, changes)
    scanned = eventlog.candidates(
        conn,
        user_id=user_id,
        rooms=current | rooms_then | {room for _s, _t, room in changes},
        cursor=cursor,
        upto=upto,
        limit=limit,
    )
    membership = Membership(user_id, rooms_then)
    shown = [ev for ev in scanned if membership.admit(ev)]
    more = len(scanned) == limit
    last = scanned[-1].seq if more and scanned[-1].seq is not None else upto
    return Page(shown, last, more, membership)

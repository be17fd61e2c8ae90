"""Subscribing a connection to a room (#39 `room.subscribed`; S2 on_joined_room, S3
onChatStart, S4 Room.join()): join it if need be, then the state a chat view starts from.

A user receives the events of every room they are a member of whether or not they
subscribe, so subscribing adds nothing to the live stream: it is "join if I am not in
it, and give me the room, my membership and its newest messages in one answer".
Joining goes through `rooms.join`, the one way into a standalone room, so its rules
(private rooms, closed entry, bans) and its logged `room.member.joined` are the usual.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from hubbub.errors import NotFound, ValidationError
from hubbub.server.services import rooms
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.messages import MAX_PAGE
from hubbub.server.store import eventlog
from hubbub.server.store import messages as messages_store

__all__ = ["DEFAULT_LIMIT", "subscribe"]

DEFAULT_LIMIT = 50


async def subscribe(
    core: Core, ctx: Ctx, room_id: int, limit: int = DEFAULT_LIMIT
) -> dict[str, Any]:
    """The `room.subscribed` payload: `room, member, cursor, previous_cursor, events,
    has_more, joined`. NotFound for a room the caller cannot see, Forbidden when they may
    not join it (banned, entry closed, …), ValidationError for a bad `limit`."""
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationError(f"limit must be 1–{MAX_PAGE}", code="invalid_limit")
    is_member = await core.db.read(lambda conn: rooms.room_role(conn, ctx, room_id).member)
    joined = False
    if not is_member:
        await rooms.join(core, ctx, room_id)
        joined = True
    return {
        **await core.db.read(lambda conn: _snapshot(conn, ctx, room_id, limit)),
        "joined": joined,
    }


def _snapshot(conn: Connection, ctx: Ctx, room_id: int, limit: int) -> dict[str, Any]:
    # One read: the page and the cursor describe the same moment.
    room, access = rooms.visible_room(conn, ctx, room_id)
    head = eventlog.head(conn)
    try:
        member: dict[str, Any] | None = rooms.member_of(conn, room_id, ctx.user_id)
    except NotFound:  # left again between the join and this read
        member = None
    page, more_before, _ = messages_store.page(
        conn,
        room_id,
        before=None,
        after=None,
        limit=limit,
        viewer_id=ctx.user_id,
        moderator=access.moderator,
    )
    return {
        "room": room.wire(),
        "member": member,
        "cursor": str(head),
        "previous_cursor": str(page[0]["id"]) if page and more_before else None,
        "events": page,
        "has_more": more_before,
    }

"""Stars (RX-04, RX-05; D.13, D.107, D.109): members star others' messages; the count is
broadcast anonymously; owners and moderators clear all stars; a room's starboard.

The anonymous broadcast is two logged events in one transaction: the room copy
(audience ROOM_BUT_TARGET: every member except the starrer, no actor, no `by_you`) and
the starrer's copy (audience USER, `by_you` true or false). Each session therefore sees
exactly one `message.stars.updated` per change, live and on resume alike, and nothing on
the wire names the starrer to anyone else.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from hubbub.errors import Forbidden, ValidationError
from hubbub.server.events import Audience, room_event
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.reactions import reactable_txn, viewed
from hubbub.server.services.rooms import is_moderator, room_role
from hubbub.server.store import boards
from hubbub.server.store import stars as store
from hubbub.server.store.log import Tx

MAX_STARBOARD = 100
EVENT = "message.stars.updated"


async def star(core: Core, ctx: Ctx, message_id: int, on: bool) -> dict[str, Any]:
    """Star (`on`) or unstar; repeating either changes nothing and emits nothing."""
    await core.rate_limiter.take(("star", ctx.user_id), "stars")

    def job(tx: Tx) -> dict[str, Any]:
        row, _role = reactable_txn(tx.conn, ctx, message_id)
        if row["author_id"] == ctx.user_id:
            raise Forbidden("you cannot star your own message", code="cannot_star_own_message")
        starred = store.is_starred(tx.conn, message_id, ctx.user_id)
        if on and not starred:
            store.star_txn(tx.conn, message_id, ctx.user_id, tx.now_ms)
        elif not on and starred:
            store.unstar_txn(tx.conn, message_id, ctx.user_id)
        else:
            return viewed(tx.conn, ctx, message_id)
        data = {"message_id": message_id, "stars": store.count(tx.conn, message_id)}
        room_id = row["room_id"]
        tx.emit(
            room_event(
                EVENT,
                room_id,
                None,
                {**data, "cleared": False},
                audience=Audience.ROOM_BUT_TARGET,
                target_user_id=ctx.user_id,
            )
        )
        tx.emit(
            room_event(
                EVENT,
                room_id,
                None,
                {**data, "cleared": False, "by_you": on},
                audience=Audience.USER,
                target_user_id=ctx.user_id,
            )
        )
        return viewed(tx.conn, ctx, message_id)

    return await core.log.run(job)


async def clear(core: Core, ctx: Ctx, message_id: int) -> dict[str, Any]:
    """Owners and moderators cancel every star (D.107): `{stars: 0, cleared: true}`."""

    def job(tx: Tx) -> dict[str, Any]:
        row, role = reactable_txn(tx.conn, ctx, message_id)
        if not is_moderator(role):
            raise Forbidden(
                "only the room's owners and moderators can clear stars", code="not_moderator"
            )
        if store.clear_txn(tx.conn, message_id):
            # Still no actor: who cleared is not who starred, but the event keeps one shape.
            data = {"message_id": message_id, "stars": 0, "cleared": True}
            tx.emit(room_event(EVENT, row["room_id"], None, data))
        return viewed(tx.conn, ctx, message_id)

    return await core.log.run(job)


async def starboard(core: Core, ctx: Ctx, room_id: int, limit: int) -> list[dict[str, Any]]:
    """The room's most-starred messages (most stars first, ties newest first)."""
    if not 1 <= limit <= MAX_STARBOARD:
        raise ValidationError(f"limit must be 1–{MAX_STARBOARD}", code="invalid_limit")

    def read(conn: Connection) -> list[dict[str, Any]]:
        room_role(conn, ctx, room_id)
        return boards.messages_by_ids(conn, boards.starboard_ids(conn, room_id, limit), ctx.user_id)

    return await core.db.read(read)

"""Profanity word lists (MD-06, D.84): the server-wide list (staff) and each room's own
(its owners and moderators), added to the bundled English list (services.profanity).
Replacing a list writes an audit entry; the server-wide one in the server scope (room 0).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from hubbub.server.services import audit, profanity
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.rooms import moderated_room_txn
from hubbub.server.services.shadowbans import require_staff
from hubbub.server.store import moderation as store
from hubbub.server.store.log import Tx

# The server-wide list is audited under room 0: it belongs to no room, space or user.
SERVER_SCOPE = 0


async def get_room_list(core: Core, ctx: Ctx, room_id: int) -> dict[str, Any]:
    """`{room_id, words}`: the room's own words (not the bundled or server ones)."""

    def read(conn: Connection) -> dict[str, Any]:
        moderated_room_txn(conn, ctx, room_id)
        return {"room_id": room_id, "words": store.words(conn, room_id)}

    result: dict[str, Any] = await core.db.read(read)
    return result


def _replace_txn(
    tx: Tx, ctx: Ctx, list_id: int, space_id: int | None, words: list[str]
) -> dict[str, Any]:
    before = store.words(tx.conn, list_id)
    store.set_words_txn(tx.conn, list_id, words, tx.now_ms)
    audit.record_txn(
        tx,
        action="word_list.updated",
        actor=ctx.user.snapshot(),
        room_id=list_id,
        space_id=space_id,
        target_type="room" if list_id != SERVER_SCOPE else None,
        target_id=list_id if list_id != SERVER_SCOPE else None,
        before={"words": before},
        after={"words": words},
    )
    return {"room_id": list_id, "words": words}


async def set_room_list(core: Core, ctx: Ctx, room_id: int, words: Any) -> dict[str, Any]:
    """Replace the room's own words (owners and moderators). `{room_id, words}`."""
    cleaned = profanity.clean_list(words)

    def job(tx: Tx) -> dict[str, Any]:
        room = moderated_room_txn(tx.conn, ctx, room_id).room
        return _replace_txn(tx, ctx, room_id, room.space_id, cleaned)

    result: dict[str, Any] = await core.log.run(job)
    return result


async def get_server_list(core: Core, ctx: Ctx) -> dict[str, Any]:
    """`{words}`: the server-wide words added to the bundled list (staff)."""
    require_staff(ctx, "read the server's word list")
    words = await core.db.read(lambda c: store.words(c, store.SERVER_LIST))
    return {"words": words}


async def set_server_list(core: Core, ctx: Ctx, words: Any) -> dict[str, Any]:
    """Replace the server-wide words (staff). `{words}`."""
    require_staff(ctx, "edit the server's word list")
    cleaned = profanity.clean_list(words)

    def job(tx: Tx) -> dict[str, Any]:
        _replace_txn(tx, ctx, store.SERVER_LIST, None, cleaned)
        return {"words": cleaned}

    result: dict[str, Any] = await core.log.run(job)
    return result

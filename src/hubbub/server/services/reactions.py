"""Reactions (RX-01…RX-03): members add and remove their own emoji reactions; room
moderators clear one emoji or all (D.46). Aggregates live on the message object.

Every change to a message's reactions, stars or pin starts from `reactable_txn`: the
message must be visible, the caller a member of its room (readers of a public room
cannot react, D.14), and the message not deleted (409: a tombstone has nothing to react
to, and the state would be invisible).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import RowMapping

from hubbub.errors import Conflict, Forbidden, NotFound
from hubbub.server.events import room_event
from hubbub.server.permissions import Perm
from hubbub.server.services import emojis
from hubbub.server.services.access import RoomAccess
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.emoji import normalize
from hubbub.server.services.rooms import is_moderator, room_role
from hubbub.server.store import messages as messages_store
from hubbub.server.store import reactions as store
from hubbub.server.store.log import Tx

# Distinct emojis on one message (Discord's limit): a reaction bar, not a second chat.
MAX_EMOJIS_PER_MESSAGE = 20


def message_txn(conn: Connection, ctx: Ctx, message_id: int) -> tuple[RowMapping, RoomAccess]:
    """The message and the caller's role in its room; NotFound if they cannot see it."""
    row = messages_store.get_message_row(conn, message_id)
    if row is None:
        raise NotFound(f"message {message_id} not found", code="message_not_found")
    try:
        role = room_role(conn, ctx, row["room_id"])
    except NotFound:
        raise NotFound(f"message {message_id} not found", code="message_not_found") from None
    return row, role


def reactable_txn(conn: Connection, ctx: Ctx, message_id: int) -> tuple[RowMapping, RoomAccess]:
    row, role = message_txn(conn, ctx, message_id)
    role.require_member()
    role.require(Perm.REACT)
    if row["deleted"]:
        raise Conflict("the message was deleted", code="message_deleted")
    return row, role


def viewed(conn: Connection, ctx: Ctx, message_id: int) -> dict[str, Any]:
    """The message as the caller sees it now (their `me` / `starred_by_you`)."""
    message = messages_store.get_message(conn, message_id, ctx.user_id)
    assert message is not None
    return message


def _key(emoji: str) -> str:
    """A Unicode emoji's canonical key, or a custom emoji's decimal id (D.34). Removing
    takes any id: a reaction outlives its emoji's deletion."""
    return emoji if emojis.is_custom_key(emoji) else normalize(emoji)


async def _rate(core: Core, ctx: Ctx) -> None:
    await core.rate_limiter.take(("reaction", ctx.user_id), "reactions")


async def add(core: Core, ctx: Ctx, message_id: int, emoji: str) -> dict[str, Any]:
    """Add the caller's reaction; adding it again changes nothing (no second event)."""
    key = _key(emoji)
    await _rate(core, ctx)

    def job(tx: Tx) -> dict[str, Any]:
        row, role = reactable_txn(tx.conn, ctx, message_id)
        if emojis.is_custom_key(key):
            emojis.check_usable_txn(tx.conn, ctx.user_id, role.room, int(key))
        if not store.has_reaction(tx.conn, message_id, key, ctx.user_id):
            if store.emoji_count(tx.conn, message_id, key) == 0 and (
                store.distinct_emojis(tx.conn, message_id) >= MAX_EMOJIS_PER_MESSAGE
            ):
                raise Conflict(
                    f"a message can have at most {MAX_EMOJIS_PER_MESSAGE} different reactions",
                    code="too_many_reactions",
                    details={"limit": MAX_EMOJIS_PER_MESSAGE},
                )
            store.add_reaction_txn(tx.conn, message_id, key, ctx.user_id, tx.now_ms)
            _emit(tx, ctx, row, "message.reaction.added", key)
        return viewed(tx.conn, ctx, message_id)

    return await core.log.run(job)


async def remove(core: Core, ctx: Ctx, message_id: int, emoji: str) -> dict[str, Any]:
    """Remove the caller's own reaction; removing one that is not there changes nothing."""
    key = _key(emoji)

    def job(tx: Tx) -> dict[str, Any]:
        row, _role = reactable_txn(tx.conn, ctx, message_id)
        if store.remove_reaction_txn(tx.conn, message_id, key, ctx.user_id):
            _emit(tx, ctx, row, "message.reaction.removed", key)
        return viewed(tx.conn, ctx, message_id)

    return await core.log.run(job)


async def clear(core: Core, ctx: Ctx, message_id: int, emoji: str | None) -> dict[str, Any]:
    """Moderators remove every reaction of one emoji (or, with None, all of them)."""
    key = None if emoji is None else _key(emoji)

    def job(tx: Tx) -> dict[str, Any]:
        row, role = reactable_txn(tx.conn, ctx, message_id)
        if not is_moderator(role):
            raise Forbidden(
                "only the room's owners and moderators can clear reactions", code="not_moderator"
            )
        if store.clear_reactions_txn(tx.conn, message_id, key):
            tx.emit(
                room_event(
                    "message.reaction.cleared",
                    row["room_id"],
                    ctx.user.snapshot(),
                    {"message_id": message_id, "emoji": key, "actor_id": ctx.user_id},
                )
            )
        return viewed(tx.conn, ctx, message_id)

    return await core.log.run(job)


def _emit(tx: Tx, ctx: Ctx, row: RowMapping, type_: str, key: str) -> None:
    tx.emit(
        room_event(
            type_,
            row["room_id"],
            ctx.user.snapshot(),
            {
                "message_id": row["id"],
                "user_id": ctx.user_id,
                "emoji": key,
                "count": store.emoji_count(tx.conn, row["id"], key),
            },
        )
    )

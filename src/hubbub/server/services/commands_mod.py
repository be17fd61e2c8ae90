"""The moderator commands of D.78: /ban, /kick, /unban, /delete, /open, /close, /timeout.
Registered into services.commands' registry (whose docstring is the reference); each
runs through the service that owns the action, which checks rights again inside its
transaction."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Connection

from hubbub.errors import Forbidden, NotFound
from hubbub.server.permissions import Perm
from hubbub.server.services import messages, room_bans, room_state, rooms
from hubbub.server.services.access import RoomAccess, room_access
from hubbub.server.services.auth import HANDLE
from hubbub.server.services.commands import Call, Outcome, bad_args, command
from hubbub.server.services.core import Core, Ctx
from hubbub.server.store import messages as messages_store
from hubbub.server.store import rooms as rooms_store
from hubbub.server.store import users as users_store
from hubbub.server.store.log import Tx
from hubbub.server.store.rooms import RoomRow
from hubbub.server.store.users import UserRow

__all__ = ["parse_duration"]

_DURATION = re.compile(r"([1-9][0-9]{0,9})([smhd]?)", re.IGNORECASE)
_UNIT_S = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
_MESSAGE_ID = re.compile(r"#?([1-9][0-9]{0,18})")


def parse_duration(word: str) -> int | None:
    """Seconds from `30s`, `10m`, `2h`, `1d` or `90`; None if `word` is not one."""
    found = _DURATION.fullmatch(word)
    if found is None:
        return None
    return int(found.group(1)) * _UNIT_S[found.group(2).lower()]


# -- who sees which command in /help ---------------------------------------------------


def _can_ban(role: RoomAccess, room: RoomRow) -> bool:
    return role.can(Perm.BAN)


def _can_kick(role: RoomAccess, room: RoomRow) -> bool:
    return role.can(Perm.KICK)


def _can_delete(role: RoomAccess, room: RoomRow) -> bool:
    return role.can(Perm.MANAGE_MESSAGES)


def _can_moderate(role: RoomAccess, room: RoomRow) -> bool:
    return role.can(Perm.MODERATE) or role.can(Perm.MANAGE_ROOM)


# -- helpers -----------------------------------------------------------------------------


def _handle(name: str, word: str) -> str:
    handle = word.removeprefix("@")
    if not HANDLE.match(handle):
        raise bad_args(name, f"{word[:40]!r} is not a handle")
    return handle


async def _target(core: Core, ctx: Ctx, call: Call, handle: str, bit: Perm) -> UserRow:
    """The user a handle names, once the caller is known to hold `bit` in the room."""

    def read(conn: Connection) -> UserRow | None:
        room_access(conn, ctx.user, call.room_id).require(bit)  # rights first: no probing
        return users_store.get_user_by_handle(conn, handle)

    user = await core.db.read(read)
    if user is None:
        raise NotFound(f"no user @{handle}", code="user_not_found", details={"handle": handle})
    return user


def _duration_text(seconds: int | None) -> str:
    if seconds is None:
        return "until lifted"
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"for {seconds // size}{unit}"
    return f"for {seconds}s"


# -- the commands ------------------------------------------------------------------------


@command("ban", "/ban @handle [duration] [reason]", "ban a user from this room", _can_ban)
async def _ban(core: Core, ctx: Ctx, call: Call) -> Outcome:
    words = call.args.split(maxsplit=1)
    if not words:
        raise bad_args("ban", "name the user to ban")
    handle = _handle("ban", words[0])
    rest = words[1] if len(words) > 1 else ""
    first, _, after = rest.partition(" ")
    duration = parse_duration(first) if first else None
    reason = (after if duration is not None else rest).strip() or None
    user = await _target(core, ctx, call, handle, Perm.BAN)
    ban = await room_bans.ban(
        core, ctx, call.room_id, user.id, "ban", expires_in_s=duration, reason=reason
    )
    return Outcome(
        f"banned @{user.handle} {_duration_text(duration)}", {"ban": ban, "user": user.wire()}
    )


@command("kick", "/kick @handle [duration]", "kick-mute a user (60 s unless told)", _can_kick)
async def _kick(core: Core, ctx: Ctx, call: Call) -> Outcome:
    words = call.args.split()
    if not 1 <= len(words) <= 2:
        raise bad_args("kick", "name the user, and optionally a duration such as 10m")
    handle = _handle("kick", words[0])
    duration = None
    if len(words) == 2:
        duration = parse_duration(words[1])
        if duration is None:
            raise bad_args("kick", f"{words[1][:20]!r} is not a duration such as 30s, 10m, 2h")
    user = await _target(core, ctx, call, handle, Perm.KICK)
    ban = await room_bans.ban(core, ctx, call.room_id, user.id, "kick_mute", expires_in_s=duration)
    seconds = duration if duration is not None else room_bans.KICK_MUTE_S
    return Outcome(
        f"kicked @{user.handle} {_duration_text(seconds)}", {"ban": ban, "user": user.wire()}
    )


@command("unban", "/unban @handle", "lift a user's ban or kick-mute here", _can_kick)
async def _unban(core: Core, ctx: Ctx, call: Call) -> Outcome:
    words = call.args.split()
    if len(words) != 1:
        raise bad_args("unban", "name exactly one user")
    user = await _target(core, ctx, call, _handle("unban", words[0]), Perm.KICK)
    await room_bans.lift(core, ctx, call.room_id, user.id)
    return Outcome(f"lifted the ban on @{user.handle}", {"user": user.wire()})


@command("delete", "/delete <message id>", "delete a message in this room", _can_delete)
async def _delete(core: Core, ctx: Ctx, call: Call) -> Outcome:
    found = _MESSAGE_ID.fullmatch(call.args)
    if found is None:
        raise bad_args("delete", "give the id of one message")
    message_id = int(found.group(1))

    def read(conn: Connection) -> bool:
        # A moderator command: rights first (authors delete their own with DELETE
        # /messages/{id}), so that ids cannot be probed either.
        room_access(conn, ctx.user, call.room_id).require(Perm.MANAGE_MESSAGES)
        row = messages_store.get_message_row(conn, message_id)
        return row is not None and row["room_id"] == call.room_id

    if not await core.db.read(read):
        raise NotFound(f"message {message_id} is not in this room", code="message_not_found")
    await messages.delete(core, ctx, message_id)
    return Outcome(f"deleted message {message_id}", {"message_id": message_id})


async def _set_open(core: Core, ctx: Ctx, room_id: int, is_open: bool) -> dict[str, Any]:
    """Open or close the room (RM-06) as its moderators may: `moderate` or `manage_room`.
    Logs what a settings change logs (services.rooms.apply_changes_txn)."""

    def job(tx: Tx) -> dict[str, Any]:
        access = room_access(tx.conn, ctx.user, room_id)
        if not (access.can(Perm.MODERATE) or access.can(Perm.MANAGE_ROOM)):
            raise Forbidden(
                "only the room's owners and moderators can open or close it", code="not_moderator"
            )
        if access.room.is_open != is_open:  # the same events and audit as a settings edit
            rooms.apply_changes_txn(tx, ctx, access.room, {"is_open": is_open}, [])
        fresh = rooms_store.get_room(tx.conn, room_id)
        assert fresh is not None
        return fresh.wire()

    return await core.log.run(job)


@command("open", "/open", "open this room to everyone again", _can_moderate)
async def _open(core: Core, ctx: Ctx, call: Call) -> Outcome:
    if call.args:
        raise bad_args("open", "/open takes no arguments")
    return Outcome("the room is open", {"room": await _set_open(core, ctx, call.room_id, True)})


@command("close", "/close", "close this room: only moderators may post", _can_moderate)
async def _close(core: Core, ctx: Ctx, call: Call) -> Outcome:
    if call.args:
        raise bad_args("close", "/close takes no arguments")
    return Outcome("the room is closed", {"room": await _set_open(core, ctx, call.room_id, False)})


@command("timeout", "/timeout <duration>", "freeze the room: only moderators talk", _can_moderate)
async def _timeout(core: Core, ctx: Ctx, call: Call) -> Outcome:
    words = call.args.split()
    duration = parse_duration(words[0]) if len(words) == 1 else None
    if duration is None:
        raise bad_args("timeout", "give one duration such as 90, 30s, 10m or 2h")
    done = await room_state.start_timeout(core, ctx, call.room_id, duration)
    return Outcome(f"the room is frozen {_duration_text(duration)}", {"timeout": done})

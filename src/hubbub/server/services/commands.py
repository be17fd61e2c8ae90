"""Chat commands (MS-17, D.78, EVENTS.md #71 `command.completed`), parsed on the server;
the result goes to the issuer only, and a command never appears as a chat message.

    /help                          the commands this user may run in this room, with usage
    /me <text>                     posts an action (services.messages.send; allow_actions)
    /shrug [text]                  posts `text ¯\\_(ツ)_/¯` (Markdown-escaped)
    /topic <text>                  sets the room topic (services.rooms.update: the owner)
    /purge @handle                 deletes that user's messages here (services.bulk.purge)
    /ban @handle [duration] [reason]   bans them from the room (services.room_bans, `ban`)
    /kick @handle [duration]       kick-mute: out of the room for a while (default 60 s)
    /unban @handle                 lifts their ban or kick-mute
    /delete <message id>           deletes a message of this room (services.messages.delete)
    /open, /close                  opens or closes the room to non-moderators (RM-06)
    /timeout <duration>            freezes the room: only owners and moderators talk
                                   (services.room_state.start_timeout, D.1)

Durations are `30s`, `10m`, `2h`, `1d` or plain seconds (`90`). Handles resolve
case-insensitively; rights are checked before a handle is resolved, so nobody can probe
which handles exist through a command they may not run.

Transports:
- REST `POST /api/v1/rooms/{id}/commands {"command", "nonce"?}` answers
  `{kind: "command_result", op, ok: true, message, result}`, and a refusal is the typed
  4xx error of the HubbubError tree, as every other call (the SDK raises it).
- The gateway op `{"op": "command", "room_id", "command", "id"?}` answers the issuing
  connection alone with the ephemeral event `command.completed` (server.gateway.commands):
  `{op, ok: true, message, result}` on success; a refusal arrives as the same event with
  `ok: false` and `error: {code, message, details}` (the code being the one REST would
  answer), never as an error frame. Only a frame that is not a command at all (no integer
  room_id, no text, a bad `id`) gets an error frame.

Refusal codes:
- 422 `invalid_command`: the text is not `/name …`;
- 422 `unknown_command`: no such command; `details.available` lists the caller's ones;
- 422 `invalid_command_arguments`: `details.usage` says how to call it;
- 404 `user_not_found`: a handle nobody has; 404 `message_not_found`: `/delete` of a
  message not in this room;
- 403 `suspended`: a suspended user runs nothing but `/help` (services.suspensions);
- the rights errors of the service each command runs through, with the same codes as its
  REST endpoint (`not_moderator`, `not_room_owner`, `not_a_member`, `actions_disabled`,
  `missing_permission`, `cannot_moderate_higher`, `cannot_ban_owner`, `ban_not_found`, …).

Every command runs through a service, which decides; `may` only says what `/help` and
`unknown_command` list. `/me` and `/shrug` pass the nonce on to `messages.send`: a
retried command posts once.

The send path refuses content starting with a command name here other than `me`
(422 `use_command`, services.content) so that `/ban @bob` is never posted by mistake;
`//text` posts the literal `/text`.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from hubbub.errors import NotFound, ValidationError
from hubbub.server.permissions import Perm
from hubbub.server.services import bulk, messages, rooms, suspensions
from hubbub.server.services.access import RoomAccess
from hubbub.server.services.auth import HANDLE
from hubbub.server.services.core import Core, Ctx
from hubbub.server.store import users as users_store
from hubbub.server.store.rooms import RoomRow
from hubbub.server.store.users import UserRow

__all__ = ["REGISTRY", "SHRUG", "Command", "op_of", "reserved_name", "run"]

# `/name` then whitespace or the end; names are matched case-insensitively.
_NAME = re.compile(r"/([A-Za-z][A-Za-z0-9_-]{0,31})(?=\s|$)")
# Renders as ¯\_(ツ)_/¯: Markdown would otherwise eat the backslash and the underscores.
SHRUG = "¯\\\\\\_(ツ)\\_/¯"


@dataclass(frozen=True, slots=True)
class Call:
    room_id: int
    args: str  # everything after the name, stripped
    nonce: str | None


@dataclass(frozen=True, slots=True)
class Outcome:
    message: str  # human readable, for the issuer
    result: dict[str, Any]


Runner = Callable[[Core, Ctx, Call], Awaitable[Outcome]]
May = Callable[[RoomAccess, RoomRow], bool]


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    usage: str
    summary: str
    may: May  # (caller's access, room) → listed by /help; the service decides
    run: Runner

    def wire(self) -> dict[str, str]:
        return {"name": self.name, "usage": self.usage, "summary": self.summary}


REGISTRY: dict[str, Command] = {}


def command(name: str, usage: str, summary: str, may: May) -> Callable[[Runner], Runner]:
    def add(run: Runner) -> Runner:
        REGISTRY[name] = Command(name, usage, summary, may, run)
        return run

    return add


def _anyone(role: RoomAccess, room: RoomRow) -> bool:
    return True


def _member(role: RoomAccess, room: RoomRow) -> bool:
    return role.member


def _actions(role: RoomAccess, room: RoomRow) -> bool:
    return role.member and room.allow_actions


def _owner(role: RoomAccess, room: RoomRow) -> bool:
    # rooms.update needs manage_room to change a room (topic included).
    return role.can(Perm.MANAGE_ROOM)


def _moderator(role: RoomAccess, room: RoomRow) -> bool:
    return rooms.is_moderator(role)


# -- parsing and dispatch ------------------------------------------------------------


def reserved_name(content: str) -> str | None:
    """The command `content` starts with, if it is one here other than `/me` (whose
    message form is an action, services.content); for the send path's refusal."""
    found = _NAME.match(content)
    if found is None:
        return None
    name = found.group(1).lower()
    return name if name in REGISTRY and name != "me" else None


def _split(text: str) -> tuple[str, str]:
    found = _NAME.match(text.strip())
    if found is None:
        raise ValidationError(
            "a command is `/name` followed by its arguments, e.g. /help",
            code="invalid_command",
        )
    return found.group(1).lower(), text.strip()[found.end() :].strip()


async def _room_and_role(core: Core, ctx: Ctx, room_id: int) -> tuple[RoomRow, RoomAccess]:
    return await core.db.read(lambda c: rooms.visible_room(c, ctx, room_id))


def _available(role: RoomAccess, room: RoomRow) -> list[Command]:
    return [c for c in REGISTRY.values() if c.may(role, room)]


async def run(
    core: Core, ctx: Ctx, room_id: int, text: str, *, nonce: str | None = None
) -> dict[str, Any]:
    """Run one command in a room: `{op, ok, message, result}`, or a typed error."""
    name, args = _split(text)
    spec = REGISTRY.get(name)
    if spec is None:
        room, role = await _room_and_role(core, ctx, room_id)  # NotFound if invisible
        names = [c.name for c in _available(role, room)]
        raise ValidationError(
            f"unknown command /{name}; you can use " + ", ".join(f"/{n}" for n in names),
            code="unknown_command",
            details={"command": name, "available": names},
        )
    if name != "help":  # a suspended user may still ask what they could do (MD-11)
        await suspensions.require_active(core, ctx)
    outcome = await spec.run(core, ctx, Call(room_id, args, nonce))
    return {"op": name, "ok": True, "message": outcome.message, "result": outcome.result}


def op_of(text: str) -> str | None:
    """The command name `text` starts with (known or not), for answering a refusal."""
    found = _NAME.match(text.strip()) if isinstance(text, str) else None
    return None if found is None else found.group(1).lower()


def bad_args(name: str, why: str) -> ValidationError:
    """422 `invalid_command_arguments` with the command's usage."""
    return _bad_args(name, why)


def _bad_args(name: str, why: str) -> ValidationError:
    usage = REGISTRY[name].usage
    return ValidationError(
        f"{why}; usage: {usage}",
        code="invalid_command_arguments",
        details={"command": name, "usage": usage},
    )


# -- the commands --------------------------------------------------------------------


@command("help", "/help", "list the commands you can use here", _anyone)
async def _help(core: Core, ctx: Ctx, call: Call) -> Outcome:
    if call.args:
        raise _bad_args("help", "/help takes no arguments")
    room, role = await _room_and_role(core, ctx, call.room_id)
    available = _available(role, room)
    lines = [f"{c.usage} — {c.summary}" for c in available]
    return Outcome("\n".join(lines), {"commands": [c.wire() for c in available]})


@command("me", "/me <text>", "post an action, e.g. /me waves", _actions)
async def _me(core: Core, ctx: Ctx, call: Call) -> Outcome:
    if not call.args:
        raise _bad_args("me", "say what you do")
    # The send path turns `/me …` into an action and checks the room's allow_actions.
    message, _created = await messages.send(
        core, ctx, call.room_id, f"/me {call.args}", nonce=call.nonce
    )
    return Outcome("action posted", {"action": message})


@command("shrug", "/shrug [text]", "post text followed by ¯\\_(ツ)_/¯", _member)
async def _shrug(core: Core, ctx: Ctx, call: Call) -> Outcome:
    content = f"{call.args} {SHRUG}" if call.args else SHRUG
    if content.startswith("/"):  # `/shrug /help` posts its text, never runs /help
        content = "/" + content
    message, _created = await messages.send(core, ctx, call.room_id, content, nonce=call.nonce)
    return Outcome("shrug posted", {"speech": message})


@command("topic", "/topic <text>", "set this room's topic", _owner)
async def _topic(core: Core, ctx: Ctx, call: Call) -> Outcome:
    if not call.args:
        raise _bad_args("topic", "give the new topic")
    room = await rooms.update(core, ctx, call.room_id, {"topic": call.args})
    return Outcome(f"topic set to: {room['topic']}", {"room": room})


@command("purge", "/purge @handle", "delete all of a user's messages in this room", _moderator)
async def _purge(core: Core, ctx: Ctx, call: Call) -> Outcome:
    words = call.args.split()
    if len(words) != 1:
        raise _bad_args("purge", "name exactly one user")
    handle = words[0].removeprefix("@")
    if not HANDLE.match(handle):
        raise _bad_args("purge", f"{words[0][:40]!r} is not a handle")

    def read(conn: Connection) -> UserRow | None:
        rooms.moderated_room_txn(conn, ctx, call.room_id)  # rights first: no handle probing
        return users_store.get_user_by_handle(conn, handle)

    user = await core.db.read(read)
    if user is None:
        raise NotFound(f"no user @{handle}", code="user_not_found", details={"handle": handle})
    count = await bulk.purge(core, ctx, call.room_id, user.id)
    noun = "message" if count == 1 else "messages"
    return Outcome(
        f"deleted {count} {noun} by @{user.handle}",
        {"user": user.wire(), "deleted_count": count},
    )


# The moderator commands register themselves after these (their order is /help's).
from hubbub.server.services import commands_mod  # noqa: E402, F401

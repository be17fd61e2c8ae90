"""The gateway's `command` op (MS-17, D.78): run a chat command, answer the issuing
connection.

    → {"op": "command", "room_id": 7, "command": "/purge @bob", "id"?: "c-1", "nonce"?: …}
    ← {"op": "event", "type": "command.completed", "seq": null, …,
       "data": {"room_id": 7, "op": "purge", "ok": true, "message": "…", "result": {…},
                "id": "c-1"}}
    ← refused: the same event with {"op": "ban", "ok": false, "message": "…",
       "result": {}, "error": {"code": "missing_permission", "message": "…",
       "details": {…}, "status": 403}, "id": "c-1"} (`status`: what REST would answer;
       `op` is null when the text names no command)

`command.completed` is ephemeral with the SESSION audience of EVENTS.md #71: it is pushed
to this one connection, never logged nor published, so the user's other connections
(and long-poll) never see it. What the command did is logged and fanned out as usual
(`message.created`, `message.bulk_deleted`, `room.ban.created`, `room.updated`). `id` is
echoed as given for the client to match answers to commands.

Only a frame that is no command at all (room_id not an integer, no command text, a bad
`id` or `nonce`) is answered with an error frame `{"op": "error", "code", "message",
"details", "id"}`; the connection stays open either way.
"""

from __future__ import annotations

from typing import Any, TypeGuard

import orjson

from hubbub.errors import BadRequest, HubbubError
from hubbub.protocol.frames import Op
from hubbub.server.events import Audience, LogEvent
from hubbub.server.gateway.connection import Connection
from hubbub.server.services import commands
from hubbub.server.services.core import Core, Ctx

MAX_ID = 100


def _int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _correlation(frame: dict[str, Any]) -> str | int | None:
    cid = frame.get("id")
    if cid is None or _int(cid) or (isinstance(cid, str) and len(cid) <= MAX_ID):
        return cid
    raise BadRequest(
        f"id must be a string of at most {MAX_ID} characters or an integer", code="invalid_id"
    )


def _parse(frame: dict[str, Any]) -> tuple[int, str, str | None]:
    room_id, text, nonce = frame.get("room_id"), frame.get("command"), frame.get("nonce")
    if not _int(room_id):
        raise BadRequest("command needs an integer room_id", code="invalid_room_id")
    if not isinstance(text, str):
        raise BadRequest("command needs the command text, e.g. /help", code="invalid_command")
    if nonce is not None and not isinstance(nonce, str):
        raise BadRequest("nonce must be a string", code="invalid_nonce")
    return room_id, text, nonce


async def handle(core: Core, ctx: Ctx, conn: Connection, frame: dict[str, Any]) -> None:
    """Run the frame's command; push `command.completed` (ok or not) to `conn`, or an
    error frame for a frame that is not a command."""
    cid: str | int | None = None
    try:
        cid = _correlation(frame)
        room_id, text, nonce = _parse(frame)
    except HubbubError as err:  # not a command: an error frame; the connection stays open
        error = {"op": Op.ERROR.value, "code": err.code, "message": err.message}
        conn.push(orjson.dumps({**error, "details": err.details, "id": cid}).decode())
        return
    try:
        done = await commands.run(core, ctx, room_id, text, nonce=nonce)
    except HubbubError as err:  # refused: answered as the command's outcome
        done = {
            "op": commands.op_of(text),
            "ok": False,
            "message": err.message,
            "result": {},
            "error": {**err.to_dict(), "status": err.status},
        }
    ev = LogEvent(
        type="command.completed",
        # Never published: pushed to `conn` alone. USER names whose it is if it ever were.
        audience=Audience.USER,
        room_id=room_id,
        actor=ctx.user.snapshot(),
        target_user_id=ctx.user_id,
        data={"room_id": room_id, **done, "id": cid},
    )
    ev.ts = core.clock.now_ms()
    conn.push_event(ev)

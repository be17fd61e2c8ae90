"""The gateway's `command` op (MS-17): run a chat command, answer the issuing connection.

    → {"op": "command", "room_id": 7, "command": "/purge @bob", "id"?: "c-1", "nonce"?: …}
    ← {"op": "event", "type": "command.completed", "seq": null, …,
       "data": {"room_id": 7, "op": "purge", "ok": true, "message": "…", "result": {…},
                "id": "c-1"}}
    ← or {"op": "error", "code": "not_moderator", "message": "…", "details": {…},
          "id": "c-1"}, and the connection stays open.

`command.completed` is ephemeral with the SESSION audience of EVENTS.md #71: it is pushed
to this one connection, never logged nor published, so the user's other connections
(and long-poll) never see it. What the command did is logged and fanned out as usual
(`message.created`, `message.bulk_deleted`, `room.updated`). `id` is echoed as given
for the client to match answers to commands.
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
    """Run the frame's command; push `command.completed` or an error frame to `conn`."""
    cid: str | int | None = None
    try:
        cid = _correlation(frame)
        room_id, text, nonce = _parse(frame)
        done = await commands.run(core, ctx, room_id, text, nonce=nonce)
    except HubbubError as err:  # refused: answered, and the connection stays open
        error = {"op": Op.ERROR.value, "code": err.code, "message": err.message}
        conn.push(orjson.dumps({**error, "details": err.details, "id": cid}).decode())
        return
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

"""The gateway's `subscribe` op (#39): join a room if need be and answer this connection
with the room's state.

    → {"op": "subscribe", "room_id": 7, "limit"?: 50, "id"?: "s-1"}
    ← {"op": "event", "type": "room.subscribed", "seq": null, "room_id": 7, …,
       "data": {"room": {…}, "member": {…}, "cursor": "918", "previous_cursor": "40",
                "events": [<message>, …], "has_more": true, "joined": false, "id": "s-1"}}
    ← refused: {"op": "error", "code": "banned_from_room", "message": "…",
                "details": {…}, "status": 403, "id": "s-1"}; the connection stays open

`room.subscribed` is ephemeral with the SESSION audience: pushed to this connection
alone, never logged nor published. A join it caused is logged as usual
(`room.member.joined`, to the room). `events` is the newest page of messages, oldest
first (services.subscriptions).
"""

from __future__ import annotations

from typing import Any

import orjson

from hubbub.errors import BadRequest, HubbubError
from hubbub.protocol.frames import Op
from hubbub.server.events import Audience, LogEvent
from hubbub.server.gateway.commands import _correlation, _int
from hubbub.server.gateway.connection import Connection
from hubbub.server.services import subscriptions
from hubbub.server.services.core import Core, Ctx


def _parse(frame: dict[str, Any]) -> tuple[int, int]:
    room_id, limit = frame.get("room_id"), frame.get("limit", subscriptions.DEFAULT_LIMIT)
    if not _int(room_id):
        raise BadRequest("subscribe needs an integer room_id", code="invalid_room_id")
    if not _int(limit):
        raise BadRequest("limit must be an integer", code="invalid_limit")
    return room_id, limit


async def handle(core: Core, ctx: Ctx, conn: Connection, frame: dict[str, Any]) -> None:
    """Push `room.subscribed` to `conn`, or an error frame carrying the request's `id`."""
    cid: str | int | None = None
    try:
        cid = _correlation(frame)
        room_id, limit = _parse(frame)
        data = await subscriptions.subscribe(core, ctx, room_id, limit)
    except HubbubError as err:
        error = {"op": Op.ERROR.value, "code": err.code, "message": err.message}
        # `status`: what REST would answer, so the SDK raises the same typed error.
        reply = {**error, "details": err.details, "status": err.status, "id": cid}
        conn.push(orjson.dumps(reply).decode())
        return
    ev = LogEvent(
        type="room.subscribed",
        # Never published: pushed to `conn` alone. USER names whose it is if it ever were.
        audience=Audience.USER,
        room_id=room_id,
        space_id=data["room"].get("space_id"),
        actor=None,
        target_user_id=ctx.user_id,
        data={**data, "id": cid},
    )
    ev.ts = core.clock.now_ms()
    conn.push_event(ev)

"""A server sending what this SDK cannot read (SDK-16, #83): an unknown type, a known type
with a payload that does not parse, an envelope that is not one. Each reaches handlers as
`UnknownEvent` with the raw frame kept, nothing is dropped and the client keeps running.

The frames are pushed by a real server into its real connection to the client (the hub's
connection objects), as a newer or buggy server would send them.
"""

from __future__ import annotations

from typing import Any

import orjson

import hubbub
from hubbub.testing import TestServer

FRAMES: list[dict[str, Any]] = [
    # A type from a newer server.
    {"op": "event", "seq": None, "type": "brand.new", "ts": 1, "at": "2024-01-01T00:00:00Z",
     "room_id": 7, "data": {"x": 1}},
    # A known type whose payload is not what this SDK expects.
    {"op": "event", "seq": None, "type": "message.created", "ts": 2,
     "at": "2024-01-01T00:00:00Z", "data": {"message": {"id": "not a number"}}},
    # Not even an envelope: no type, no ts.
    {"op": "event", "seq": None, "data": {"y": 2}},
]  # fmt: skip


async def test_unreadable_frames_are_dispatched_as_unknown(lite: TestServer) -> None:
    owner = await lite.user()
    async with owner.client() as client:
        seen: list[hubbub.UnknownEvent] = []

        @client.on(hubbub.UnknownEvent)
        async def on_unknown(event: hubbub.UnknownEvent) -> None:
            seen.append(event)

        waiter = client.wait_for(hubbub.UnknownEvent, count=len(FRAMES), timeout=5)
        for conn in lite.core.extras["hub"].connections:
            for frame in FRAMES:
                conn.push(orjson.dumps(frame).decode())
        events = await waiter
        assert [e.raw for e in events] == FRAMES
        assert seen == events
        assert [e.type for e in events] == ["brand.new", "message.created", "unknown"]
        assert events[0].parse_error is None and events[0].data == {"x": 1}
        assert events[1].parse_error and events[2].parse_error

        # Still connected and dispatching ordinary events.
        room = await client.create_room("after the noise")
        sent = client.wait_for(hubbub.MessageCreated, timeout=5)
        await room.send("still here")
        assert (await sent).message.content == "still here"

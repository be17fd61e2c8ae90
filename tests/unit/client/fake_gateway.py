"""A protocol fake of the hubbub gateway (DESIGN §5 frames) on 127.0.0.1:0.

It keeps a log of persisted events and, per connection, runs either the next scripted
`plan` or the normal behaviour: check the token, send `ready`, replay the log after the
hello cursor, answer pings, forward live events.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

USER = {"id": 1, "handle": "bot", "display_name": "Bot", "created_at": "2024-01-01T00:00:00Z"}
ROOM = {"id": 7, "name": "general", "created_at": "2024-01-01T00:00:00Z"}

Plan = Callable[["FakeGateway", ServerConnection, dict[str, Any]], Awaitable[None]]


def message_frame(seq: int | None, text: str = "hi") -> dict[str, Any]:
    message = {
        "id": 1000 + (seq or 0),
        "room_id": 7,
        "content": text,
        "created_at": "2024-01-01T00:00:00Z",
        "ts": 1704067200000,
    }
    return {
        "op": "event",
        "seq": seq,
        "type": "message.created",
        "ts": 1704067200000,
        "at": "2024-01-01T00:00:00Z",
        "room_id": 7,
        "actor": None,
        "data": {"message": message},
    }


class FakeGateway:
    def __init__(self) -> None:
        self.log: list[dict[str, Any]] = []
        self.hellos: list[dict[str, Any]] = []
        self.pings = 0
        self.plans: list[Plan] = []
        self.live: set[ServerConnection] = set()
        self.answer_pings = True
        self._server: Server | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        port = self._server.sockets[0].getsockname()[1]
        return f"ws://127.0.0.1:{port}/gateway"

    @property
    def head(self) -> int:
        return max((f["seq"] for f in self.log), default=0)

    async def __aenter__(self) -> FakeGateway:
        self._server = await serve(self._handler, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _handler(self, ws: ServerConnection) -> None:
        hello = json.loads(await ws.recv())
        self.hellos.append(hello)
        plan = self.plans.pop(0) if self.plans else FakeGateway.serve
        with contextlib.suppress(ConnectionClosed):
            await plan(self, ws, hello)

    async def serve(self, ws: ServerConnection, hello: dict[str, Any]) -> None:
        if hello.get("token") != "good":
            await ws.send(json.dumps({"op": "error", "code": "bad_token", "message": "nope"}))
            await ws.close(4001, "auth failed")
            return
        await self.send_ready(ws)
        cursor = hello.get("cursor")
        if cursor is not None:
            await self.replay(ws, after=int(cursor))
        await self.pump(ws)

    async def send_ready(self, ws: ServerConnection) -> None:
        frame = {
            "op": "ready",
            "user": USER,
            "rooms": [ROOM],
            "cursor": str(self.head),
            "session_id": f"s{len(self.hellos)}",
        }
        await ws.send(json.dumps(frame))

    async def replay(self, ws: ServerConnection, *, after: int) -> None:
        for frame in self.log:
            if frame["seq"] > after:
                await ws.send(json.dumps(frame))

    async def pump(self, ws: ServerConnection) -> None:
        """Live: answer pings until the client goes away."""
        self.live.add(ws)
        try:
            async for raw in ws:
                if json.loads(raw).get("op") == "ping":
                    self.pings += 1
                    if self.answer_pings:
                        await ws.send(json.dumps({"op": "pong"}))
        finally:
            self.live.discard(ws)

    async def publish(self, frame: dict[str, Any]) -> None:
        if frame["seq"] is not None:
            self.log.append(frame)
        for ws in list(self.live):
            with contextlib.suppress(ConnectionClosed):
                await ws.send(json.dumps(frame))

    async def drop_all(self, code: int = 1011, reason: str = "restart") -> None:
        for ws in list(self.live):
            await ws.close(code, reason)

    async def wait_for_hellos(self, n: int, timeout: float = 3.0) -> None:
        await eventually(lambda: len(self.hellos) >= n, timeout)


async def eventually(predicate: Callable[[], bool], timeout: float = 3.0) -> None:
    """Poll until `predicate()` holds; TimeoutError otherwise."""
    async with asyncio.timeout(timeout):
        # Polling on purpose: the conditions live in the client under test, which exposes
        # no asyncio.Event for them.
        while not predicate():  # noqa: ASYNC110
            await asyncio.sleep(0.005)

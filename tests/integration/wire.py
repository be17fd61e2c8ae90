"""Raw wire-level helpers for integration tests: plain httpx and websockets, no SDK, so the
tests pin the contract itself."""

from __future__ import annotations

import asyncio
import itertools
from types import TracebackType
from typing import Any

import httpx
import orjson
import websockets
from websockets.asyncio.client import ClientConnection

from hubbub.client.http import default_tls
from hubbub.testing import TestServer

_names = itertools.count(1)
# Everything a test opened, closed by the `_close_wire` fixture when the test ends.
OPEN: list[Api | Gateway] = []


def name(prefix: str = "user") -> str:
    return f"{prefix}{next(_names)}"


class Api:
    """A logged-in REST client."""

    def __init__(self, base_url: str, token: str, user: dict[str, Any]) -> None:
        self.base_url = base_url
        self.token = token
        self.user = user
        self.http = httpx.AsyncClient(
            verify=default_tls(),
            base_url=base_url + "/api/v1",
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        OPEN.append(self)

    @classmethod
    async def register(cls, server: TestServer | str, username: str | None = None) -> Api:
        base = server if isinstance(server, str) else server.url
        async with httpx.AsyncClient(verify=default_tls(), base_url=base, timeout=30) as http:
            resp = await http.post(
                "/api/v1/auth/register",
                json={"username": username or name(), "password": "correct horse battery"},
            )
            assert resp.status_code == 201, resp.text
            body = resp.json()
        return cls(base, body["token"], body["user"])

    @property
    def id(self) -> int:
        return int(self.user["id"])

    async def ok(self, method: str, path: str, status: int = 200, **kw: Any) -> Any:
        resp = await self.http.request(method, path, **kw)
        assert resp.status_code == status, f"{method} {path}: {resp.status_code} {resp.text}"
        return None if resp.status_code == 204 else resp.json()

    async def error(self, method: str, path: str, status: int, code: str, **kw: Any) -> Any:
        resp = await self.http.request(method, path, **kw)
        assert resp.status_code == status, f"{method} {path}: {resp.status_code} {resp.text}"
        body = resp.json()
        assert set(body) == {"error"}, body
        assert body["error"]["code"] == code, body
        assert isinstance(body["error"]["message"], str) and body["error"]["message"]
        return body["error"]

    async def room(self, room_name: str | None = None, **fields: Any) -> dict[str, Any]:
        room: dict[str, Any] = await self.ok(
            "POST", "/rooms", 201, json={"name": room_name or name("room"), **fields}
        )
        return room

    async def send(self, room_id: int, content: str, **fields: Any) -> dict[str, Any]:
        msg: dict[str, Any] = await self.ok(
            "POST", f"/rooms/{room_id}/messages", 201, json={"content": content, **fields}
        )
        return msg

    async def close(self) -> None:
        await self.http.aclose()


async def staff(server: TestServer) -> Api:
    """A new global moderator (D.105), set before its token is first used (and cached)."""
    from hubbub.server.store.users import set_moderator_txn

    api = await Api.register(server)
    await server.core.db.write(lambda c: set_moderator_txn(c, api.id, True))
    return api


async def private_room(server: TestServer, owner: Api, **fields: Any) -> dict[str, Any]:
    """A private room owned by `owner`: only staff create private rooms (RM-03), so a
    moderator creates it, makes `owner` its owner and steps out."""
    boss = await staff(server)
    room = await boss.room(access_mode="private", **fields)
    path = f"/rooms/{room['id']}/access"
    await boss.ok("PUT", f"{path}/{owner.id}", json={"level": "owner"})
    await boss.ok("PUT", f"{path}/{boss.id}", json={"level": "none"})
    found: dict[str, Any] = await owner.ok("GET", f"/rooms/{room['id']}")
    return found


# Logged on every connect and disconnect of anyone an observer shares a room with: tests
# that are not about presence skip them (`Gateway.connect(..., presence=True)` keeps them).
PRESENCE = "presence.updated"


class Gateway:
    """A raw gateway connection."""

    def __init__(self, ws: ClientConnection, presence: bool = False) -> None:
        self.ws = ws
        self.ready: dict[str, Any] = {}
        self.presence = presence
        OPEN.append(self)

    @classmethod
    async def connect(
        cls,
        server: TestServer | str,
        token: str | None,
        cursor: str | None = None,
        *,
        presence: bool = False,
    ) -> Gateway:
        url = server if isinstance(server, str) else server.ws_url
        gw = cls(await websockets.connect(url, max_size=None), presence)
        hello: dict[str, Any] = {"op": "hello", "token": token}
        if cursor is not None:
            hello["cursor"] = cursor
        await gw.send(hello)
        gw.ready = await gw.recv()
        assert gw.ready["op"] == "ready", gw.ready
        return gw

    async def send(self, frame: dict[str, Any]) -> None:
        await self.ws.send(orjson.dumps(frame).decode())

    async def recv(self, timeout: float = 10) -> dict[str, Any]:
        async with asyncio.timeout(timeout):
            while True:
                frame: dict[str, Any] = orjson.loads(await self.ws.recv())
                if self.presence or frame.get("type") != PRESENCE or frame.get("op") != "event":
                    return frame

    async def event(self, type_: str | None = None, timeout: float = 10) -> dict[str, Any]:
        """The next event frame (of `type_`, skipping others)."""
        while True:
            frame = await self.recv(timeout)
            if frame["op"] == "event" and (type_ is None or frame["type"] == type_):
                return frame

    async def events_until(self, predicate: Any, timeout: float = 20) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        while True:
            frame = await self.recv(timeout)
            if frame["op"] == "event":
                out.append(frame)
                if predicate(frame):
                    return out

    async def no_event(self, within: float = 0.3) -> None:
        try:
            frame = await self.recv(within)
        except TimeoutError:
            return
        raise AssertionError(f"unexpected frame {frame}")

    async def close(self) -> None:
        await self.ws.close()

    async def __aenter__(self) -> Gateway:
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

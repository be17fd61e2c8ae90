"""What `hubbub send` and `hubbub tail` do over the public API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import orjson
import websockets
from rich.console import Console
from rich.markup import escape

from hubbub.errors import NotFound, Unauthorized, error_from_wire


def _check(resp: httpx.Response) -> Any:
    if resp.status_code >= 400:
        try:
            body = resp.json()
        except ValueError:
            body = None
        raise error_from_wire(resp.status_code, body)
    return None if resp.status_code == 204 else resp.json()


async def _resolve_room(http: httpx.AsyncClient, room: str) -> int:
    if room.isdigit():
        return int(room)
    after = None
    while True:
        params: dict[str, Any] = {"limit": 100}
        if after is not None:
            params["after"] = after
        page = _check(await http.get("/api/v1/rooms", params=params))
        for r in page["rooms"]:
            if r["name"] == room:
                return int(r["id"])
        if not page["has_more"]:
            raise NotFound(f"no room named {room!r}", code="room_not_found")
        after = page["rooms"][-1]["id"]


def _client(url: str, token: str) -> httpx.AsyncClient:
    if not token:
        raise Unauthorized("pass --token or set HUBBUB_TOKEN", code="token_missing")
    return httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30)


async def send_message(url: str, token: str, room: str, text: str) -> None:
    async with _client(url, token) as http:
        room_id = await _resolve_room(http, room)
        resp = await http.post(f"/api/v1/rooms/{room_id}/messages", json={"content": text})
        if resp.status_code == 403 and resp.json()["error"]["code"] == "not_a_member":
            _check(await http.post(f"/api/v1/rooms/{room_id}/join"))
            resp = await http.post(f"/api/v1/rooms/{room_id}/messages", json={"content": text})
        message = _check(resp)
        print(message["id"])


def describe(event: dict[str, Any]) -> str:
    """One readable line for an event."""
    data = event.get("data") or {}
    actor = (event.get("actor") or {}).get("handle", "-")
    at = datetime.fromisoformat(event["at"].replace("Z", "+00:00")).strftime("%H:%M:%S")
    kind = event["type"]
    if kind == "message.created":
        m = data["message"]
        return f"{at} #{m['id']} <{actor}> {m['content_text'] or m['content']}"
    if kind == "message.updated":
        text = data["changes"].get("content_text", "")
        return f"{at} #{data['message_id']} edited by {actor}: {text}"
    if kind == "message.deleted":
        return f"{at} #{data['message_id']} deleted by {actor}"
    if kind == "room.member.joined":
        return f"{at} → {actor} joined"
    if kind == "room.member.left":
        return f"{at} ← {actor} left ({data.get('reason', 'left')})"
    if kind == "typing.started":
        return f"{at} … {actor} is typing"
    return f"{at} {kind} {orjson.dumps(data).decode()}"


async def tail_room(url: str, token: str, room: str, cursor: str | None, console: Console) -> None:
    async with _client(url, token) as http:
        room_id = await _resolve_room(http, room)
        _check(await http.get(f"/api/v1/rooms/{room_id}"))
        _check(await http.post(f"/api/v1/rooms/{room_id}/join"))
    ws_url = url.replace("http://", "ws://").replace("https://", "wss://").rstrip("/") + "/gateway"
    async with websockets.connect(ws_url, max_size=None) as ws:
        hello: dict[str, Any] = {"op": "hello", "token": token}
        if cursor:
            hello["cursor"] = cursor
        await ws.send(orjson.dumps(hello).decode())
        async for raw in ws:
            frame = orjson.loads(raw)
            if frame.get("op") == "error":
                raise error_from_wire(400, {"error": frame})
            shown = frame.get("op") == "event" and frame.get("type") != "typing.stopped"
            if shown and frame.get("room_id") == room_id:
                console.print(escape(describe(frame)), highlight=False)

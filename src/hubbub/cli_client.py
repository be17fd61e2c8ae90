"""What `hubbub send` and `hubbub tail` do over the public API.

Every failure leaves here as a `HubbubError` (the server's own typed errors, or
`server_unreachable` / `bad_response` / `invalid_url` for transport trouble), so the CLI
can print one readable line and exit 1.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime
from typing import Any

import httpx
import orjson
import websockets
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from hubbub.client.http import default_tls
from hubbub.errors import (
    BadRequest,
    CursorExpired,
    Forbidden,
    HubbubError,
    NotFound,
    ServiceUnavailable,
    Unauthorized,
    error_from_wire,
)
from hubbub.protocol.frames import CloseCode

Out = Callable[[str], None]
# Closes after which reconnecting cannot help (bad token, no access, a frame we got wrong).
_FINAL_CLOSE_CODES: dict[int, type[HubbubError]] = {
    CloseCode.AUTH_FAILED: Unauthorized,
    CloseCode.FORBIDDEN: Forbidden,
    CloseCode.BAD_FRAME: BadRequest,
}
assert set(_FINAL_CLOSE_CODES) == {c for c in CloseCode if not c.can_resume}


def _print_line(line: str) -> None:
    """One line on stdout, flushed at once: `tail` is read line by line through pipes."""
    print(line, flush=True)


class _Unreachable(ServiceUnavailable):
    default_code = "server_unreachable"


def _json(resp: httpx.Response) -> Any:
    try:
        return resp.json()
    except ValueError:
        return None


def _check(resp: httpx.Response) -> Any:
    if resp.status_code >= 400:
        body = _json(resp)
        raise error_from_wire(resp.status_code, body if isinstance(body, dict) else None)
    if resp.status_code == 204:
        return None
    body = _json(resp)
    if not isinstance(body, dict):
        raise HubbubError(
            f"{resp.request.method} {resp.request.url}: HTTP {resp.status_code} is not a "
            "hubbub JSON response (is --url a hubbub server?)",
            code="bad_response",
        )
    return body


@contextlib.contextmanager
def _transport_errors(url: str) -> Iterator[None]:
    """Turn network failures into one readable typed error."""
    try:
        yield
    except BrokenPipeError:  # our stdout, not the network
        raise
    except httpx.TimeoutException as exc:
        raise _Unreachable(f"{url}: timed out ({type(exc).__name__})") from None
    except (httpx.TransportError, OSError, InvalidHandshake) as exc:
        detail = str(exc) or type(exc).__name__
        raise _Unreachable(f"cannot reach the server at {url}: {detail}") from None
    except (KeyError, TypeError, ValueError) as exc:  # a 2xx body that is not ours
        raise HubbubError(f"unexpected response from {url}: {exc!r}", code="bad_response") from None


def _validate_url(url: str) -> str:
    if not url.startswith(("http://", "https://")):
        raise BadRequest(
            f"--url must start with http:// or https:// (got {url!r})", code="invalid_url"
        )
    try:
        httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise BadRequest(f"--url {url!r}: {exc}", code="invalid_url") from None
    return url.rstrip("/")


@contextlib.asynccontextmanager
async def _client(url: str, token: str) -> AsyncIterator[httpx.AsyncClient]:
    if not token:
        raise Unauthorized("pass --token or set HUBBUB_TOKEN", code="token_missing")
    base = _validate_url(url)
    with _transport_errors(base):
        async with httpx.AsyncClient(
            verify=default_tls(),
            base_url=base,
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        ) as http:
            yield http


async def _resolve_room(http: httpx.AsyncClient, room: str) -> int:
    if room.isdigit():
        return int(room)
    after = None
    # The server narrows the listing to names starting with the name's first 64
    # characters (its longest query); the exact name is picked here.
    prefix = room[:64].strip()
    while True:
        params: dict[str, Any] = {"limit": 100}
        if prefix and "\x00" not in prefix:
            params["q"] = prefix
        if after is not None:
            params["after"] = after
        page = _check(await http.get("/api/v1/rooms", params=params))
        for r in page["rooms"]:
            if r["name"] == room:
                return int(r["id"])
        if not page["has_more"] or not page["rooms"]:
            raise NotFound(f"no room named {room!r}", code="room_not_found")
        after = page["rooms"][-1]["id"]


async def send_message(url: str, token: str, room: str, text: str, out: Out = _print_line) -> None:
    async with _client(url, token) as http:
        room_id = await _resolve_room(http, room)
        path = f"/api/v1/rooms/{room_id}/messages"
        resp = await http.post(path, json={"content": text})
        body = _json(resp) if resp.status_code == 403 else None
        if isinstance(body, dict) and (body.get("error") or {}).get("code") == "not_a_member":
            _check(await http.post(f"/api/v1/rooms/{room_id}/join"))
            resp = await http.post(path, json={"content": text})
        message = _check(resp)
        out(str(message["id"]))


def _one_line(text: str) -> str:
    return " ↵ ".join(text.splitlines())


def describe(event: dict[str, Any]) -> str:
    """One readable line for an event (never more than one: newlines are shown as ↵)."""
    data = event.get("data") or {}
    actor = (event.get("actor") or {}).get("handle", "-")
    try:
        stamp = datetime.fromisoformat(str(event["at"]).replace("Z", "+00:00"))
        at = stamp.astimezone().strftime("%H:%M:%S")
    except (KeyError, ValueError):
        at = "--:--:--"
    kind = str(event.get("type", "?"))
    try:
        return _describe(kind, at, actor, data)
    except (KeyError, TypeError, AttributeError):
        return _one_line(f"{at} {kind} {orjson.dumps(data).decode()}")


def _describe(kind: str, at: str, actor: str, data: dict[str, Any]) -> str:
    if kind == "message.created":
        m = data["message"]
        return _one_line(f"{at} #{m['id']} <{actor}> {m.get('content_text') or m['content']}")
    if kind == "message.updated":
        text = (data.get("changes") or {}).get("content_text", "")
        return _one_line(f"{at} #{data['message_id']} edited by {actor}: {text}")
    if kind == "message.deleted":
        return f"{at} #{data['message_id']} deleted by {actor}"
    if kind == "room.member.joined":
        return f"{at} → {actor} joined"
    if kind == "room.member.left":
        return f"{at} ← {actor} left ({data.get('reason', 'left')})"
    if kind == "typing.started":
        return f"{at} … {actor} is typing"
    return _one_line(f"{at} {kind} {orjson.dumps(data).decode()}")


async def _prepare_tail(url: str, token: str, room: str) -> int:
    async with _client(url, token) as http:
        room_id = await _resolve_room(http, room)
        _check(await http.get(f"/api/v1/rooms/{room_id}"))
        _check(await http.post(f"/api/v1/rooms/{room_id}/join"))
        return room_id


async def _heartbeat(ws: ClientConnection, interval: float) -> None:
    with contextlib.suppress(ConnectionClosed):
        while True:
            await asyncio.sleep(interval)
            await ws.send('{"op":"ping"}')


async def tail_room(
    url: str,
    token: str,
    room: str,
    cursor: str | None,
    out: Out = _print_line,
    note: Out | None = None,
) -> None:
    """Print the room's events until cancelled. A dropped connection is resumed from the
    last event seen (nothing lost, nothing repeated); refusals (bad token, no access) end
    it with a typed error."""
    note = note or (lambda line: print(line, file=sys.stderr, flush=True))
    room_id = await _prepare_tail(url, token, room)
    base = _validate_url(url)
    ws_url = base.replace("http://", "ws://", 1).replace("https://", "wss://", 1) + "/gateway"
    state = _TailState(cursor)
    failures = 0
    while True:
        try:
            await _tail_once(ws_url, token, room_id, state, out)
            failures = 1  # the server ended a live connection cleanly (restart?)
            note("connection closed by the server; reconnecting")
            await asyncio.sleep(0.5 + random.random() / 2)
        except CursorExpired:
            note("cursor expired: some events are gone; continuing from now")
            state.cursor = None
        except BrokenPipeError:  # whoever read our output went away
            raise
        except InvalidURI as exc:
            raise BadRequest(f"bad gateway URL {ws_url}: {exc}", code="invalid_url") from None
        except (ConnectionClosed, OSError, InvalidHandshake, TimeoutError) as exc:
            failures = 1 if state.live else failures + 1
            state.live = False
            close = exc.rcvd if isinstance(exc, ConnectionClosed) else None
            if close is not None and close.code in _FINAL_CLOSE_CODES:
                code, message = state.error or (
                    "connection_refused",
                    f"the server closed the connection: {close.reason or close.code}",
                )
                raise _FINAL_CLOSE_CODES[close.code](message, code=code) from None
            delay = min(10.0, 0.5 * 2 ** min(failures, 5)) * (0.5 + random.random() / 2)
            note(f"connection lost ({exc or type(exc).__name__}); reconnecting in {delay:.1f} s")
            await asyncio.sleep(delay)


class _TailState:
    def __init__(self, cursor: str | None) -> None:
        self.cursor = cursor  # resume after this event
        self.live = False  # the current connection got its ready frame
        self.error: tuple[str, str] | None = None  # its last error frame: code, message


async def _tail_once(ws_url: str, token: str, room_id: int, state: _TailState, out: Out) -> None:
    """One gateway connection; `state.cursor` follows the events seen."""
    state.live = False
    state.error = None
    async with websockets.connect(ws_url, max_size=None, open_timeout=15) as ws:
        hello: dict[str, Any] = {"op": "hello", "token": token}
        if state.cursor is not None:
            hello["cursor"] = state.cursor
        await ws.send(orjson.dumps(hello).decode())
        heartbeat: asyncio.Task[None] | None = None
        try:
            async for raw in ws:
                frame = orjson.loads(raw)
                op = frame.get("op")
                if op == "error":  # the close that follows says whether to resume
                    code = str(frame.get("code") or "gateway_error")
                    message = str(frame.get("message") or code)
                    if code == "cursor_expired":
                        raise CursorExpired(message, code=code)
                    state.error = (code, message)
                    continue
                if op == "ready":
                    state.live = True
                    if frame.get("cursor") is not None:
                        state.cursor = str(frame["cursor"])
                    interval = float(frame.get("heartbeat_interval") or 30.0)
                    heartbeat = asyncio.create_task(_heartbeat(ws, max(0.05, interval)))
                    continue
                if op != "event":
                    continue
                if frame.get("room_id") == room_id and frame.get("type") != "typing.stopped":
                    out(describe(frame))
                if isinstance(frame.get("seq"), int):
                    state.cursor = str(frame["seq"])
        finally:
            if heartbeat is not None:
                heartbeat.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await heartbeat

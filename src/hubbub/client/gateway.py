"""The gateway connection: socket, hello, heartbeat, receive loop, reconnect with resume.

Policy (what a close code means, backoff, dedupe) lives in `session.py`; this module only
does I/O and follows it. One `Gateway` owns one `Cursor` for its whole life, so every
reconnect resumes from the last event the client processed.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from hubbub.client.lifecycle import Connected, Connecting, Disconnected, EventsMissed
from hubbub.client.session import (
    Backoff,
    CloseAction,
    Cursor,
    classify_close,
    fatal_error,
    hello_frame,
    server_wait,
)
from hubbub.errors import Forbidden, ServiceUnavailable, Unauthorized
from hubbub.protocol.events import Event
from hubbub.protocol.frames import HEARTBEAT_INTERVAL_S, Op

__all__ = ["Gateway", "GatewayState", "gateway_url"]

_log = logging.getLogger(__name__)

ReadyCallback = Callable[[dict[str, Any], bool], Awaitable[None]]
FrameCallback = Callable[[dict[str, Any]], Awaitable[None]]
LifecycleCallback = Callable[[Event], None]

# A private close code for "we gave up on this connection" (heartbeat timeout).
_ZOMBIE_CLOSE = 4000


class GatewayState(enum.Enum):
    IDLE = "idle"
    CONNECTING = "connecting"
    AUTHENTICATING = "authenticating"
    READY = "ready"
    WAITING = "waiting"  # between attempts
    CLOSED = "closed"


class _SessionEnded(Exception):
    """One connection ended; carries what the reconnect loop needs to decide."""

    def __init__(self, code: int | None, reason: str, *, was_ready: bool) -> None:
        super().__init__(f"gateway closed: code={code} reason={reason!r}")
        self.code = code
        self.reason = reason
        self.was_ready = was_ready


class Gateway:
    def __init__(
        self,
        url: str,
        token: str | None,
        *,
        on_ready: ReadyCallback,
        on_event: FrameCallback,
        on_lifecycle: LifecycleCallback,
        on_resumed: FrameCallback | None = None,
        backoff: Backoff | None = None,
        heartbeat_interval: float = HEARTBEAT_INTERVAL_S,
        open_timeout: float = 10.0,
        reconnect: bool = True,
    ) -> None:
        self.url = url
        self._token = token
        self._on_ready = on_ready
        self._on_event = on_event
        self._on_lifecycle = on_lifecycle
        self._on_resumed = on_resumed
        self.backoff = backoff or Backoff()
        self.heartbeat_interval = heartbeat_interval
        self.open_timeout = open_timeout
        self.reconnect = reconnect
        self.cursor = Cursor()
        self.state = GatewayState.IDLE
        self.session_id: str | None = None
        self._ws: ClientConnection | None = None
        self._closing = False
        self._last_error: dict[str, Any] | None = None
        self._last_recv = 0.0
        # Requests awaiting an error frame that carries their `id` (see expect_error).
        self._error_waiters: dict[str | int, asyncio.Future[dict[str, Any]]] = {}

    # -- public ----------------------------------------------------------------------

    async def run(self) -> None:
        """Connect and keep connected until `close()`. Raises a `HubbubError` when
        reconnecting cannot help (bad token, forbidden, protocol bug)."""
        attempt = 0
        while not self._closing:
            started = time.monotonic()
            self._on_lifecycle(Connecting(url=self.url, attempt=attempt))
            try:
                await self._run_once()
                code, reason, was_ready = None, "", True  # only reached after close()
            except _SessionEnded as ended:
                code, reason, was_ready = ended.code, ended.reason, ended.was_ready
            except InvalidStatus as exc:
                status = exc.response.status_code
                if status in (401, 403):
                    self._fail(status, f"handshake rejected with HTTP {status}")
                    cls = Unauthorized if status == 401 else Forbidden
                    raise cls(f"gateway handshake rejected with HTTP {status}") from exc
                code, reason, was_ready = None, f"HTTP {status}", False
            except (OSError, TimeoutError, InvalidHandshake) as exc:
                code, reason, was_ready = None, f"{type(exc).__name__}: {exc}", False
            if self._closing:
                break

            action = classify_close(code)
            if action is CloseAction.FATAL:
                assert code is not None
                self._fail(code, reason)
                raise fatal_error(code, reason, self._last_error)
            if not self.reconnect:
                self._fail(code, reason)
                raise ServiceUnavailable(
                    f"gateway connection lost ({reason or code})", code="gateway_closed"
                )

            if was_ready and time.monotonic() - started >= self.backoff.healthy_after:
                attempt = 0
            if action is CloseAction.RESYNC:
                delay = 0.0
            else:
                # Never sooner than a rate-limit close asked (its error frame's retry_after).
                delay = max(self.backoff.delay(attempt), server_wait(code, self._last_error))
                attempt += 1
            self._on_lifecycle(
                Disconnected(code=code, reason=reason, will_reconnect=True, retry_in=delay)
            )
            if action is CloseAction.RESYNC:
                expired = self.cursor.wire
                self.cursor.reset()
                self._on_lifecycle(EventsMissed(cursor=expired))
            _log.info("gateway closed (code=%s %s); reconnecting in %.2fs", code, reason, delay)
            self.state = GatewayState.WAITING
            await asyncio.sleep(delay)
        self.state = GatewayState.CLOSED

    async def close(self) -> None:
        self._closing = True
        ws = self._ws
        if ws is not None:
            await ws.close(1000, "client closing")

    async def send(self, frame: dict[str, Any]) -> None:
        ws = self._ws
        if ws is None or self.state is not GatewayState.READY:
            raise ServiceUnavailable("gateway is not connected", code="gateway_not_ready")
        await ws.send(json.dumps(frame))

    def expect_error(self, request_id: str | int) -> asyncio.Future[dict[str, Any]]:
        """A future for the error frame answering the request sent with `id` =
        `request_id` (a refused `subscribe`): the error goes to that caller, not to the
        connection's last error. The caller cancels it once answered otherwise."""
        waiter: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._error_waiters[request_id] = waiter
        waiter.add_done_callback(lambda _: self._error_waiters.pop(request_id, None))
        return waiter

    async def send_typing(self, room_id: int) -> None:
        await self.send({"op": Op.TYPING.value, "room_id": room_id})

    # -- one connection --------------------------------------------------------------

    def _fail(self, code: int | None, reason: str) -> None:
        self.state = GatewayState.CLOSED
        self._on_lifecycle(Disconnected(code=code, reason=reason, will_reconnect=False))

    async def _run_once(self) -> None:
        self.state = GatewayState.CONNECTING
        self._last_error = None
        async with connect(self.url, open_timeout=self.open_timeout) as ws:
            self._ws = ws
            heartbeat: asyncio.Task[None] | None = None
            ready = False
            try:
                resumed = self.cursor.wire is not None
                await ws.send(json.dumps(hello_frame(self._token, self.cursor)))
                self.state = GatewayState.AUTHENTICATING
                self._on_lifecycle(Connected(url=self.url))
                self._last_recv = time.monotonic()
                interval = self.heartbeat_interval
                heartbeat = asyncio.create_task(
                    self._heartbeat(ws, interval), name="hubbub-heartbeat"
                )
                async with asyncio.timeout(self.open_timeout):
                    first = await self._next_frame(ws, until=Op.READY)
                # A server with a shorter idle timeout than our default says how often
                # to ping; follow it, or it would close us as idle.
                announced = first.get("heartbeat_interval")
                if isinstance(announced, int | float) and 0 < announced < interval:
                    heartbeat.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await heartbeat
                    heartbeat = asyncio.create_task(
                        self._heartbeat(ws, float(announced)), name="hubbub-heartbeat"
                    )
                self.cursor.on_ready(_opt_str(first.get("cursor")), resumed=resumed)
                self.session_id = _opt_str(first.get("session_id"))
                self.state = GatewayState.READY
                ready = True
                await self._on_ready(first, resumed)
                while True:
                    await self._handle(await self._next_frame(ws))
            except ConnectionClosed as exc:
                close = exc.rcvd
                raise _SessionEnded(
                    close.code if close else None, close.reason if close else "", was_ready=ready
                ) from exc
            except TimeoutError as exc:
                # No ready in time: the server is overloaded or not a hubbub gateway.
                raise _SessionEnded(None, "timed out waiting for ready", was_ready=False) from exc
            finally:
                self._ws = None
                if heartbeat is not None:
                    heartbeat.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await heartbeat

    async def _next_frame(self, ws: ClientConnection, until: Op | None = None) -> dict[str, Any]:
        """The next JSON object frame (pongs and error frames are consumed here)."""
        while True:
            message = await ws.recv()
            self._last_recv = time.monotonic()
            try:
                frame = json.loads(message)
            except ValueError:
                _log.warning("ignoring a non-JSON gateway frame: %.100r", message)
                continue
            if not isinstance(frame, dict):
                _log.warning("ignoring a gateway frame that is not an object: %.100r", frame)
                continue
            op = frame.get("op")
            if op == Op.PONG:
                continue
            if op == Op.ERROR:
                rid = frame.get("id")
                waiter = self._error_waiters.get(rid) if isinstance(rid, str | int) else None
                if waiter is not None and not waiter.done():
                    waiter.set_result(frame)  # the answer to one request, not a close's cause
                    continue
                # Usually followed by a close; kept so the raised error says what happened.
                self._last_error = frame
                _log.warning("gateway error %s: %s", frame.get("code"), frame.get("message"))
                continue
            if until is not None and op != until:
                _log.warning("expected %s, got %s; ignoring", until.value, op)
                continue
            return frame

    async def _handle(self, frame: dict[str, Any]) -> None:
        if frame.get("op") == Op.RESUMED:
            # Replay is over: the server has sent everything up to this position that we
            # may see, so the cursor can move there even past events never shown to us.
            cursor = frame.get("cursor")
            if isinstance(cursor, str) and cursor.isdigit():
                self.cursor.commit(int(cursor))
            if self._on_resumed is not None:
                await self._on_resumed(frame)
            return
        if frame.get("op") != Op.EVENT:
            _log.debug("ignoring gateway op %r", frame.get("op"))
            return
        seq = frame.get("seq")
        if seq is not None and not isinstance(seq, int):
            _log.warning("ignoring an event with a non-integer seq: %r", seq)
            return
        if not self.cursor.accept(seq):
            _log.debug("dropping duplicate event seq=%s (cursor %s)", seq, self.cursor.last_seq)
            return
        try:
            await self._on_event(frame)
        except Exception:
            # Committing anyway: a poison event must not be replayed forever on resume.
            _log.exception("processing event seq=%s failed", seq)
        self.cursor.commit(seq)

    async def _heartbeat(self, ws: ClientConnection, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            if time.monotonic() - self._last_recv > 2 * interval:
                # Two intervals without even a pong: the link is dead but TCP hasn't noticed.
                _log.warning("no frame for %.0fs; reconnecting", 2 * interval)
                await ws.close(_ZOMBIE_CLOSE, "heartbeat timeout")
                return
            try:
                await ws.send(json.dumps({"op": Op.PING.value}))
            except ConnectionClosed:
                return


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)


def gateway_url(base_url: str) -> str:
    """`http(s)://host[/prefix]` → `ws(s)://host[/prefix]/gateway`."""
    url = base_url.rstrip("/")
    if url.startswith("https://"):
        url = "wss://" + url[len("https://") :]
    elif url.startswith("http://"):
        url = "ws://" + url[len("http://") :]
    return url + "/gateway"

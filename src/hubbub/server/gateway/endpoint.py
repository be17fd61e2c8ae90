"""The `/gateway` WebSocket: hello → ready → missed events → live events.

Frames are JSON text `{"op": ...}` (protocol.frames). The handshake registers the
connection with the hub *before* reading the backlog, so events committed while the
backlog is being read are buffered and nothing falls between replay and live.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import orjson
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from hubbub.errors import BadRequest, HubbubError, PayloadTooLarge, RateLimited, Unauthorized
from hubbub.protocol.frames import CloseCode, Op
from hubbub.server.gateway import commands, subscriptions
from hubbub.server.gateway.connection import Connection, ConnState
from hubbub.server.gateway.hub import Hub
from hubbub.server.gateway.transport import EXTENSION, FrameSink
from hubbub.server.services import anonymous, auth, eventfeed, suspensions
from hubbub.server.services import ready as ready_state
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.ratelimit import FrameThrottle, Rule, rate_limited_frame
from hubbub.server.services.typing import TypingTracker

log = logging.getLogger("hubbub.gateway")
PONG = '{"op":"pong"}'
REPLAY_PAGE = 1000


def error_frame(code: str, message: str) -> str:
    return orjson.dumps({"op": Op.ERROR.value, "code": code, "message": message}).decode()


async def _close(
    ws: WebSocket, code: int, error: HubbubError | None = None, reason: str = ""
) -> None:
    if ws.client_state is not WebSocketState.CONNECTED:
        return
    reason = error.message if error is not None else reason
    with contextlib.suppress(Exception):
        if error is not None:
            await ws.send_text(error_frame(error.code, error.message))
        # A close reason is at most 123 bytes of UTF-8.
        await ws.close(code, reason.encode()[:123].decode(errors="ignore") or None)


class GatewaySession:
    def __init__(self, ws: WebSocket, core: Core, hub: Hub, typing: TypingTracker) -> None:
        self.ws = ws
        self.core = core
        self.hub = hub
        self.typing = typing
        self.max_frame = core.settings.max_frame_bytes
        # The direct, coalesced write path when the WebSocket transport offers one.
        ext = ws.scope.get("extensions") or {}
        sink = (ext.get(EXTENSION) or {}).get("sink")
        self.sink: FrameSink | None = sink if isinstance(sink, FrameSink) else None

    async def run(self) -> None:
        await self.ws.accept()
        try:
            await self._admit()
            hello = await self._hello()
            if hello.get("token") is None:  # an anonymous reader (ID-03): public rooms only
                rooms_wanted = anonymous.hello_rooms(hello.get("rooms"))
                ctx: Ctx = anonymous.anonymous_ctx(self.core, rooms_wanted, strict=False)
            else:
                ctx = await auth.authenticate(self.core, hello.get("token"))
            cursor = eventfeed.parse_cursor(_opt_str(hello.get("cursor")))
        except HubbubError as err:
            await _close(self.ws, err.close_code, err)
            return
        except (TimeoutError, WebSocketDisconnect):
            await _close(
                self.ws, CloseCode.BAD_FRAME, BadRequest("no hello received", code="hello_timeout")
            )
            return
        conn = Connection(ctx.user_id, ctx.session_id, self.core.settings.max_send_queue, self.sink)
        self.hub.register(conn)
        fields = {"connection_id": conn.id, "user_id": ctx.user_id, "cursor": cursor}
        log.info("gateway connection opened", extra=fields)
        writer: asyncio.Task[None] | None = None
        presence = self.core.extras.get("presence")  # services.presence (issue 5)
        present = False
        try:
            if presence is not None:
                # Logged before the handshake reads the log: observers hear of it live,
                # and this connection's own ready cursor is already past it.
                present = await presence.connected(ctx.user_id)
            await self._handshake(ctx, conn, cursor)
            writer = asyncio.create_task(self._write(conn), name=f"gateway-write-{conn.id}")
            await self._read(ctx, conn, writer)
        except HubbubError as err:
            await _close(self.ws, err.close_code, err)
        except WebSocketDisconnect:
            pass
        finally:
            self.hub.unregister(conn)
            if present and presence is not None:
                await presence.disconnected(ctx.user_id)
            log.info(
                "gateway connection closed",
                extra={**fields, "close_code": conn.close_code or None, "last_seq": conn.last_seq},
            )
            if writer is not None:
                writer.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await writer

    async def _admit(self) -> None:
        """New connections take a token from their IP's bucket, so that a client cannot
        open sockets (each a handshake, a `ready`, a replay) as fast as it likes; a refusal
        is an error frame `rate_limited` and close 4008, as for frames."""
        settings = self.core.settings
        rule = Rule(settings.gateway_connects_per_second, settings.gateway_connects_burst)
        peer = (self.ws.scope.get("client") or ("", 0))[0]
        await self.core.rate_limiter.take_all([(("ip", "connect", peer), rule)], "connections")

    async def _hello(self) -> dict[str, Any]:
        text = await asyncio.wait_for(self._receive_text(), self.core.settings.hello_timeout_s)
        frame = _parse(text)
        if frame.get("op") != Op.HELLO:
            raise BadRequest("the first frame must be a hello", code="hello_expected")
        return frame

    async def _receive_text(self) -> str:
        message = await self.ws.receive()
        if message["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(message.get("code", 1000))
        text = message.get("text")
        if text is None:
            data = message.get("bytes") or b""
            if len(data) > self.max_frame:
                raise _too_big(len(data), self.max_frame)
            try:
                text = data.decode()
            except UnicodeDecodeError:
                raise BadRequest("frames must be UTF-8 JSON", code="malformed_frame") from None
        if len(text) > self.max_frame:
            raise _too_big(len(text), self.max_frame)
        return str(text)

    async def _handshake(self, ctx: Ctx, conn: Connection, cursor: int | None) -> None:
        core = self.core
        page = await eventfeed.read(core, ctx, cursor, REPLAY_PAGE)
        ready = {
            "op": Op.READY.value,
            # An anonymous reader's ready has `user: null, anonymous: true` (ID-03).
            **(await (anonymous if anonymous.is_anonymous(ctx) else ready_state).read(core, ctx)),
            "cursor": str(cursor if cursor is not None else page.cursor),
            "resumed": cursor is not None,
            "session_id": str(ctx.session_id),
            "connection_id": conn.id,
            "heartbeat_interval": self.core.settings.idle_timeout_s / 2,
        }
        await self._send_all([orjson.dumps(ready)])
        replayed = 0
        while True:
            if page.events:
                await self._send_all([ev.frame for ev in page.events])
                replayed += len(page.events)
            if not page.more:
                break
            page = await eventfeed.read(self.core, ctx, page.cursor, REPLAY_PAGE)
        if cursor is not None:
            # The scan position, not the last event sent: the client may skip straight to
            # it, past events it could never see, and resume cheaper next time.
            done = {"op": Op.RESUMED.value, "cursor": str(page.cursor), "replayed": replayed}
            await self._send_all([orjson.dumps(done)])
        self.hub.go_live(conn, page.scope, page.cursor)

    async def _send_all(self, frames: list[bytes | str]) -> None:
        """Send frames in order: one write through the sink, else one ASGI send each."""
        if self.sink is not None:
            await self.sink.wait_ready()
            if self.sink.closed:
                raise WebSocketDisconnect(1006)
            self.sink.write(frames)
            return
        for frame in frames:
            await self.ws.send_text(frame if isinstance(frame, str) else frame.decode())

    async def _write(self, conn: Connection) -> None:
        """Sends what the flusher could not: everything without a sink; with one, the
        frames queued while the socket's buffer was full, and those before a close."""
        while True:
            await conn.wake.wait()
            if self.sink is not None:
                await self.sink.wait_ready()
            frames = conn.take()
            if frames:
                await self._send_all(frames)
            if conn.state is ConnState.CLOSING:
                await _close(self.ws, conn.close_code, reason=conn.close_reason)
                return

    async def _read(self, ctx: Ctx, conn: Connection, writer: asyncio.Task[None]) -> None:
        idle = self.core.settings.idle_timeout_s
        # Every client frame takes a token (services.ratelimit.FrameThrottle).
        throttle = FrameThrottle(self.core.rate_limiter, self.core.settings, conn.id, ctx.user_id)
        while not writer.done():
            try:
                text = await asyncio.wait_for(self._receive_text(), idle)
            except TimeoutError:
                conn.close(CloseCode.IDLE_TIMEOUT, f"no frame for {idle:.0f} s")
                await asyncio.wait_for(writer, 5)
                return
            except HubbubError as err:
                conn.push(error_frame(err.code, err.message))
                conn.close(err.close_code, err.message[:120])
                await asyncio.wait_for(writer, 5)
                return
            try:
                await throttle.admit()
            except RateLimited as err:  # refused unread; persisting gets the socket closed
                conn.push(rate_limited_frame(err))
                if throttle.exhausted():
                    conn.close(CloseCode.RATE_LIMITED, "too many frames")
                    await asyncio.wait_for(writer, 5)
                    return
                continue
            try:
                await self._command(ctx, conn, text)
            except RateLimited as err:  # a per-action bucket (typing, …): with retry_after
                conn.push(rate_limited_frame(err))
            except HubbubError as err:  # a refused command keeps the connection
                conn.push(error_frame(err.code, err.message))

    async def _command(self, ctx: Ctx, conn: Connection, text: str) -> None:
        try:
            frame = _parse(text)
        except BadRequest as err:
            conn.push(error_frame(err.code, err.message))
            conn.close(CloseCode.BAD_FRAME, err.message)
            return
        op = frame.get("op")
        if op in (Op.TYPING, Op.EDITING) and not anonymous.is_anonymous(ctx):
            # MD-11: 403 `suspended`. This Ctx dates from the hello, so the flags are read
            # afresh (commands check in services.commands).
            await suspensions.require_active(self.core, ctx)
        if op == Op.PING:
            conn.push(PONG)
        elif op in (Op.TYPING, Op.EDITING, Op.COMMAND, Op.SUBSCRIBE) and anonymous.is_anonymous(
            ctx
        ):
            raise Unauthorized("anonymous connections are read-only", code="token_missing")
        elif op == Op.TYPING:
            room_id = frame.get("room_id")
            if not isinstance(room_id, int) or isinstance(room_id, bool):
                raise BadRequest("typing needs an integer room_id", code="invalid_room_id")
            await self.typing.start(ctx, room_id)
        elif op == Op.EDITING:
            message_id = frame.get("message_id")
            if not isinstance(message_id, int) or isinstance(message_id, bool):
                raise BadRequest("editing needs an integer message_id", code="invalid_message_id")
            if frame.get("stop") is True:
                self.typing.stop_editing(ctx.user_id, message_id)
            else:
                await self.typing.start_editing(ctx, message_id)
        elif op == Op.COMMAND:  # a chat command: answered to this connection only (MS-17)
            await commands.handle(self.core, ctx, conn, frame)
        elif op == Op.SUBSCRIBE:  # join if need be, then the room's state (#39)
            await subscriptions.handle(self.core, ctx, conn, frame)
        elif op == Op.HELLO:
            raise BadRequest("already identified", code="already_identified")
        else:
            raise BadRequest(f"unknown op {str(op)[:40]!r}", code="unknown_op")


def _parse(text: str) -> dict[str, Any]:
    try:
        frame = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise BadRequest("frame is not valid JSON", code="malformed_frame") from None
    if not isinstance(frame, dict):
        raise BadRequest("frame must be a JSON object", code="malformed_frame")
    return frame


def _opt_str(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise BadRequest("cursor must be a string", code="invalid_cursor")


def _too_big(size: int, limit: int) -> HubbubError:
    return PayloadTooLarge(
        f"frame of {size} bytes exceeds the {limit}-byte limit", code="frame_too_large"
    )

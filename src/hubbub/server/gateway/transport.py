"""The gateway's WebSocket transport: uvicorn's sans-I/O `websockets` protocol, plus a
direct, coalesced write path for the frames the gateway fans out.

Through ASGI every frame is one `websocket.send` message: a coroutine hop through the
Starlette/ASGI layers, a `str → bytes` encode, a `websockets` frame object and one
`transport.write` (so one `send()` system call) per frame per recipient. For fan-out
that per-frame cost is the whole cost. This protocol offers the application an ASGI
scope extension, ``hubbub.frames``, whose ``sink`` writes a list of already-encoded text
payloads to the socket synchronously as **one** transport write: the RFC 6455 header of
an unmasked, unfragmented, uncompressed server text frame is two or four bytes, so the
bytes an event was serialised to once are framed with a header and joined, nothing more.

Everything else (upgrade, `accept`, reading, ping/pong, close handshake, flow control)
stays uvicorn's. The gateway negotiates no permessage-deflate: compression would be
per-connection work on every frame, against "serialise once, write the same bytes to
every recipient" (the frames are small JSON; loopback and LAN links gain little).

Select it with uvicorn's ``ws=`` setting (``hubbub serve`` does). Under any other
WebSocket implementation the extension is absent and the gateway falls back to one
``send_text`` per frame, with the same frames in the same order.
"""

from __future__ import annotations

import logging
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.server import ServerProtocol

EXTENSION = "hubbub.frames"
PROTOCOL_PATH = "hubbub.server.gateway.transport:GatewayWebSocketProtocol"

_SHORT = [bytes((0x81, n)) for n in range(126)]


def text_frame_header(size: int) -> bytes:
    """The header of a final, unmasked text frame carrying `size` payload bytes."""
    if size < 126:
        return _SHORT[size]
    if size < 65536:
        return bytes((0x81, 126, size >> 8, size & 0xFF))
    return b"\x81\x7f" + size.to_bytes(8, "big")


def encode_frames(frames: list[bytes | str]) -> bytes:
    parts: list[bytes] = []
    for frame in frames:
        data = frame.encode() if isinstance(frame, str) else frame
        parts.append(text_frame_header(len(data)))
        parts.append(data)
    return b"".join(parts)


class FrameSink:
    """Writes text frames straight to one connection's transport."""

    __slots__ = ("_proto",)

    def __init__(self, proto: GatewayWebSocketProtocol) -> None:
        self._proto = proto

    @property
    def closed(self) -> bool:
        p = self._proto
        return p.close_sent or p.disconnected or p.transport.is_closing()

    def ready(self) -> bool:
        """True when a write now would neither follow a close nor overfill the buffer."""
        return self._proto.writable.is_set() and not self.closed

    async def wait_ready(self) -> None:
        """Until the transport's buffer has drained below its low-water mark (or the
        connection is gone: uvicorn sets `writable` when the connection is lost)."""
        await self._proto.writable.wait()

    def write(self, frames: list[bytes | str]) -> None:
        """One transport write for all `frames`; frames for a closing connection are
        dropped (its client resumes from its cursor)."""
        if frames and not self.closed:
            self._proto.transport.write(encode_frames(frames))


class GatewayWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's sans-I/O `websockets` protocol without permessage-deflate, exposing a
    `FrameSink` to the application as ``scope["extensions"]["hubbub.frames"]["sink"]``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.conn = ServerProtocol(
            extensions=[],
            max_size=self.config.ws_max_size,
            logger=logging.getLogger("uvicorn.error"),
        )

    def handle_connect(self, event: Any) -> None:
        super().handle_connect(event)
        # The ASGI task was only created: it has not run, so the scope can still grow.
        scope = getattr(self, "scope", None)
        if scope is not None and not self.close_sent:
            scope["extensions"][EXTENSION] = {"sink": FrameSink(self)}

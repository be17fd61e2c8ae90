"""One gateway connection's server-side state: who it is, which rooms it receives, and the
frames waiting to be written. The hub only appends; the frames then go out coalesced.

With a `FrameSink` (the gateway's own WebSocket transport, gateway.transport) the frames
queued for a connection are written without any task switch: the first push to an empty
queue puts the connection on its event loop's flush list, and one callback, run once the
current delivery is done, writes each listed connection's whole queue as one transport
write. Frames queue up only while the socket's buffer is over its high-water mark; the
connection's writer task then waits for it to drain. Without a sink (another ASGI
server or WebSocket implementation) the writer task sends the frames one by one.
"""

from __future__ import annotations

import asyncio
import itertools
import weakref
from collections import deque
from enum import Enum

from hubbub.server.events import LogEvent
from hubbub.server.gateway.transport import FrameSink
from hubbub.server.services.visibility import Scope

_ids = itertools.count(1)


class ConnState(Enum):
    SYNCING = "syncing"  # handshake: every event is buffered, filtered when going live
    LIVE = "live"
    CLOSING = "closing"


class _Flusher:
    """Writes out every connection that got frames since the last run, in one callback."""

    __slots__ = ("dirty", "loop", "scheduled")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.dirty: list[Connection] = []
        self.scheduled = False

    def add(self, conn: Connection) -> None:
        self.dirty.append(conn)
        if not self.scheduled:
            self.scheduled = True
            self.loop.call_soon(self.run)

    def run(self) -> None:
        dirty, self.dirty = self.dirty, []
        self.scheduled = False
        for conn in dirty:
            conn.flush()


_flushers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Flusher] = (
    weakref.WeakKeyDictionary()
)


def _flusher() -> _Flusher:
    loop = asyncio.get_running_loop()
    flusher = _flushers.get(loop)
    if flusher is None:
        flusher = _flushers[loop] = _Flusher(loop)
    return flusher


class Connection:
    __slots__ = (
        "close_code",
        "close_reason",
        "flusher",
        "id",
        "last_seq",
        "max_queue",
        "pending",
        "queue",
        "scope",
        "session_id",
        "sink",
        "state",
        "user_id",
        "wake",
    )

    def __init__(
        self, user_id: int, session_id: int, max_queue: int, sink: FrameSink | None = None
    ) -> None:
        self.id = f"c{next(_ids)}"
        self.user_id = user_id
        self.session_id = session_id
        # What this connection receives; set when it goes live (services.visibility).
        self.scope = Scope(user_id, {}, set(), set(), set())
        self.state = ConnState.SYNCING
        self.pending: list[LogEvent] = []
        # Encoded frames (`bytes`) when there is a sink, `str` for the ASGI fallback.
        self.queue: deque[bytes | str] = deque()
        self.wake = asyncio.Event()
        self.last_seq = 0
        self.max_queue = max_queue
        self.close_code = 0
        self.close_reason = ""
        self.sink = sink
        self.flusher = _flusher() if sink is not None else None

    def push(self, frame: bytes | str) -> None:
        if self.state is ConnState.CLOSING:
            return
        queue = self.queue
        queue.append(frame)
        if len(queue) > self.max_queue:
            # A reader this far behind is better served by resuming from its cursor.
            self.close(4008, "send queue overflow: reconnect and resume from your cursor")
        elif self.flusher is None:
            self.wake.set()
        elif len(queue) == 1:
            self.flusher.add(self)

    def push_event(self, ev: LogEvent) -> None:
        if ev.seq is not None:
            if ev.seq <= self.last_seq:
                return
            self.last_seq = ev.seq
        self.push(ev.frame if self.sink is not None else ev.frame_text)

    def flush(self) -> None:
        """Write the whole queue now as one write, unless the socket's buffer is full
        (then the writer task waits for it to drain) or the connection is closing (then
        the writer task sends what is queued before the close frame)."""
        sink = self.sink
        if not self.queue or sink is None:
            return
        if self.state is ConnState.CLOSING or not sink.ready():
            self.wake.set()
            return
        sink.write(self.take())

    def close(self, code: int, reason: str) -> None:
        if self.state is not ConnState.CLOSING:
            self.state = ConnState.CLOSING
            self.close_code, self.close_reason = code, reason
            self.wake.set()

    def take(self) -> list[bytes | str]:
        frames = list(self.queue)
        self.queue.clear()
        self.wake.clear()
        return frames

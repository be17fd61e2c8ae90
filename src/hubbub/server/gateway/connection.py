"""One gateway connection's server-side state: who it is, which rooms it receives, and the
frames waiting to be written. The hub only appends; the connection's writer task drains."""

from __future__ import annotations

import asyncio
import itertools
from collections import deque
from enum import Enum

from hubbub.server.events import LogEvent

_ids = itertools.count(1)


class ConnState(Enum):
    SYNCING = "syncing"  # handshake: every event is buffered, filtered when going live
    LIVE = "live"
    CLOSING = "closing"


class Connection:
    __slots__ = (
        "close_code",
        "close_reason",
        "id",
        "last_seq",
        "max_queue",
        "pending",
        "queue",
        "rooms",
        "session_id",
        "state",
        "user_id",
        "wake",
    )

    def __init__(self, user_id: int, session_id: int, max_queue: int) -> None:
        self.id = f"c{next(_ids)}"
        self.user_id = user_id
        self.session_id = session_id
        self.rooms: set[int] = set()
        self.state = ConnState.SYNCING
        self.pending: list[LogEvent] = []
        self.queue: deque[str] = deque()
        self.wake = asyncio.Event()
        self.last_seq = 0
        self.max_queue = max_queue
        self.close_code = 0
        self.close_reason = ""

    def push(self, frame: str) -> None:
        if self.state is ConnState.CLOSING:
            return
        self.queue.append(frame)
        if len(self.queue) > self.max_queue:
            # A reader this far behind is better served by resuming from its cursor.
            self.close(4008, "send queue overflow: reconnect and resume from your cursor")
        self.wake.set()

    def push_event(self, ev: LogEvent) -> None:
        if ev.seq is not None:
            if ev.seq <= self.last_seq:
                return
            self.last_seq = ev.seq
        self.push(ev.frame_text)

    def close(self, code: int, reason: str) -> None:
        if self.state is not ConnState.CLOSING:
            self.state = ConnState.CLOSING
            self.close_code, self.close_reason = code, reason
            self.wake.set()

    def take(self) -> list[str]:
        frames = list(self.queue)
        self.queue.clear()
        self.wake.clear()
        return frames

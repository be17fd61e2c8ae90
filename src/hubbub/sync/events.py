"""From the loop thread to the caller's: per-consumer queues and watch threads."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hubbub.protocol.events import Event, RoomEvent

if TYPE_CHECKING:
    from hubbub.sync.client import Client

__all__ = ["CLOSED", "Subscription", "Watch"]

_log = logging.getLogger("hubbub.sync")

CLOSED: Any = object()
"""The end-of-stream marker a closed subscription's queue ends with."""


class Subscription:
    """One consumer's events of one room, handed from the loop thread to another."""

    def __init__(
        self, room_id: int, types: tuple[type[Event], ...], convert: Callable[[Any], Any] | None
    ) -> None:
        self.room_id = room_id
        self.types = types
        self.convert = convert
        self.queue: queue.Queue[Any] = queue.Queue()

    def offer(self, event: Event) -> None:
        """Runs on the loop thread: keep the event if it is this room's and of our types."""
        if not isinstance(event, self.types) or not isinstance(event, RoomEvent):
            return
        if event.room_id != self.room_id:
            return
        try:
            self.queue.put(event if self.convert is None else self.convert(event))
        except Exception:
            _log.exception("could not prepare %s for a sync consumer", type(event).__name__)

    def close(self) -> None:
        self.queue.put(CLOSED)


class Watch:
    """A running `room.watch(callback)`: its dispatcher thread; `stop()` ends it."""

    def __init__(
        self, chat: Client, subscription: Subscription, callback: Callable[[Any], object]
    ) -> None:
        self._chat = chat
        self._subscription = subscription
        self._callback = callback
        self._thread = threading.Thread(target=self._run, name="hubbub-sync-watch", daemon=True)
        self._thread.start()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        while True:
            event = self._subscription.queue.get()
            if event is CLOSED:
                return
            try:
                self._callback(event)
            except Exception:
                _log.exception("a watch callback failed on %s", type(event).__name__)

    def stop(self, timeout: float | None = 5.0) -> None:
        """Stop delivering events; waits for a running callback (unless called from it)."""
        self._chat._unsubscribe(self._subscription)
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)

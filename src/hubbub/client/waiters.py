"""Temporary subscriptions: `wait_for` (one or `count` events, awaited or iterated) and
`stream` (every matching event until closed).

Both register when created, not when first awaited, so an app can arm one before the
action that causes the event and cannot miss a fast reply. The dispatcher feeds them after
the event's handlers were started (EventDispatcher.process).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from hubbub.errors import ServiceUnavailable
from hubbub.protocol.events import Event

if TYPE_CHECKING:
    from hubbub.client.dispatch import EventDispatcher

__all__ = ["EventStream", "Waiter"]

_log = logging.getLogger(__name__)

E = TypeVar("E", bound=Event)
R = TypeVar("R")
_CLOSED: Any = object()


def closed_error() -> ServiceUnavailable:
    return ServiceUnavailable("the client was closed", code="client_closed")


class Waiter(asyncio.Future[R], Generic[E, R]):
    """The next `count` events of `types` that pass `check`: a future of the event
    (count=1) or of the list of `count` events, also iterable as they arrive.

    `await waiter` gives the result; `async for event in waiter` yields each event as it
    comes. Fails with TimeoutError when they did not all come within `timeout` seconds of
    the call, and with ServiceUnavailable(client_closed) when the client closes.
    `cancel()` unregisters it.
    """

    def __init__(
        self,
        dispatcher: EventDispatcher,
        types: tuple[type[E], ...],
        check: Callable[[E], bool] | None,
        count: int,
        timeout: float | None,
    ) -> None:
        loop = asyncio.get_running_loop()
        super().__init__(loop=loop)
        self.types = types
        self.check = check
        self.count = count
        self._events: list[E] = []
        self._yielded = 0
        self._wakeup: asyncio.Future[None] | None = None
        self._dispatcher = dispatcher
        self._timer = None if timeout is None else loop.call_later(timeout, self._expire, timeout)
        dispatcher._waiters.append(self)
        self.add_done_callback(self._forget)

    @property
    def future(self) -> asyncio.Future[R]:
        """Itself (kept for code that asked a waiter for its future)."""
        return self

    # -- fed by the dispatcher -------------------------------------------------------

    def _offer(self, event: Event) -> None:
        if self.done() or not isinstance(event, self.types):
            return
        try:
            matched = self.check is None or self.check(event)
        except Exception as exc:
            # A broken predicate is the waiter's bug: surface it to whoever awaits.
            self.set_exception(exc)
            return
        if not matched:
            return
        self._events.append(event)
        self._wake()
        if len(self._events) >= self.count:
            result: Any = self._events[0] if self.count == 1 else list(self._events)
            self.set_result(result)

    def _expire(self, timeout: float) -> None:
        if not self.done():
            got = len(self._events)
            self.set_exception(
                TimeoutError(f"{got} of {self.count} matching event(s) within {timeout}s")
            )

    def _close(self) -> None:
        if not self.done():
            self.set_exception(closed_error())

    def _forget(self, _: asyncio.Future[Any]) -> None:
        if self._timer is not None:
            self._timer.cancel()
        if self in self._dispatcher._waiters:
            self._dispatcher._waiters.remove(self)
        self._wake()

    def _wake(self) -> None:
        if self._wakeup is not None and not self._wakeup.done():
            self._wakeup.set_result(None)

    # -- iteration -------------------------------------------------------------------

    def __aiter__(self) -> AsyncIterator[E]:
        return self

    async def __anext__(self) -> E:
        if self._yielded >= self.count:
            raise StopAsyncIteration
        while self._yielded >= len(self._events):
            if self.done():
                self.result()  # raises the timeout / close / check error
            self._wakeup = asyncio.get_running_loop().create_future()
            await self._wakeup
        event = self._events[self._yielded]
        self._yielded += 1
        return event


class EventStream(Generic[E]):
    """Events of the given classes, from creation on, as an async iterator.

    Registered when created (not at the first `__anext__`), so nothing dispatched in
    between is missed. Ends when closed (`async with`, `close()`) or when the client
    closes. Unbounded by default; with `maxsize` the oldest queued event is dropped.
    """

    def __init__(
        self,
        dispatcher: EventDispatcher,
        types: tuple[type[E], ...],
        check: Callable[[E], bool] | None,
        maxsize: int,
    ) -> None:
        self._dispatcher = dispatcher
        self._types = types
        self._check = check
        # Unbounded queue, bounded by hand, so the close sentinel always fits.
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._maxsize = maxsize
        self._closed = False
        self.dropped = 0
        dispatcher._streams.add(self)

    def wants(self, cls: type[Event]) -> bool:
        return not self._closed and issubclass(cls, self._types)

    def _push(self, event: Event) -> None:
        if self._closed or not isinstance(event, self._types):
            return
        if self._check is not None and not self._check(event):
            return
        if self._maxsize and self._queue.qsize() >= self._maxsize:
            self._queue.get_nowait()
            self.dropped += 1
            _log.warning("event stream full; dropped the oldest event")
        self._queue.put_nowait(event)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._dispatcher._streams.discard(self)
            self._queue.put_nowait(_CLOSED)

    def __aiter__(self) -> EventStream[E]:
        return self

    async def __anext__(self) -> E:
        if self._closed and self._queue.empty():
            raise StopAsyncIteration
        event = await self._queue.get()
        if event is _CLOSED:
            raise StopAsyncIteration
        result: E = event
        return result

    async def __aenter__(self) -> EventStream[E]:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()

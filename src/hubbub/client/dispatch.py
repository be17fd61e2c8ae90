"""Typed dispatch: handlers keyed by event class, matched along the class hierarchy.

A handler on `MessageEvent` receives MessageCreated/Updated/Deleted; one on `Event`
receives everything, including the SDK's lifecycle events. For one event, handlers run
most specific class first (the event's MRO), and in registration order per class.

Each handler runs in its own task, started in event order; a failing handler is logged
and affects nothing else. Running handlers as tasks is what lets a handler await
`wait_for(...)` for a later event without deadlocking the receive loop (discord.py's
model); a client created with `sequential_handlers=True` instead awaits every handler
before the next event.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import weakref
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

from hubbub.errors import ServiceUnavailable
from hubbub.protocol.events import Event

__all__ = ["EventDispatcher", "EventStream", "Handler", "resolve_handler_name"]

_log = logging.getLogger(__name__)

E = TypeVar("E", bound=Event)
Handler = Callable[[E], Awaitable[object]]
_CLOSED: Any = object()


def _event_classes() -> list[type[Event]]:
    found: list[type[Event]] = []
    pending: list[type[Event]] = [Event]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


def resolve_handler_name(name: str) -> type[Event]:
    """`on_message_created` → MessageCreated. Also accepts the wire-name spelling
    (`on_room_member_joined` → MemberJoined). Unknown names fail loudly: a typo'd handler
    that silently never runs is the worst bug a bot author can get."""
    by_name: dict[str, type[Event]] = {}
    for cls in _event_classes():
        by_name.setdefault(cls.handler_name(), cls)
        if cls.type_name:
            by_name.setdefault("on_" + cls.type_name.replace(".", "_"), cls)
    try:
        return by_name[name]
    except KeyError:
        known = ", ".join(sorted(n for n in by_name if not n.startswith("on_client_")))
        raise ValueError(f"no event named {name!r}; known: {known}") from None


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


class _Waiter:
    __slots__ = ("check", "future", "types")

    def __init__(
        self,
        types: tuple[type[Event], ...],
        check: Callable[[Any], bool] | None,
        future: asyncio.Future[Any],
    ) -> None:
        self.types = types
        self.check = check
        self.future = future


def _expire(future: asyncio.Future[Any], timeout: float) -> None:
    if not future.done():
        future.set_exception(TimeoutError(f"no matching event within {timeout}s"))


class EventDispatcher:
    def __init__(self) -> None:
        self._handlers: dict[type[Event], list[Handler[Any]]] = {}
        self._waiters: list[_Waiter] = []
        self._streams: weakref.WeakSet[EventStream[Any]] = weakref.WeakSet()
        self._tasks: set[asyncio.Task[None]] = set()

    # -- registration ----------------------------------------------------------------

    def subscribe(self, cls: type[E], handler: Handler[E]) -> None:
        if not (isinstance(cls, type) and issubclass(cls, Event)):
            raise TypeError(f"{cls!r} is not an Event class")
        if not inspect.iscoroutinefunction(handler):
            raise TypeError(f"handler {handler!r} must be an async function")
        self._handlers.setdefault(cls, []).append(handler)

    def unsubscribe(self, cls: type[E], handler: Handler[E]) -> None:
        handlers = self._handlers.get(cls, [])
        if handler in handlers:
            handlers.remove(handler)

    def handlers_for(self, cls: type[Event]) -> list[Handler[Any]]:
        """Every handler an event of `cls` reaches, in call order."""
        return [h for base in cls.__mro__ for h in self._handlers.get(base, [])]

    # -- dispatch --------------------------------------------------------------------

    def dispatch(self, event: Event) -> list[asyncio.Task[None]]:
        """Deliver one event: resolve waiters, feed streams, start handler tasks.

        Synchronous up to task creation, so calling it in event order starts every
        consumer in event order. Returns the handler tasks (awaited in sequential mode).
        """
        for waiter in list(self._waiters):
            if waiter.future.done():
                self._waiters.remove(waiter)
                continue
            if not isinstance(event, waiter.types):
                continue
            try:
                matched = waiter.check is None or waiter.check(event)
            except Exception as exc:
                # A broken predicate is the waiter's bug: surface it to whoever awaits.
                waiter.future.set_exception(exc)
                self._waiters.remove(waiter)
                continue
            if matched:
                waiter.future.set_result(event)
                self._waiters.remove(waiter)
        for stream in list(self._streams):
            try:
                stream._push(event)
            except Exception:
                _log.exception("event stream check failed for %s", type(event).__name__)
        tasks = []
        for handler in self.handlers_for(type(event)):
            task = asyncio.create_task(self._run(handler, event), name=f"hubbub:{handler!r}")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            tasks.append(task)
        return tasks

    def is_handler(self, task: asyncio.Task[Any] | None) -> bool:
        return task in self._tasks

    async def _run(self, handler: Handler[Any], event: Event) -> None:
        try:
            await handler(event)
        except Exception:
            _log.exception("handler %r failed on %s", handler, type(event).__name__)

    # -- waiting ---------------------------------------------------------------------

    def wait_for(
        self,
        cls: type[E],
        *,
        check: Callable[[E], bool] | None = None,
        timeout: float | None = None,
    ) -> asyncio.Future[E]:
        """A future for the next event of `cls` (or a subclass) that passes `check`.

        Registered when called, not when awaited, so an app can arm it before the action
        that causes the event and cannot miss a fast reply:

            reply = client.wait_for(MessageCreated, check=..., timeout=5)
            await room.send("ping")
            event = await reply

        Fails with TimeoutError after `timeout` seconds; cancelling it unregisters it.
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[E] = loop.create_future()
        waiter = _Waiter((cls,), check, future)
        self._waiters.append(waiter)
        timer = None if timeout is None else loop.call_later(timeout, _expire, future, timeout)

        def forget(_: asyncio.Future[E]) -> None:
            if timer is not None:
                timer.cancel()
            if waiter in self._waiters:
                self._waiters.remove(waiter)

        future.add_done_callback(forget)
        return future

    def stream(
        self, *types: type[E], check: Callable[[E], bool] | None = None, maxsize: int = 0
    ) -> EventStream[E]:
        if not types:
            raise TypeError("stream() needs at least one event class")
        return EventStream(self, types, check, maxsize)

    # -- shutdown --------------------------------------------------------------------

    async def join(self) -> None:
        """Wait until every running handler has finished (including ones they spawn)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def close(self) -> None:
        """End streams, fail pending waiters, cancel running handlers."""
        for stream in list(self._streams):
            stream.close()
        for waiter in self._waiters:
            if not waiter.future.done():
                waiter.future.set_exception(
                    ServiceUnavailable("the client was closed", code="client_closed")
                )
        self._waiters.clear()
        current = asyncio.current_task()
        pending = [t for t in self._tasks if t is not current]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

"""Typed dispatch: handlers keyed by event class, matched along the class hierarchy.

The pipeline for one event (`process`, SDK-04):

    before-dispatch hooks → cache update (skipped if a hook called `event.cancel()`)
    → handlers → waiters and streams ("temporary subscriptions") → process hooks

A handler on `MessageEvent` receives MessageCreated/Updated/Deleted; one on `Event`
receives everything, including the SDK's local events. For one event, handlers are started
most specific class first (the event's MRO), in registration order per class; then come
handlers registered under the event's wire name (aliases resolved lazily, for events whose
class another module registers later).

Handlers and hooks may be sync or async. A sync one is called inline on the event loop, so
it must not block (no I/O, no sleeping). An async handler runs in its own task, started in
event order: that is what lets a handler await `wait_for(...)` for a later event without
deadlocking the receive loop (discord.py's model); a client created with
`sequential_handlers=True` instead awaits every handler before feeding waiters. Async hooks
are awaited in place: the next event waits for them.

A handler or hook that raises is logged and reported as a local `HandlerError` event; it
affects nothing else. A failure while handling a HandlerError is only logged.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import weakref
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from hubbub.client.handlers import (
    HandlerError,
    all_event_classes,
    check_event_class,
    check_one_argument,
    close_matches,
)
from hubbub.client.waiters import EventStream, Waiter
from hubbub.protocol.events import Event, ServerEvent

__all__ = [
    "EventDispatcher",
    "EventStream",
    "Handler",
    "Hook",
    "Waiter",
    "resolve_handler_name",
]

_log = logging.getLogger(__name__)

E = TypeVar("E", bound=Event)
Handler = Callable[[E], Awaitable[object] | object]
Hook = Callable[[Event], Awaitable[object] | object]
Predicate = Callable[[Event], bool]
Expander = Callable[[Event], Iterable[Event]]


def handler_names() -> dict[str, type[Event]]:
    """`on_<snake class name>` and `on_<wire name with underscores>` → class."""
    by_name: dict[str, type[Event]] = {}
    for cls in all_event_classes():
        by_name.setdefault(cls.handler_name(), cls)
        if cls.type_name:
            by_name.setdefault("on_" + cls.type_name.replace(".", "_"), cls)
    return by_name


def resolve_handler_name(name: str) -> type[Event]:
    """`on_message_created` → MessageCreated. Also accepts the wire-name spelling
    (`on_room_member_joined` → MemberJoined). Unknown names fail loudly: a typo'd handler
    that silently never runs is the worst bug a bot author can get."""
    by_name = handler_names()
    try:
        return by_name[name]
    except KeyError:
        raise ValueError(f"no event named {name!r}{close_matches(name, by_name)}") from None


@dataclass(slots=True, eq=False)
class _Entry:
    """One registration: the handler, and for aliases a routing condition and an expander
    (one event → several, e.g. a bulk delete → one removal per id)."""

    handler: Callable[[Any], Any]
    when: Predicate | None = None
    expand: Expander | None = None

    def deliveries(self, event: Event) -> list[Event]:
        try:
            found = list(self.expand(event)) if self.expand is not None else [event]
            return [e for e in found if self.when is None or self.when(e)]
        except Exception:
            _log.exception("routing condition of %r failed on %s", self.handler, event)
            return []


class EventDispatcher:
    def __init__(self) -> None:
        self._handlers: dict[type[Event] | str, list[_Entry]] = {}
        self._before: list[Hook] = []
        self._after: list[Hook] = []
        self._waiters: list[Waiter[Any, Any]] = []
        self._streams: weakref.WeakSet[EventStream[Any]] = weakref.WeakSet()
        self._tasks: set[asyncio.Task[None]] = set()

    # -- registration ----------------------------------------------------------------

    def subscribe(
        self,
        key: type[E] | str,
        handler: Handler[E],
        *,
        when: Predicate | None = None,
        expand: Expander | None = None,
    ) -> None:
        """Register `handler` for `key`: an Event class (and its subclasses) or a wire
        name matched against `event.type` at dispatch time. `when` filters, `expand`
        turns one event into the ones the handler gets."""
        if not isinstance(key, str):
            check_event_class(key)
        check_one_argument(handler)
        self._handlers.setdefault(key, []).append(_Entry(handler, when, expand))

    def unsubscribe(self, key: type[E] | str, handler: Handler[E]) -> None:
        entries = self._handlers.get(key, [])
        for entry in entries:
            if entry.handler == handler:
                entries.remove(entry)
                return

    def add_hook(self, stage: str, hook: Hook) -> None:
        """`stage` is "before" (may cancel the cache update) or "process" (after all)."""
        check_one_argument(hook, "hook")
        if stage == "before":
            self._before.append(hook)
        elif stage == "process":
            self._after.append(hook)
        else:
            raise ValueError(f"unknown hook stage {stage!r} (before, process)")

    def remove_hook(self, hook: Hook) -> None:
        for hooks in (self._before, self._after):
            if hook in hooks:
                hooks.remove(hook)

    def handlers_for(self, cls: type[Event]) -> list[Handler[Any]]:
        """Every handler an event of `cls` may reach, in call order (wire-name
        registrations included; routing conditions are not evaluated)."""
        found = [e.handler for base in cls.__mro__ for e in self._handlers.get(base, [])]
        if cls.type_name:
            found += [e.handler for e in self._handlers.get(cls.type_name, [])]
        return found

    def has_listeners(self, cls: type[Event]) -> bool:
        """Whether an event of `cls` would reach anything: a handler, a waiter, a stream
        or a hook. Lets producers skip building events nobody wants."""
        return bool(
            self.handlers_for(cls)
            or self._before
            or self._after
            or any(issubclass(cls, w.types) for w in self._waiters)
            or any(s.wants(cls) for s in list(self._streams))
        )

    # -- dispatch --------------------------------------------------------------------

    async def process(
        self,
        event: Event,
        *,
        apply: Callable[[Any], object] | None = None,
        sequential: bool = False,
    ) -> None:
        """Run the whole pipeline for one event; `apply` is the cache update."""
        for hook in list(self._before):
            await self._call_hook(hook, event)
        if apply is not None and not event.is_canceled:
            try:
                apply(event)
            except Exception:
                # A cache bug must not hide the event from the app.
                _log.exception("cache update failed for %s", _describe(event))
        tasks = self._start_handlers(event)
        if sequential and tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        self._feed(event)
        for hook in list(self._after):
            await self._call_hook(hook, event)

    def dispatch(self, event: Event) -> list[asyncio.Task[None]]:
        """Deliver one event to handlers, waiters and streams, without hooks or cache:
        synchronous up to task creation. Returns the handler tasks."""
        tasks = self._start_handlers(event)
        self._feed(event)
        return tasks

    def _entries(self, event: Event) -> list[_Entry]:
        entries = [e for base in type(event).__mro__ for e in self._handlers.get(base, [])]
        wire = event.type if isinstance(event, ServerEvent) else event.type_name
        if wire:
            entries += self._handlers.get(wire, [])
        return entries

    def _start_handlers(self, event: Event) -> list[asyncio.Task[None]]:
        tasks = []
        for entry in self._entries(event):
            for delivered in entry.deliveries(event):
                task = self._call(entry.handler, delivered)
                if task is not None:
                    tasks.append(task)
        return tasks

    def _call(self, handler: Callable[[Any], Any], event: Event) -> asyncio.Task[None] | None:
        try:
            result = handler(event)
        except Exception as exc:
            self._failed(handler, event, exc)
            return None
        if not inspect.isawaitable(result):
            return None
        return self._spawn(self._await(handler, event, result), f"hubbub:{handler!r}")

    def _spawn(self, coro: Awaitable[None], name: str) -> asyncio.Task[None]:
        task: asyncio.Task[None] = asyncio.ensure_future(coro)
        task.set_name(name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _await(self, handler: Callable[[Any], Any], event: Event, result: Any) -> None:
        try:
            await result
        except Exception as exc:
            self._failed(handler, event, exc)

    async def _call_hook(self, hook: Hook, event: Event) -> None:
        try:
            result = hook(event)
            if inspect.isawaitable(result):
                await result
        except Exception as exc:
            self._failed(hook, event, exc)

    def _failed(self, handler: Callable[..., Any], event: Event, exc: Exception) -> None:
        _log.error("handler %r failed on %s", handler, _describe(event), exc_info=exc)
        if isinstance(event, HandlerError):
            return  # never report a failure about a failure: that could loop forever
        report = HandlerError(event=event, handler=handler, exception=exc)
        self._spawn(self.process(report), "hubbub:handler-error")

    def _feed(self, event: Event) -> None:
        for waiter in list(self._waiters):
            waiter._offer(event)
            if waiter.done() and waiter in self._waiters:
                # Now, not in its done callback: an `await` of a finished waiter does
                # not yield, and must find it gone.
                self._waiters.remove(waiter)
        for stream in list(self._streams):
            try:
                stream._push(event)
            except Exception:
                _log.exception("event stream check failed for %s", _describe(event))

    def is_handler(self, task: asyncio.Task[Any] | None) -> bool:
        return task in self._tasks

    # -- waiting ---------------------------------------------------------------------

    def wait_for(
        self,
        cls: type[E],
        *,
        check: Callable[[E], bool] | None = None,
        timeout: float | None = None,
        count: int = 1,
    ) -> Waiter[E, Any]:
        """The next `count` events of `cls` (or a subclass) that pass `check`: awaited,
        the event (count=1) or a list; iterated, each as it comes.

        Registered when called, not when awaited, so an app can arm it before the action
        that causes the event and cannot miss a fast reply:

            reply = client.wait_for(MessageCreated, check=..., timeout=5)
            await room.send("ping")
            event = await reply

        Fails with TimeoutError after `timeout` seconds; cancelling it unregisters it.
        """
        check_event_class(cls)
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValueError(f"count must be a positive integer, not {count!r}")
        if check is not None and not callable(check):
            raise TypeError(f"check must be callable, not {check!r}")
        return Waiter(self, (cls,), check, count, timeout)

    def stream(
        self, *types: type[E], check: Callable[[E], bool] | None = None, maxsize: int = 0
    ) -> EventStream[E]:
        if not types:
            raise TypeError("stream() needs at least one event class")
        for cls in types:
            check_event_class(cls)
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
        for waiter in list(self._waiters):
            waiter._close()
        self._waiters.clear()
        current = asyncio.current_task()
        pending = [t for t in self._tasks if t is not current]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)


def _describe(event: Event) -> str:
    seq = getattr(event, "seq", None)
    return type(event).__name__ if seq is None else f"{type(event).__name__} seq={seq}"

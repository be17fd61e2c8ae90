"""The handler side of `Client`: registering handlers, hooks, callbacks and the setup
hook, and waiting for events (`wait_for`, `stream`). A mixin, so that `client.py` stays
the facade wiring connection, cache and dispatch together.

Handlers, hooks and callbacks may be sync or async. Sync ones run inline on the event
loop: they must not block (no I/O, no sleeping) or every event waits.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Literal, TypeVar, cast, overload

from hubbub.client.aliases import ALIASES, AliasContext
from hubbub.client.callbacks import Callback, EventCallbacks
from hubbub.client.dispatch import (
    EventDispatcher,
    EventStream,
    Handler,
    Hook,
    Waiter,
    handler_names,
)
from hubbub.client.handlers import (
    annotated_event_classes,
    check_event_class,
    check_no_argument,
    check_one_argument,
    close_matches,
)
from hubbub.protocol.events import Event

__all__ = ["HandlersMixin"]

E = TypeVar("E", bound=Event)
F = TypeVar("F", bound=Handler[Any])
H = TypeVar("H", bound=Hook)
SetupHook = Callable[[], object]
S = TypeVar("S", bound=SetupHook)


class HandlersMixin:
    """Needs `dispatcher`, and `user`/`get_room` for the aliases' routing conditions."""

    dispatcher: EventDispatcher
    _callbacks: list[tuple[type[Event] | str, Callback]]
    _setup_hooks: list[SetupHook]
    _setup_done: bool

    def on(
        self, cls: type[E] | None = None
    ) -> Callable[[Callable[[E], object]], Callable[[E], object]]:
        """`@client.on(MessageEvent)`: the handler gets every subclass too. Without a
        class, the handler's annotation names it (`async def h(e: MessageCreated)`; a
        union `A | B` subscribes to both). Checked here: TypeError for something that is
        not an Event class, a handler that cannot take one argument, or no annotation."""
        if cls is not None and callable(cls) and not isinstance(cls, type):
            raise TypeError("write @client.on() or @client.on(EventClass), with parentheses")
        if cls is not None:
            check_event_class(cls)

        def decorator(handler: Callable[[E], object]) -> Callable[[E], object]:
            classes: tuple[type[Any], ...] = (
                (cls,) if cls is not None else annotated_event_classes(handler)
            )
            check_one_argument(handler)
            for each in classes:
                self.dispatcher.subscribe(each, handler)
            return handler

        return decorator

    def event(self, handler: F) -> F:
        """`@client.event async def on_message_created(event)`: the class from the name.

        Also the seed-style aliases of EVENTS.md C.3 (`on_chat`, `on_private_message`,
        `on_goal`, `on_remove`, …), with their routing conditions. An unknown name is a
        ValueError naming the closest known ones."""
        name = getattr(handler, "__name__", "")
        check_one_argument(handler)
        known = handler_names()
        if name in known:
            self.dispatcher.subscribe(known[name], handler)
        elif name in ALIASES:
            self._subscribe_alias(name, handler)
        else:
            hint = close_matches(name, [*known, *ALIASES])
            raise ValueError(f"no event or alias named {name!r}{hint}")
        return handler

    @property
    def _context(self) -> AliasContext:
        return cast(AliasContext, self)

    def _subscribe_alias(self, name: str, handler: Callable[[Any], object]) -> None:
        for route in ALIASES[name]:
            condition = route.when
            when = None if condition is None else (lambda e, c=condition: c(e, self._context))
            self.dispatcher.subscribe(route.resolve(), handler, when=when, expand=route.expand)

    def add_handler(self, cls: type[E], handler: Handler[E]) -> None:
        self.dispatcher.subscribe(cls, handler)

    def remove_handler(self, cls: type[E], handler: Handler[E]) -> None:
        self.dispatcher.unsubscribe(cls, handler)

    def before_dispatch(self, hook: H) -> H:
        """`@client.before_dispatch`: runs for every event before the cache update and the
        handlers; `event.cancel()` there keeps the cache as it was (handlers still run,
        and see `event.is_canceled`). An async hook is awaited before the next event."""
        self.dispatcher.add_hook("before", hook)
        return hook

    def process(self, hook: H) -> H:
        """`@client.process`: runs for every event last, after its handlers were started
        (finished, with `sequential_handlers`) and its waiters and streams were fed."""
        self.dispatcher.add_hook("process", hook)
        return hook

    def remove_hook(self, hook: Hook) -> None:
        self.dispatcher.remove_hook(hook)

    def use_callbacks(self, callbacks: EventCallbacks) -> EventCallbacks:
        """Route events to a callback-config object (SportsTalk style); replaces the
        callbacks of an earlier `use_callbacks`. Handlers are unaffected."""
        if not isinstance(callbacks, EventCallbacks):
            raise TypeError(f"expected hubbub.EventCallbacks, not {callbacks!r}")
        for key, callback in self._callbacks:
            self.dispatcher.unsubscribe(key, callback)
        self._callbacks = callbacks.install(self.dispatcher, self._context)
        return callbacks

    @overload
    def wait_for(  # type: ignore[overload-overlap]
        self,
        cls: type[E],
        *,
        check: Callable[[E], bool] | None = None,
        timeout: float | None = None,
        count: Literal[1] = 1,
    ) -> Waiter[E, E]: ...

    @overload
    def wait_for(
        self,
        cls: type[E],
        *,
        check: Callable[[E], bool] | None = None,
        timeout: float | None = None,
        count: int,
    ) -> Waiter[E, list[E]]: ...

    def wait_for(
        self,
        cls: type[E],
        *,
        check: Callable[[E], bool] | None = None,
        timeout: float | None = None,
        count: int = 1,
    ) -> Waiter[E, Any]:
        """`await client.wait_for(MessageCreated, check=…, timeout=…)` gives the event;
        with `count=n`, a list of n events. `async for e in client.wait_for(Cls, count=3,
        timeout=5)` yields them as they come. Armed at call time, so it may be created
        before the action that triggers the event. TypeError for something that is not an
        Event class; TimeoutError when `timeout` seconds pass first."""
        return self.dispatcher.wait_for(cls, check=check, timeout=timeout, count=count)

    def stream(
        self, *types: type[E], check: Callable[[E], bool] | None = None, maxsize: int = 0
    ) -> EventStream[E]:
        """`async with client.stream(MessageCreated) as events: async for e in events: …`"""
        return self.dispatcher.stream(*types, check=check, maxsize=maxsize)

    @overload
    def setup_hook(self) -> Coroutine[Any, Any, None]: ...

    @overload
    def setup_hook(self, func: S) -> S: ...

    def setup_hook(self, func: S | None = None) -> S | Coroutine[Any, Any, None]:
        """Runs exactly once, before the first connect: not again on reconnects, nor
        when `start()` is retried (if it raised, the next start() runs it again).
        Override it in a subclass (`async def setup_hook(self) -> None`), or, on a
        client that does not override it, register functions with
        `@client.setup_hook async def prepare() -> None` (sync ones too)."""
        if func is None:
            return _nothing()
        check_no_argument(func, "setup hook")
        self._setup_hooks.append(func)
        return func

    async def _run_setup_once(self) -> None:
        if self._setup_done:
            return
        await self.setup_hook()
        for hook in list(self._setup_hooks):
            result = hook()
            if isinstance(result, Awaitable):
                await result
        self._setup_done = True


async def _nothing() -> None:
    return None

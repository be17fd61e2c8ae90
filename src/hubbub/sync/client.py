"""`hubbub.sync.Client`: a `hubbub.Client` on a loop thread, behind blocking calls."""

from __future__ import annotations

import asyncio
import functools
import inspect
import queue
import threading
import weakref
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from types import TracebackType
from typing import Any, TypeVar, overload

from hubbub.client.client import Client as AsyncClient
from hubbub.client.notifications import NotificationList
from hubbub.client.objects import Message, Room, User
from hubbub.protocol.events import Event, MessageCreated, MessageEvent
from hubbub.sync.events import CLOSED, Subscription
from hubbub.sync.objects import (
    WRAPPERS,
    SyncMessage,
    SyncNotificationList,
    SyncRoom,
    SyncSpace,
    SyncUser,
    Wrapper,
)

__all__ = ["Client"]

T = TypeVar("T")


class Client:
    """A blocking hubbub client: `with Client(url, token=…) as chat: …`.

    `timeout` bounds every call (seconds); other options go to `hubbub.Client`.
    """

    def __init__(
        self, base_url: str, *, token: str | None = None, timeout: float = 30.0, **options: Any
    ) -> None:
        async def create() -> AsyncClient:
            return AsyncClient(base_url, token=token, **options)

        self._setup(timeout, create())

    @classmethod
    def login(
        cls, base_url: str, username: str, password: str, *, timeout: float = 30.0, **options: Any
    ) -> Client:
        """A client holding a fresh session token for `username` (not yet connected)."""
        chat = cls.__new__(cls)
        chat._setup(timeout, AsyncClient.login(base_url, username, password, **options))
        return chat

    def _setup(self, timeout: float, create: Coroutine[Any, Any, AsyncClient]) -> None:
        self.timeout = timeout
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="hubbub-sync-loop", daemon=True
        )
        self._thread.start()
        self._lock = threading.Lock()
        self._subscriptions: set[Subscription] = set()
        self._wrappers: weakref.WeakValueDictionary[tuple[type[Any], int], Wrapper[Any]] = (
            weakref.WeakValueDictionary()
        )
        self._started = False
        self._closed = False
        try:
            self.async_client: AsyncClient = self._call(create)
        except BaseException:
            self._stop_loop()
            raise

    # -- the loop --------------------------------------------------------------------

    def _call(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run `coro` on the client's loop and wait for its result (or its exception)."""
        if threading.current_thread() is self._thread:
            coro.close()
            raise RuntimeError("a blocking hubbub.sync call from the client's own loop")
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        try:
            return future.result(self.timeout if timeout is None else timeout)
        except TimeoutError:
            future.cancel()
            raise

    def _blocking(self, method: Callable[..., Any]) -> Callable[..., Any]:
        """A blocking twin of an async method (or async generator) of a wrapped object."""

        @functools.wraps(method)
        def call(*args: Any, **kwargs: Any) -> Any:
            args = tuple(self._unwrap(a) for a in args)
            kwargs = {k: self._unwrap(v) for k, v in kwargs.items()}
            if inspect.isasyncgenfunction(method):
                return self._iterate(method(*args, **kwargs))
            return self._wrap(self._call(method(*args, **kwargs)))

        return call

    def _iterate(self, source: AsyncIterator[Any]) -> Iterator[Any]:
        async def step() -> tuple[bool, Any]:
            try:
                return True, await source.__anext__()
            except StopAsyncIteration:
                return False, None

        while True:
            more, item = self._call(step())
            if not more:
                return
            yield self._wrap(item)

    @overload
    def _wrap(self, value: Room) -> SyncRoom: ...
    @overload
    def _wrap(self, value: Message) -> SyncMessage: ...
    @overload
    def _wrap(self, value: User) -> SyncUser: ...
    @overload
    def _wrap(self, value: Any) -> Any: ...
    def _wrap(self, value: Any) -> Any:
        """Async objects → their one sync wrapper; lists element-wise; the rest as is."""
        if isinstance(value, NotificationList):
            items = [self._wrap(v) for v in value]
            return SyncNotificationList(items, value.has_more, value.unread_count)
        if isinstance(value, list):
            return [self._wrap(v) for v in value]
        kind = next((w for a, w in WRAPPERS if isinstance(value, a)), None)
        if kind is None:
            return value
        with self._lock:
            wrapper = self._wrappers.get((kind, id(value)))
            if wrapper is None or wrapper._async is not value:
                wrapper = kind(self, value)
                self._wrappers[(kind, id(value))] = wrapper
            return wrapper

    @staticmethod
    def _unwrap(value: Any) -> Any:
        return value._async if isinstance(value, Wrapper) else value

    # -- events ----------------------------------------------------------------------

    def _ensure_started(self) -> None:
        if self._closed:
            raise RuntimeError("this client was closed; create a new one")
        if not self._started:
            self.start()

    def _subscribe(
        self,
        room_id: int,
        types: tuple[type[Event], ...],
        convert: Callable[[Any], Any] | None = None,
    ) -> Subscription:
        subscription = Subscription(room_id, types, convert)
        with self._lock:
            self._subscriptions.add(subscription)
        return subscription

    def _unsubscribe(self, subscription: Subscription) -> None:
        with self._lock:
            self._subscriptions.discard(subscription)
        subscription.close()

    def _drain(self, subscription: Subscription, timeout: float | None) -> Iterator[Any]:
        try:
            while True:
                try:
                    item = subscription.queue.get(timeout=timeout)
                except queue.Empty:
                    return
                if item is CLOSED:
                    return
                yield item
        finally:
            self._unsubscribe(subscription)

    async def _feed(self, event: Event) -> None:
        with self._lock:
            subscriptions = list(self._subscriptions)
        for subscription in subscriptions:
            subscription.offer(event)

    # -- objects ---------------------------------------------------------------------

    def get_me(self) -> SyncUser:
        """The logged-in user, fetched now."""
        wrapped: SyncUser = self._wrap(self._call(self.async_client.fetch_me()))
        return wrapped

    def _ref(self, make: Callable[[], Any]) -> Any:
        async def on_loop() -> Any:
            return make()

        return self._wrap(self._call(on_loop()))

    def get_room(self, room_id: int) -> SyncRoom:
        """The room with this id, without a request: its properties load on first
        access, where NotFound or Forbidden surface (ChatExchange style)."""
        wrapped: SyncRoom = self._ref(lambda: self.async_client.room(room_id))
        return wrapped

    def get_user(self, user_id: int) -> SyncUser:
        """The user with this id; its profile loads on first access (see `get_room`)."""
        wrapped: SyncUser = self._ref(lambda: self.async_client.user_ref(user_id))
        return wrapped

    def get_space(self, space_id: int) -> SyncSpace:
        """The space with this id; it loads on first access (see `get_room`)."""
        wrapped: SyncSpace = self._ref(lambda: self.async_client.space(space_id))
        return wrapped

    def get_message(self, message_id: int) -> SyncMessage:
        """The message with this id; it loads on first access (see `get_room`)."""
        wrapped: SyncMessage = self._ref(lambda: self.async_client.message_ref(message_id))
        return wrapped

    def message(self, event: MessageEvent) -> SyncMessage:
        """The message of a message event (from `watch` or `new_events`), to act on it."""

        async def find() -> Message:
            if isinstance(event, MessageCreated):
                return self.async_client.message(event)
            return await self.async_client.fetch_message(event.message_id)

        wrapped: SyncMessage = self._wrap(self._call(find()))
        return wrapped

    def __getattr__(self, name: str) -> Any:
        """Any other async method of `hubbub.Client` (`create_room`, `open_dm` …), blocking."""
        if name.startswith("_") or name == "async_client":
            raise AttributeError(name)
        value = getattr(self.async_client, name)
        if inspect.iscoroutinefunction(value) or inspect.isasyncgenfunction(value):
            return self._blocking(value)
        raise AttributeError(f"{name!r} is not available on hubbub.sync.Client")

    # -- lifecycle -------------------------------------------------------------------

    @property
    def token(self) -> str | None:
        return self.async_client.token

    @property
    def closed(self) -> bool:
        return self._closed

    def start(self) -> None:
        """Connect the gateway and wait for ready (Unauthorized for a bad token)."""
        if self._started:
            return

        async def start() -> None:
            self.async_client.add_handler(Event, self._feed)
            await self.async_client.start()

        self._started = True
        self._call(start())

    def close(self) -> None:
        """Disconnect, end every generator and watch, and stop the loop thread."""
        if self._closed:
            return
        self._closed = True
        with self._lock:
            subscriptions = list(self._subscriptions)
            self._subscriptions.clear()
        for subscription in subscriptions:
            subscription.close()
        try:
            self._call(self.async_client.close())
        finally:
            self._stop_loop()

    def _stop_loop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        if threading.current_thread() is not self._thread:
            self._thread.join(self.timeout)
            if not self._thread.is_alive():
                self._loop.close()

    def __enter__(self) -> Client:
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, "_closed", True) is False and self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)

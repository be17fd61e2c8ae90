"""`hubbub.sync`: the SDK for scripts, ChatExchange style: no asyncio for the caller.

    import hubbub.sync

    with hubbub.sync.Client(url, token=TOKEN) as chat:
        room = chat.get_room(1)
        room.send("hello")
        for message in room.new_messages():
            if message.content == "!time":
                message.reply(time.ctime())

Each `Client` runs an event loop in a background thread, hosting a real
`hubbub.Client`. Every method blocks on a future from that loop (`timeout` seconds at
most, then `TimeoutError`) and raises the same typed errors (`hubbub.errors`). Objects
are thin wrappers, one per id: attribute reads go to the async object, actions through
the loop; any async method of the async object is available as a blocking one.

Events reach the caller two ways, fed from the loop through thread-safe queues:
`room.watch(callback)` calls a plain function from a dispatcher thread of its own (a slow
callback never stalls the client; an exception is logged), and `room.new_events(...)` /
`room.new_messages()` are blocking generators. Closing the client ends both.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import queue
import threading
import weakref
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from types import TracebackType
from typing import Any, Generic, TypeVar, overload

from hubbub.client.client import Client as AsyncClient
from hubbub.client.objects import Message, Room, User
from hubbub.protocol.events import Event, MessageCreated, MessageEvent, RoomEvent

__all__ = ["Client", "SyncMessage", "SyncRoom", "SyncUser", "Watch"]

_log = logging.getLogger(__name__)

T = TypeVar("T")
E = TypeVar("E", bound=Event)
ObjT = TypeVar("ObjT", Room, Message, User)
_CLOSED: Any = object()


class _Subscription:
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
        self.queue.put(_CLOSED)


class Watch:
    """A running `room.watch(callback)`: its dispatcher thread; `stop()` ends it."""

    def __init__(
        self, chat: Client, subscription: _Subscription, callback: Callable[[Any], object]
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
            if event is _CLOSED:
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


class _Wrapper(Generic[ObjT]):
    """A blocking view of one async object: reads delegate, async methods block."""

    _async: ObjT

    def __init__(self, chat: Client, obj: ObjT) -> None:
        self._chat = chat
        self._async = obj

    @property
    def async_object(self) -> ObjT:
        """The wrapped `hubbub` object (use it only on the client's loop)."""
        return self._async

    @property
    def id(self) -> int:
        return self._async.id

    def __repr__(self) -> str:
        return f"<Sync {self._async!r}>"

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        value = getattr(self._async, name)
        if inspect.iscoroutinefunction(value) or inspect.isasyncgenfunction(value):
            return self._chat._blocking(value)
        if callable(value):
            return value
        return self._chat._wrap(value)


class SyncUser(_Wrapper[User]):
    """A user; every `hubbub.User` property and action, blocking."""

    @property
    def handle(self) -> str:
        return self._async.handle

    @property
    def display_name(self) -> str:
        return self._async.display_name


class SyncMessage(_Wrapper[Message]):
    """A message; every `hubbub.Message` property and action, blocking."""

    @property
    def content(self) -> str:
        return self._async.content

    @property
    def room_id(self) -> int:
        return self._async.room_id

    @property
    def deleted(self) -> bool:
        return self._async.deleted

    @property
    def room(self) -> SyncRoom | None:
        room = self._async.room
        return None if room is None else self._chat._wrap(room)

    @property
    def author(self) -> SyncUser | None:
        author = self._async.author
        return None if author is None else self._chat._wrap(author)

    def reply(self, content: str, *, nonce: str | None = None) -> SyncMessage:
        """Reply to this message; the new message."""
        return self._chat._wrap(self._chat._call(self._async.reply(content, nonce=nonce)))

    def edit(self, content: str | None = None, *, custom_payload: Any = None) -> SyncMessage:
        """Edit this message; it comes back updated (the same wrapper)."""
        edited = self._async.edit(content, custom_payload=custom_payload)
        return self._chat._wrap(self._chat._call(edited))

    def delete(self) -> None:
        self._chat._call(self._async.delete())


class SyncRoom(_Wrapper[Room]):
    """A room; every `hubbub.Room` property and action, blocking, plus event consumers."""

    @property
    def name(self) -> str:
        return self._async.name

    def send(self, content: str = "", **options: Any) -> SyncMessage:
        """Post a message (the options of `hubbub.Room.send`); the new message."""
        options = {k: self._chat._unwrap(v) for k, v in options.items()}
        return self._chat._wrap(self._chat._call(self._async.send(content, **options)))

    def join(self) -> Any:
        """Join this room; the membership (`hubbub.protocol.models.Member`)."""
        return self._chat._call(self._async.join())

    def leave(self) -> None:
        self._chat._call(self._async.leave())

    def messages(self, limit: int = 50, **options: Any) -> list[SyncMessage]:
        """One page of messages, oldest → newest (the options of `hubbub.Room.messages`)."""
        found = self._chat._call(self._async.messages(limit=limit, **options))
        return [self._chat._wrap(m) for m in found]

    def watch(self, callback: Callable[[Any], object], *classes: type[Event]) -> Watch:
        """Call `callback(event)` for each event of this room (all RoomEvents, or
        `classes`), from a dispatcher thread of its own, until `stop()` or close."""
        self._chat._ensure_started()
        return Watch(self._chat, self._chat._subscribe(self.id, classes or (RoomEvent,)), callback)

    def new_events(self, *classes: type[E], timeout: float | None = None) -> Iterator[E]:
        """This room's events from now on (all RoomEvents by default), blocking; ends when
        the client closes, or when none came for `timeout` seconds."""
        self._chat._ensure_started()
        types: tuple[type[Event], ...] = classes or (RoomEvent,)
        return self._chat._drain(self._chat._subscribe(self.id, types), timeout)

    def new_messages(self, timeout: float | None = None) -> Iterator[SyncMessage]:
        """Messages posted here from now on, as `SyncMessage`s (see `new_events`)."""
        self._chat._ensure_started()
        chat = self._chat

        def convert(event: MessageCreated) -> SyncMessage:
            return chat._wrap(chat.async_client.message(event))

        subscription = chat._subscribe(self.id, (MessageCreated,), convert)
        return chat._drain(subscription, timeout)


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
        self._subscriptions: set[_Subscription] = set()
        self._wrappers: weakref.WeakValueDictionary[tuple[type[Any], int], _Wrapper[Any]] = (
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
        kinds: dict[type[Any], type[_Wrapper[Any]]] = {
            Room: SyncRoom,
            Message: SyncMessage,
            User: SyncUser,
        }
        if isinstance(value, list):
            return [self._wrap(v) for v in value]
        kind = next((w for a, w in kinds.items() if isinstance(value, a)), None)
        if kind is None:
            return value
        with self._lock:
            wrapper = self._wrappers.get((kind, value.id))
            if wrapper is None or wrapper._async is not value:
                wrapper = kind(self, value)
                self._wrappers[(kind, value.id)] = wrapper
            return wrapper

    @staticmethod
    def _unwrap(value: Any) -> Any:
        return value._async if isinstance(value, _Wrapper) else value

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
    ) -> _Subscription:
        subscription = _Subscription(room_id, types, convert)
        with self._lock:
            self._subscriptions.add(subscription)
        return subscription

    def _unsubscribe(self, subscription: _Subscription) -> None:
        with self._lock:
            self._subscriptions.discard(subscription)
        subscription.close()

    def _drain(self, subscription: _Subscription, timeout: float | None) -> Iterator[Any]:
        try:
            while True:
                try:
                    item = subscription.queue.get(timeout=timeout)
                except queue.Empty:
                    return
                if item is _CLOSED:
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

    def get_room(self, room_id: int) -> SyncRoom:
        """A room by id, fetched now (NotFound, Forbidden …)."""
        wrapped: SyncRoom = self._wrap(self._call(self.async_client.fetch_room(room_id)))
        return wrapped

    def get_user(self, user_id: int) -> SyncUser:
        wrapped: SyncUser = self._wrap(self._call(self.async_client.fetch_user(user_id)))
        return wrapped

    def get_message(self, message_id: int) -> SyncMessage:
        wrapped: SyncMessage = self._wrap(self._call(self.async_client.fetch_message(message_id)))
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

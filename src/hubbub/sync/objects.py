"""Blocking views of the async objects: reads delegate, actions go through the loop."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from hubbub.client.objects import Message, Room, User
from hubbub.protocol.events import Event, MessageCreated, RoomEvent
from hubbub.sync.events import Watch

if TYPE_CHECKING:
    from hubbub.sync.client import Client

__all__ = ["SyncMessage", "SyncRoom", "SyncUser", "Wrapper"]

E = TypeVar("E", bound=Event)
ObjT = TypeVar("ObjT", Room, Message, User)


class Wrapper(Generic[ObjT]):
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


class SyncUser(Wrapper[User]):
    """A user; every `hubbub.User` property and action, blocking."""

    @property
    def handle(self) -> str:
        return self._async.handle

    @property
    def display_name(self) -> str:
        return self._async.display_name


class SyncMessage(Wrapper[Message]):
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


class SyncRoom(Wrapper[Room]):
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

"""Blocking views of the async objects: reads delegate, actions go through the loop.

Lazy properties load ChatExchange style: reading a property of a fetch group the async
object has not loaded (D.97) fetches that group once, on the client's loop, then
answers; an error of that fetch (`NotFound`, `Forbidden` …) surfaces at that first
access. One wrapper per async object, so identity holds: `chat.get_room(1) is
chat.get_room(1)`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from hubbub.client.notifications import Notification
from hubbub.client.objects import (
    Emoji,
    Member,
    Message,
    NotLoaded,
    Role,
    Room,
    Space,
    SpaceMember,
    User,
    Webhook,
    _Entity,
)
from hubbub.protocol.events import Event, MessageCreated, RoomEvent
from hubbub.sync.events import Watch

if TYPE_CHECKING:
    from hubbub.sync.client import Client

__all__ = [
    "WRAPPERS",
    "SyncEmoji",
    "SyncMember",
    "SyncMessage",
    "SyncNotification",
    "SyncNotificationList",
    "SyncRole",
    "SyncRoom",
    "SyncSpace",
    "SyncSpaceMember",
    "SyncUser",
    "SyncWebhook",
    "Wrapper",
]

E = TypeVar("E", bound=Event)
ObjT = TypeVar("ObjT", bound=_Entity[Any])


class Wrapper(Generic[ObjT]):
    """A blocking view of one async object: reads delegate (loading a lazy group on
    first access), async methods block."""

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

    def load(self, *groups: str) -> Wrapper[ObjT]:
        """Fetch the named fetch groups now (default: those not loaded); this wrapper."""
        self._chat._call(self._async.load(*groups))
        return self

    def __repr__(self) -> str:
        return f"<Sync {self._async!r}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Wrapper) and other._async == self._async

    def __hash__(self) -> int:
        return hash(self._async)

    def _get(self, name: str) -> Any:
        """`name` of the async object; a NotLoaded group is fetched once, then read."""
        try:
            return getattr(self._async, name)
        except NotLoaded as exc:
            self._chat._call(self._async.load(exc.group))
            return getattr(self._async, name)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        value = self._get(name)
        if inspect.iscoroutinefunction(value) or inspect.isasyncgenfunction(value):
            return self._chat._blocking(value)
        if callable(value) and not isinstance(value, _Entity):
            return value
        return self._chat._wrap(value)


class SyncUser(Wrapper[User]):
    """A user; every `hubbub.User` property and action, blocking."""

    @property
    def handle(self) -> str:
        return str(self._get("handle"))

    @property
    def display_name(self) -> str:
        return str(self._get("display_name"))


class SyncMessage(Wrapper[Message]):
    """A message; every `hubbub.Message` property and action, blocking."""

    @property
    def content(self) -> str:
        return str(self._get("content"))

    @property
    def room_id(self) -> int:
        return int(self._get("room_id"))

    @property
    def deleted(self) -> bool:
        return bool(self._get("deleted"))

    @property
    def room(self) -> SyncRoom:
        wrapped: SyncRoom = self._chat._wrap(self._get("room"))
        return wrapped

    @property
    def author(self) -> SyncUser | None:
        author = self._get("author")
        return None if author is None else self._chat._wrap(author)

    owner = author
    user = author

    @property
    def reply_to(self) -> SyncMessage | None:
        target = self._get("reply_to")
        return None if target is None else self._chat._wrap(target)

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
        return str(self._get("name"))

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


class SyncSpace(Wrapper[Space]):
    """A space; every `hubbub.Space` property and action, blocking."""

    @property
    def name(self) -> str:
        return str(self._get("name"))

    def members(self, *, limit: int | None = None) -> list[SyncSpaceMember]:
        found = self._chat._call(self._async.members(limit=limit))
        return [self._chat._wrap(m) for m in found]

    def member(self, user: int | SyncUser | SyncSpaceMember) -> SyncSpaceMember:
        wrapped: SyncSpaceMember = self._chat._wrap(
            self._chat._call(self._async.member(self._chat._unwrap(user)))
        )
        return wrapped


class SyncMember(Wrapper[Member]):
    """Someone's membership of a room: `user`, `room`, `role`, `level`, and the actions
    of `hubbub.Member` (`set_access`, `ban`, `unban`), blocking."""

    @property
    def user(self) -> SyncUser:
        wrapped: SyncUser = self._chat._wrap(self._async.user)
        return wrapped

    @property
    def room(self) -> SyncRoom:
        wrapped: SyncRoom = self._chat._wrap(self._async.room)
        return wrapped


class SyncSpaceMember(Wrapper[SpaceMember]):
    """Someone's membership of a space: `user`, `space`, `roles`, and the actions of
    `hubbub.SpaceMember` (`edit`, `kick`, `add_role` …), blocking."""

    @property
    def user(self) -> SyncUser:
        wrapped: SyncUser = self._chat._wrap(self._async.user)
        return wrapped

    @property
    def space(self) -> SyncSpace:
        wrapped: SyncSpace = self._chat._wrap(self._async.space)
        return wrapped


class SyncRole(Wrapper[Role]):
    """A role of a space; `space` and the actions of `hubbub.Role`, blocking."""

    @property
    def space(self) -> SyncSpace:
        wrapped: SyncSpace = self._chat._wrap(self._async.space)
        return wrapped


class SyncEmoji(Wrapper[Emoji]):
    """A custom emoji; `space` and `delete()`, blocking."""

    @property
    def space(self) -> SyncSpace:
        wrapped: SyncSpace = self._chat._wrap(self._async.space)
        return wrapped


class SyncWebhook(Wrapper[Webhook]):
    """A webhook; `room` and `edit()`, `delete()`, `execute()`, blocking."""

    @property
    def room(self) -> SyncRoom:
        wrapped: SyncRoom = self._chat._wrap(self._async.room)
        return wrapped


class SyncNotification(Wrapper[Notification]):
    """A notification; `mark_read()`, `accept()`, `decline()`, `fetch_message()`,
    blocking."""

    @property
    def room(self) -> SyncRoom | None:
        room = self._async.room
        return None if room is None else self._chat._wrap(room)


class SyncNotificationList(list[SyncNotification]):
    """One page of notifications, newest first, with `has_more` and `unread_count`."""

    has_more: bool
    unread_count: int

    def __init__(self, items: list[SyncNotification], has_more: bool, unread_count: int) -> None:
        super().__init__(items)
        self.has_more = has_more
        self.unread_count = unread_count


# Async class → its sync wrapper, most specific first (`hubbub.sync.Client._wrap`).
WRAPPERS: tuple[tuple[type[Any], type[Wrapper[Any]]], ...] = (
    (Room, SyncRoom),
    (Message, SyncMessage),
    (User, SyncUser),
    (Space, SyncSpace),
    (Member, SyncMember),
    (SpaceMember, SyncSpaceMember),
    (Role, SyncRole),
    (Emoji, SyncEmoji),
    (Webhook, SyncWebhook),
    (Notification, SyncNotification),
)

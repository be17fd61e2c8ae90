"""The identity map, lazy fetch groups and the base of every live object.

Every object is one live instance per id per client (`IdentityMap`, held weakly). It may
be *bare*: built from an id only (`client.room(123)`, `message.reply_to`), knowing
nothing else until a fetch group is loaded (D.97). Reading a property of a group that is
not loaded raises `NotLoaded` in the async client (`await obj.load()` first); the sync
facade loads the group on that first access instead (ChatExchange style), so a
`NotFound` or `Forbidden` surfaces there.

Action methods (every public coroutine method not listed in `_reads`) are guarded before
any request: an anonymous client raises `Unauthorized(code="anonymous_read_only")`, and
subclasses add their own checks (a deleted message raises
`NotFound(code="message_deleted")`).
"""

from __future__ import annotations

import functools
import inspect
import weakref
from collections.abc import Awaitable, Callable, Hashable
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Self, TypeVar

from hubbub.errors import HubbubError, Unauthorized, ValidationError
from hubbub.protocol import models

if TYPE_CHECKING:
    from hubbub.client.client import Client
    from hubbub.client.objects.room import Room

__all__ = ["IdentityMap", "NotLoaded", "body"]

D = TypeVar("D", bound=models.WireModel)
T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


class NotLoaded(HubbubError):
    """A property of a fetch group that this object has not loaded (D.97).

    `group` names it; `await obj.load(group)` fetches it (the sync facade does so on
    access). Stable code: `not_loaded`."""

    status = 400
    close_code = 4400
    default_code = "not_loaded"

    def __init__(self, obj: object, group: str, attribute: str | None = None) -> None:
        what = f"{attribute!r} of " if attribute else ""
        super().__init__(
            f"{what}{obj!r} is in the {group!r} group, not loaded yet: "
            f"`await obj.load({group!r})` first",
            details={"group": group, "attribute": attribute},
        )
        self.group = group
        self.attribute = attribute


class IdentityMap(Generic[T]):
    """id → the one live object, held weakly."""

    def __init__(self) -> None:
        self._objects: weakref.WeakValueDictionary[Any, T] = weakref.WeakValueDictionary()

    def get(self, key: Hashable) -> T | None:
        return self._objects.get(key)

    def get_or_create(self, key: Hashable, factory: Callable[[], T]) -> tuple[T, bool]:
        obj = self._objects.get(key)
        if obj is not None:
            return obj, False
        obj = factory()
        self._objects[key] = obj
        return obj, True

    def pop(self, key: Hashable) -> T | None:
        return self._objects.pop(key, None)

    def put(self, key: Hashable, obj: T) -> None:
        self._objects[key] = obj

    def values(self) -> list[T]:
        return list(self._objects.values())

    def __len__(self) -> int:
        return len(self._objects)


def _guarded(method: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    @functools.wraps(method)
    async def action(self: _Entity[Any], *args: Any, **kwargs: Any) -> Any:
        self._check_action(method.__name__)
        return await method(self, *args, **kwargs)

    return action


class _Entity(Generic[D]):
    __slots__ = ("__weakref__", "_bare_id", "_client", "_snap")

    # Fetch groups (D.97): the first is what a bare object lacks entirely.
    groups: ClassVar[tuple[str, ...]] = ("info",)
    # Public coroutine methods that only read: not guarded as actions.
    _reads: ClassVar[frozenset[str]] = frozenset({"fetch", "load"})

    def __init__(self, client: Client, data: D | None, *, id: int | None = None) -> None:
        if data is None and id is None:
            raise TypeError("an object needs its data or at least its id")
        self._client = client
        self._snap = data
        self._bare_id = id

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name, value in list(vars(cls).items()):
            if name.startswith("_") or name in cls._reads:
                continue
            if inspect.iscoroutinefunction(value):
                setattr(cls, name, _guarded(value))

    @classmethod
    def bare(cls, client: Client, id: int) -> Self:
        """An object known by its id only; its groups load on demand."""
        return cls(client, None, id=id)

    @property
    def id(self) -> int:
        if self._snap is None:
            assert self._bare_id is not None
            return self._bare_id
        return int(getattr(self._snap, "id"))  # noqa: B009 - every wrapped model has an id

    @property
    def _data(self) -> D:
        """The snapshot, or NotLoaded for a bare object (every property reads this)."""
        if self._snap is None:
            raise NotLoaded(self, self.groups[0])
        return self._snap

    @property
    def data(self) -> D:
        """The latest wire snapshot. Immutable: the cache replaces it, never mutates it.
        NotLoaded while the object is bare."""
        return self._data

    @property
    def loaded(self) -> bool:
        """False while only the id is known."""
        return self._snap is not None

    def is_loaded(self, group: str | None = None) -> bool:
        """Whether `group` (default: the first) is loaded, i.e. its properties read
        without a request."""
        self._check_group(group)
        return self._snap is not None

    async def load(self, *groups: str) -> Self:
        """Fetch the named groups (default: every group not loaded yet), each once per
        call; returns this object. Errors (NotFound, Forbidden …) surface here."""
        for group in groups:
            self._check_group(group)
        wanted = groups or tuple(g for g in self.groups if not self.is_loaded(g))
        for group in dict.fromkeys(wanted):
            await self._load_group(group)
        return self

    async def _load_group(self, group: str) -> None:
        await self.fetch()

    async def fetch(self) -> Any:
        raise ValidationError(
            f"a {type(self).__name__} cannot be fetched on its own", code="not_fetchable"
        )

    def _check_group(self, group: str | None) -> None:
        if group is not None and group not in self.groups:
            raise ValidationError(
                f"{type(self).__name__} has no fetch group {group!r} "
                f"(groups: {', '.join(self.groups)})",
                code="unknown_fetch_group",
            )

    def _check_action(self, name: str) -> None:
        """Raise before any request when action `name` cannot succeed."""
        if self._client.http.token is None:
            raise Unauthorized(
                f"{type(self).__name__}.{name}() needs a token: this client is anonymous "
                "(read-only)",
                code="anonymous_read_only",
            )

    def _update(self, data: D) -> None:
        self._snap = data

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Entity) and type(other) is type(self) and other.id == self.id

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.id))


def body(**fields: Any) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


class InRoom:
    """`room_id` and `room` for an object that lives in one room (a message, a room
    member, a webhook); mixed in after `_Entity`, whose `_client` and `_data` it reads."""

    __slots__ = ()
    _client: Client
    _data: Any

    @property
    def room_id(self) -> int:
        return int(self._data.room_id)

    @property
    def room(self) -> Room:
        """The room (bare until loaded when the client does not know it yet)."""
        return self._client.cache.room_ref(self.room_id)

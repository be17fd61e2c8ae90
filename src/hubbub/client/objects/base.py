"""The identity map and the base of every live object."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from hubbub.protocol import models

if TYPE_CHECKING:
    from hubbub.client.client import Client

__all__ = ["IdentityMap", "body"]

D = TypeVar("D", bound=models.WireModel)
T = TypeVar("T")


class IdentityMap(Generic[T]):
    """id → the one live object, held weakly."""

    def __init__(self) -> None:
        self._objects: weakref.WeakValueDictionary[int, T] = weakref.WeakValueDictionary()

    def get(self, key: int) -> T | None:
        return self._objects.get(key)

    def get_or_create(self, key: int, factory: Callable[[], T]) -> tuple[T, bool]:
        obj = self._objects.get(key)
        if obj is not None:
            return obj, False
        obj = factory()
        self._objects[key] = obj
        return obj, True

    def __len__(self) -> int:
        return len(self._objects)


class _Entity(Generic[D]):
    __slots__ = ("__weakref__", "_client", "_data")

    def __init__(self, client: Client, data: D) -> None:
        self._client = client
        self._data = data

    @property
    def id(self) -> int:
        return int(getattr(self._data, "id"))  # noqa: B009 - every wrapped model has an id

    @property
    def data(self) -> D:
        """The latest wire snapshot. Immutable: the cache replaces it, never mutates it."""
        return self._data

    def _update(self, data: D) -> None:
        self._data = data

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Entity) and type(other) is type(self) and other.id == self.id

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.id))


def body(**fields: Any) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}

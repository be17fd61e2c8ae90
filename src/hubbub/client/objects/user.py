"""`User`: a person or bot, from a full profile or an author snapshot."""

from __future__ import annotations

from datetime import datetime

from hubbub.client.objects.base import _Entity
from hubbub.protocol import models

__all__ = ["User"]


class User(_Entity[models.User | models.Actor]):
    """A user. Known partially (from a message author or member) until fetched."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<User id={self.id} handle={self.handle!r}>"

    @property
    def handle(self) -> str:
        return self._data.handle

    @property
    def display_name(self) -> str:
        return self._data.display_name

    @property
    def avatar_url(self) -> str | None:
        return self._data.avatar_url

    @property
    def is_partial(self) -> bool:
        """True while only the author/member snapshot is known; `await user.fetch()`."""
        return not isinstance(self._data, models.User)

    @property
    def bot(self) -> bool | None:
        return self._data.bot if isinstance(self._data, models.User) else None

    @property
    def created_at(self) -> datetime | None:
        return self._data.created_at if isinstance(self._data, models.User) else None

    async def fetch(self) -> User:
        return await self._client.fetch_user(self.id)

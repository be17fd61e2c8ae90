"""`Member`: someone's membership of one room (one live instance per room and user).

`SpaceMember` (objects/space.py) is the same idea for spaces. Both are keyed by the
container and the user: `member.id` is the user's id, equality takes the container into
account.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from hubbub.client.objects.base import InRoom, _Entity
from hubbub.protocol import models
from hubbub.protocol.models_rooms import AccessState
from hubbub.protocol.models_sanctions import RoomBan

if TYPE_CHECKING:
    from hubbub.client.objects.space import Space
    from hubbub.client.objects.user import User

__all__ = ["Member"]


class Member(_Entity[models.Member], InRoom):
    __slots__ = ()
    groups = ("member",)

    def __repr__(self) -> str:
        return f"<Member room_id={self.room_id} user_id={self.id} role={self.role!r}>"

    @property
    def id(self) -> int:
        """The member's user id."""
        return self._data.user.id

    @property
    def space(self) -> Space | None:
        """The room's space, when the room is in one and the client knows the room."""
        room = self._client.cache.get_room(self.room_id)
        return None if room is None else room.space

    @property
    def user(self) -> User:
        return self._client.cache.user_from_actor(self._data.user)

    @property
    def display_name(self) -> str:
        return self._data.user.display_name

    @property
    def role(self) -> models.MemberRole:
        """owner | moderator | member (the member's rank in the room)."""
        return self._data.role

    @property
    def level(self) -> models.AccessLevel:
        """read_only | read_write | owner (standalone rooms' access levels)."""
        return self._data.level

    @property
    def joined_at(self) -> datetime:
        return self._data.joined_at

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Member) and (other.room_id, other.id) == (self.room_id, self.id)

    def __hash__(self) -> int:
        return hash(("Member", self.room_id, self.id))

    async def fetch(self) -> Member:
        """The membership as it is now (NotFound once they left)."""
        found = await self._client.http.get_member(self.room_id, self.id)
        return self._client.cache.store_member(found)

    async def set_access(self, level: models.AccessLevel) -> AccessState:
        """Owners: `read_only` / `read_write`, `owner`, or remove (`none`)."""
        return await self._client.http.set_access(self.room_id, self.id, level)

    async def ban(
        self, kind: str = "ban", *, expires_in_s: int | None = None, reason: str | None = None
    ) -> RoomBan:
        """Ban (or `kick_mute`, `bounce`) this member from the room (moderators)."""
        return await self._client.http.ban(
            self.room_id, self.id, kind, expires_in_s=expires_in_s, reason=reason
        )

    async def unban(self) -> None:
        await self._client.http.unban(self.room_id, self.id)

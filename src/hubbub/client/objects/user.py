"""`User`: a person or bot, from a full profile or an author snapshot."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime
from typing import TYPE_CHECKING

from hubbub.client.objects.base import _Entity
from hubbub.protocol import models
from hubbub.protocol.models_presence import UserPresence
from hubbub.protocol.models_profiles import UserStats
from hubbub.protocol.models_relations import Relationship
from hubbub.protocol.models_reports import Report
from hubbub.protocol.models_sanctions import Suspension

if TYPE_CHECKING:
    from hubbub.client.objects.room import Room

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

    @property
    def about(self) -> str | None:
        """The profile text (Markdown source); None while partial."""
        return self._data.about if isinstance(self._data, models.User) else None

    @property
    def status_text(self) -> str | None:
        return self._data.status_text if isinstance(self._data, models.User) else None

    @property
    def flags(self) -> list[str]:
        """D.32: suspended | deleted | banned | spam (empty while partial)."""
        return list(self._data.flags) if isinstance(self._data, models.User) else []

    @property
    def raw_flags(self) -> int:
        return self._data.raw_flags if isinstance(self._data, models.User) else 0

    @property
    def reputation(self) -> int | None:
        return self._data.reputation if isinstance(self._data, models.User) else None

    @property
    def merged_from(self) -> int | None:
        """When this object was fetched by an id merged into this account: that id."""
        extra = self._data.model_extra or {}
        found = extra.get("merged_from")
        return None if found is None else int(found)

    # -- relationships and DMs (issue 5) ---------------------------------------------

    @property
    def relationship(self) -> str:
        """This client's relationship with the user as last known (from `ready`,
        RelationshipUpdated events and the calls below): none | friend | outgoing |
        incoming | blocked | blocked_other."""
        return self._client.cache.relationships.get(self.id, "none")

    async def _relate(self, op: Awaitable[Relationship]) -> str:
        status = (await op).status
        self._client.cache.set_relationship(self.id, status)
        return status

    async def befriend(self) -> str:
        """Send this user a friend request, or accept theirs; the new status
        (`outgoing` or `friend`)."""
        return await self._relate(self._client.http.send_friend_request(self.id))

    async def unfriend(self) -> str:
        """Remove this friend, cancel the request sent or decline theirs."""
        return await self._relate(self._client.http.remove_friend(self.id))

    async def block(self) -> str:
        return await self._relate(self._client.http.block(self.id))

    async def unblock(self) -> str:
        return await self._relate(self._client.http.unblock(self.id))

    async def open_dm(self) -> Room:
        """The DM room with this user, opened if needed (idempotent)."""
        return self._client.cache.store_room(await self._client.http.open_dm(self.id))

    # -- presence (issue 5) ------------------------------------------------------------

    @property
    def presence(self) -> str | None:
        """The status last heard for this user (online | idle | busy | offline), from
        PresenceUpdated events and `fetch_presence`; None if nothing was heard yet."""
        return self._client.cache.presences.get(self.id)

    async def fetch_presence(self) -> UserPresence:
        """This user's presence now (your own view, with `chosen`, if it is you)."""
        found = await self._client.fetch_presence([self.id])
        if self.id not in found:
            raise LookupError(f"user {self.id} has no presence (deleted?)")
        return found[self.id]

    async def fetch(self) -> User:
        return await self._client.fetch_user(self.id)

    async def fetch_stats(self) -> UserStats:
        """message_count, room_count, last_seen_at and reputation (ID-09)."""
        return await self._client.http.fetch_user_stats(self.id)

    async def report(self, reason: str, detail: str | None = None) -> Report:
        """Report this user to the server's staff (once): `reason` is spam, abuse,
        harassment, illegal, inappropriate, impersonation or other."""
        return await self._client.http.report("user", self.id, reason, detail)

    async def set_reputation(self, value: int) -> User:
        """Set this user's reputation (global staff); the user as now known."""
        data = await self._client.http.set_reputation(self.id, value)
        return self._client.cache.store_user(data)

    async def suspend(
        self,
        *,
        duration_s: int | None = None,
        expires_at: datetime | None = None,
        reason: str | None = None,
    ) -> Suspension:
        """Suspend this user platform-wide (staff only; MD-11): they can read but not
        write until it expires. Again on a suspended user: moves the expiry."""
        return await self._client.http.suspend(
            self.id, duration_s=duration_s, expires_at=expires_at, reason=reason
        )

    async def unsuspend(self) -> Suspension:
        """Clear this user's suspension (staff only)."""
        return await self._client.http.unsuspend(self.id)

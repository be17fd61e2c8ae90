"""`User`: a person or bot, from a full profile or an author snapshot."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from hubbub.client.objects.base import NotLoaded, _Entity
from hubbub.errors import NotFound, Unauthorized
from hubbub.protocol import models
from hubbub.protocol.models_presence import UserPresence
from hubbub.protocol.models_profiles import UserStats
from hubbub.protocol.models_relations import Relationship
from hubbub.protocol.models_reports import Report
from hubbub.protocol.models_sanctions import Suspension

if TYPE_CHECKING:
    from hubbub.client.client import Client
    from hubbub.client.objects.room import Room

__all__ = ["User"]


class User(_Entity[models.User | models.Actor]):
    """A user. One fetch group, `profile` (D.97): about, bot, created_at, flags,
    reputation, is_moderator, status_text and the counters (`message_count`,
    `room_count`, `last_seen_at`/`last_seen`). `handle`, `display_name` and `avatar_url`
    are known from any author or member snapshot; a bare user (`client.user(id)`) knows
    only its id. `await user.load()` fetches the profile and counters together."""

    __slots__ = ("_stats",)
    groups = ("profile",)
    _reads = _Entity._reads | {"fetch_presence", "fetch_stats"}

    def __init__(
        self, client: Client, data: models.User | models.Actor | None, *, id: int | None = None
    ) -> None:
        super().__init__(client, data, id=id)
        self._stats: UserStats | None = None

    def __repr__(self) -> str:
        if self._snap is None:
            return f"<User id={self.id} (not loaded)>"
        return f"<User id={self.id} handle={self.handle!r}>"

    @property
    def handle(self) -> str:
        return self._data.handle

    @property
    def display_name(self) -> str:
        return self._data.display_name

    @property
    def name(self) -> str:
        """Alias of `display_name` (ChatExchange)."""
        return self.display_name

    @property
    def avatar_url(self) -> str | None:
        return self._data.avatar_url

    @property
    def is_partial(self) -> bool:
        """True while the full profile is not known (`await user.load()`)."""
        return not isinstance(self._snap, models.User)

    def is_loaded(self, group: str | None = None) -> bool:
        self._check_group(group)
        counted = self._stats is not None or self._anonymous
        return isinstance(self._snap, models.User) and counted

    @property
    def _anonymous(self) -> bool:
        return self._client.http.token is None

    def _profile(self, attribute: str) -> models.User:
        if not isinstance(self._snap, models.User):
            raise NotLoaded(self, "profile", attribute)
        return self._snap

    def _counters(self, attribute: str) -> UserStats:
        if self._stats is None:
            if self._anonymous:  # D.106: profiles are public, counters are not
                raise Unauthorized(
                    f"{attribute!r} needs a token: this client is anonymous",
                    code="anonymous_read_only",
                )
            raise NotLoaded(self, "profile", attribute)
        return self._stats

    async def _load_group(self, group: str) -> None:
        if self._anonymous:
            self._client.cache.store_user(await self._client.http.get_user(self.id))
            return
        user, stats = await asyncio.gather(
            self._client.http.get_user(self.id), self._client.http.fetch_user_stats(self.id)
        )
        self._client.cache.store_user(user)
        self._stats = stats

    @property
    def bot(self) -> bool:
        return self._profile("bot").bot

    @property
    def is_moderator(self) -> bool:
        """Global staff (D.105)."""
        return self._profile("is_moderator").is_moderator

    @property
    def created_at(self) -> datetime:
        return self._profile("created_at").created_at

    @property
    def about(self) -> str:
        """The profile text (Markdown source)."""
        return self._profile("about").about

    @property
    def status_text(self) -> str | None:
        return self._profile("status_text").status_text

    @property
    def flags(self) -> list[str]:
        """D.32: suspended | deleted | banned | spam."""
        return list(self._profile("flags").flags)

    @property
    def raw_flags(self) -> int:
        return self._profile("raw_flags").raw_flags

    @property
    def reputation(self) -> int:
        return self._profile("reputation").reputation

    @property
    def message_count(self) -> int:
        return self._counters("message_count").message_count

    @property
    def room_count(self) -> int:
        return self._counters("room_count").room_count

    @property
    def last_seen_at(self) -> datetime | None:
        """None while the user is invisible to you (or never seen)."""
        return self._counters("last_seen_at").last_seen_at

    @property
    def last_seen(self) -> int | None:
        """Seconds since `last_seen_at` (D.102), as of now."""
        seen = self.last_seen_at
        if seen is None:
            return None
        return max(0, int((datetime.now(UTC) - seen).total_seconds()))

    @property
    def stats(self) -> UserStats | None:
        """The counters as last fetched (`load()` or `fetch_stats()`), or None."""
        return self._stats

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
            raise NotFound(f"user {self.id} has no presence (deleted?)", code="user_not_found")
        return found[self.id]

    async def fetch(self) -> User:
        return await self._client.fetch_user(self.id)

    async def fetch_stats(self) -> UserStats:
        """message_count, room_count, last_seen_at and reputation (ID-09)."""
        self._stats = await self._client.http.fetch_user_stats(self.id)
        return self._stats

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

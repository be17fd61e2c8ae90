"""`Room`: a conversation and everything done in it (send, history, search, moderation)."""

from __future__ import annotations

import asyncio
import mimetypes
import os
from collections.abc import AsyncIterator, Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from hubbub.client.objects.base import _Entity
from hubbub.client.objects.base import body as _body
from hubbub.client.objects.extras import Webhook
from hubbub.client.objects.member import Member
from hubbub.client.objects.message import Message, SearchHit, _send
from hubbub.client.objects.music import MusicActions
from hubbub.client.objects.user import User
from hubbub.client.objects.voice import VoiceActions
from hubbub.protocol import models
from hubbub.protocol.events import MessageCreated, RoomEvent
from hubbub.protocol.models_rooms import AccessRequest, AccessState
from hubbub.protocol.models_sanctions import RoomBan

if TYPE_CHECKING:
    from hubbub.client.dispatch import EventStream
    from hubbub.client.objects.space import Space
    from hubbub.protocol.events_rooms import RoomSubscribed

__all__ = ["Room"]

E = TypeVar("E", bound=RoomEvent)
_KEEP: Any = object()  # "not given" for PATCH fields whose None means "clear"


class Room(MusicActions, VoiceActions, _Entity[models.Room]):
    """A room. One fetch group, `info` (name, description, tags, owner, counts, parent
    space…, D.97): a bare room (`client.room(id)`) loads it with `await room.load()`."""

    __slots__ = ()
    groups = ("info",)
    _reads = _Entity._reads | {
        "messages",
        "fetch_message",
        "webhooks",
        "members",
        "owners",
        "access_requests",
        "pins",
        "starboard",
        "read_state",
        "bans",
        "subscribe",  # the server decides what an anonymous reader may follow
    }

    def __repr__(self) -> str:
        if self._snap is None:
            return f"<Room id={self.id} (not loaded)>"
        return f"<Room id={self.id} name={self.name!r}>"

    @property
    def name(self) -> str:
        return self._data.name

    @property
    def description(self) -> str:
        return self._data.description

    @property
    def topic(self) -> str:
        return self._data.topic

    @property
    def kind(self) -> models.RoomKind:
        return self._data.kind

    @property
    def access_mode(self) -> models.AccessMode:
        return self._data.access_mode

    @property
    def owner_id(self) -> int | None:
        return self._data.owner_id

    @property
    def space_id(self) -> int | None:
        return self._data.space_id

    @property
    def space(self) -> Space | None:
        """The parent space (bare until loaded if the client does not know it)."""
        space_id = self._data.space_id
        return None if space_id is None else self._client.cache.space_ref(space_id)

    @property
    def owner(self) -> User | None:
        """The owner of a standalone room (bare until loaded if not cached)."""
        owner_id = self._data.owner_id
        return None if owner_id is None else self._client.cache.user_ref(owner_id)

    @property
    def member_count(self) -> int:
        return self._data.member_count

    @property
    def recipients(self) -> list[User]:
        """A DM's or group's people, in the order they joined ([] for other rooms): a DM
        has no name of its own, so it is titled after the other one."""
        return [self._client.cache.user_ref(u.id) for u in self._data.recipients or ()]

    @property
    def created_at(self) -> datetime:
        return self._data.created_at

    @property
    def allow_actions(self) -> bool:
        """Whether `/me …` posts an action here (otherwise it is refused)."""
        return self._data.allow_actions

    @property
    def edit_window_s(self) -> int:
        """Seconds authors may edit their messages after posting; 0 = no limit."""
        return self._data.edit_window_s

    @property
    def tags(self) -> list[str]:
        return list(self._data.tags)

    @property
    def custom_id(self) -> str | None:
        """An external id, unique case-insensitively (`slug` is the same field)."""
        return self._data.custom_id

    @property
    def slug(self) -> str | None:
        return self._data.custom_id

    @property
    def allow_entry(self) -> bool:
        """False: new users cannot join, members still chat (RM-07)."""
        return self._data.allow_entry

    @property
    def is_open(self) -> bool:
        """False: only moderators may post (RM-06)."""
        return self._data.is_open

    @property
    def max_reports(self) -> int:
        return self._data.max_reports

    @property
    def position(self) -> int:
        return self._data.position

    # -- actions ---------------------------------------------------------------------

    async def send(
        self,
        content: str = "",
        *,
        nonce: str | None = None,
        reply_to: int | Message | None = None,
        type: models.MessageType | None = None,
        custom_type: str | None = None,
        custom_id: str | None = None,
        custom_payload: Any = None,
        quote_of: int | Message | None = None,
        custom_field1: str | None = None,
        custom_field2: str | None = None,
        custom_tags: list[str] | None = None,
        ad: models.Ad | dict[str, Any] | None = None,
        created_at: datetime | str | None = None,
        attachments: list[int | models.Attachment] | None = None,
    ) -> Message:
        """Post a message. A network failure is retried with the same nonce, so the server
        applies it at most once; pass your own `nonce` to extend that across restarts.

        `type` defaults from the other arguments (`quote_of` → quote, `ad` → ad, a
        `/me …` content → action, `reply_to` → reply, else speech). `custom_field1/2` and
        `custom_tags` go with `quote_of`. `created_at` backdates (tokens with the import
        permission only). `attachments` are this user's uploads (`room.upload`)."""
        reply_id = reply_to.id if isinstance(reply_to, Message) else reply_to
        quote = None
        if quote_of is not None:
            quote = _body(
                id=quote_of.id if isinstance(quote_of, Message) else quote_of,
                custom_field1=custom_field1,
                custom_field2=custom_field2,
                custom_tags=custom_tags,
            )
        ad_body = ad.model_dump(exclude_none=True) if isinstance(ad, models.Ad) else ad
        when = created_at.isoformat() if isinstance(created_at, datetime) else created_at
        return await _send(
            self._client,
            self.id,
            content,
            nonce=nonce,
            reply_to=reply_id,
            type=type,
            custom_type=custom_type,
            custom_id=custom_id,
            custom_payload=custom_payload,
            quote_of=quote,
            ad=ad_body,
            created_at=when,
            attachments=None
            if attachments is None
            else [a.id if isinstance(a, models.Attachment) else a for a in attachments],
        )

    async def messages(
        self,
        *,
        limit: int = 50,
        before: int | None = None,
        after: int | None = None,
        around: int | Message | None = None,
    ) -> list[Message]:
        """One page, oldest → newest. No bounds = the newest page; `around` = up to `limit`
        messages centred on that one (included), e.g. to show a search hit in context."""
        around_id = around.id if isinstance(around, Message) else around
        page = await self._client.http.list_messages(
            self.id, before=before, after=after, around=around_id, limit=limit
        )
        return [self._client.cache.store_message(m) for m in page.messages]

    async def history(
        self, *, limit: int | None = None, before: int | None = None, page_size: int = 100
    ) -> AsyncIterator[Message]:
        """Every message newest → oldest (or `limit` of them), paging as needed."""
        remaining = limit
        while remaining is None or remaining > 0:
            size = page_size if remaining is None else min(page_size, remaining)
            page = await self._client.http.list_messages(self.id, before=before, limit=size)
            newest_first = page.messages[::-1]
            if remaining is not None:
                newest_first = newest_first[:remaining]
                remaining -= len(newest_first)
            for data in newest_first:
                yield self._client.cache.store_message(data)
            if not page.has_more or not page.messages:
                return
            before = page.messages[0].id

    async def fetch_message(self, message_id: int) -> Message:
        return await self._client.fetch_message(message_id)

    def search(
        self, q: str, *, author: int | User | None = None, limit: int | None = None
    ) -> AsyncIterator[SearchHit]:
        """Full-text search in this room (see `Client.search`)."""
        return self._client.search(q, room=self, author=author, limit=limit)

    async def join(self) -> Member:
        """Join this room; your membership."""
        member = await self._client.http.join_room(self.id)
        self._client.cache.keep_room(self)
        return self._client.cache.store_member(member)

    async def leave(self) -> None:
        await self._client.http.leave_room(self.id)

    async def subscribe(self, *, limit: int = 50, timeout: float = 10.0) -> RoomSubscribed:
        """Subscribe over the gateway (`client.subscribe`): join if need be, and the room,
        your membership and its newest `limit` messages as the dispatched event."""
        return await self._client.subscribe(self.id, limit=limit, timeout=timeout)

    async def webhooks(self) -> list[Webhook]:
        """The room's webhooks (manage_webhooks); their tokens are never shown again."""
        found = await self._client.http.list_webhooks(self.id)
        return [self._client.cache.store_webhook(w) for w in found]

    async def create_webhook(self, name: str, *, avatar_url: str | None = None) -> Webhook:
        """A webhook posting into this room; `.token` is known only on this object."""
        created = await self._client.http.create_webhook(self.id, name, avatar_url)
        return self._client.cache.store_webhook(created)

    async def members(
        self, *, limit: int | None = None, query: str | None = None, page_size: int = 100
    ) -> list[Member]:
        """The room's members by user id, fetched now, paging as needed: all of them, or
        the first `limit`; `query` keeps those whose handle, or a word of whose display
        name, starts with it (one live `Member` per room and user)."""
        out: list[Member] = []
        after: int | None = None
        while limit is None or len(out) < limit:
            size = page_size if limit is None else min(page_size, limit - len(out))
            page = await self._client.http.list_room_members(
                self.id, after=after, limit=size, q=query
            )
            out += [self._client.cache.store_member(m) for m in page.members]
            if not page.has_more or not page.members:
                break
            after = page.members[-1].user.id
        return out

    async def member(self, user: int | User) -> Member:
        """One member, fetched now; NotFound (`member_not_found`) if they are not in."""
        user_id = user.id if isinstance(user, User) else user
        return self._client.cache.store_member(await self._client.http.get_member(self.id, user_id))

    # -- access levels (standalone rooms; AC-01, AC-02, AC-04) -----------------------

    async def owners(self) -> list[Member]:
        return [
            self._client.cache.store_member(m) for m in await self._client.http.list_owners(self.id)
        ]

    async def set_access(self, user: int | User, level: models.AccessLevel) -> AccessState:
        """Owners: grant `read_only` / `read_write`, make `owner`, or remove (`none`)."""
        user_id = user.id if isinstance(user, User) else user
        return await self._client.http.set_access(self.id, user_id, level)

    async def request_access(self) -> AccessState:
        """Ask this gallery room's owners for write access; they are notified."""
        return await self._client.http.request_access(self.id)

    async def access_requests(self) -> list[AccessRequest]:
        """Pending requests (owners)."""
        return await self._client.http.list_access_requests(self.id)

    async def edit(
        self,
        *,
        name: str = _KEEP,
        description: str | None = _KEEP,
        topic: str | None = _KEEP,
        tags: list[str] | None = _KEEP,
        custom_id: str | None = _KEEP,
        access_mode: models.AccessMode = _KEEP,
        allow_entry: bool = _KEEP,
        is_open: bool = _KEEP,
        max_reports: int = _KEEP,
        position: int = _KEEP,
        allow_actions: bool = _KEEP,
        edit_window_s: int = _KEEP,
    ) -> Room:
        """Change the named settings only (PATCH); `None` clears description, topic,
        tags or custom_id. Refusals raise typed errors (`custom_id_taken`, …)."""
        fields: dict[str, Any] = {
            "name": name,
            "description": description,
            "topic": topic,
            "tags": tags,
            "custom_id": custom_id,
            "access_mode": access_mode,
            "allow_entry": allow_entry,
            "is_open": is_open,
            "max_reports": max_reports,
            "position": position,
            "allow_actions": allow_actions,
            "edit_window_s": edit_window_s,
        }
        changed = {k: v for k, v in fields.items() if v is not _KEEP}
        data = await self._client.http.edit_room(self.id, **changed)
        return self._client.cache.store_room(data)

    async def open(self) -> Room:
        return await self.edit(is_open=True)

    async def close(self) -> Room:
        """Close the room: only its moderators may post until it is opened again."""
        return await self.edit(is_open=False)

    async def delete(self) -> None:
        await self._client.http.delete_room(self.id)

    async def fetch(self) -> Room:
        return await self._client.fetch_room(self.id)

    async def typing(self) -> None:
        """Show "typing…" to the room for a few seconds (needs the gateway)."""
        await self._client.send_typing(self.id)

    def events(self, *classes: type[E], check: Callable[[E], bool] | None = None) -> EventStream[E]:
        """A stream of this room's events (all RoomEvents by default), from now on."""
        room_id = self.id

        def in_room(event: E) -> bool:
            return event.room_id == room_id and (check is None or check(event))

        types: tuple[type[E], ...] = classes or (RoomEvent,)  # type: ignore[assignment]
        return self._client.stream(*types, check=in_room)

    def new_messages(self) -> EventStream[MessageCreated]:
        return self.events(MessageCreated)

    async def command(self, command: str, *, nonce: str | None = None) -> models.CommandResult:
        """Run a chat command here, e.g. `await room.command("/purge @bob")`; `/help`
        lists yours. `result` holds what it made (`action`/`speech` message, `room`),
        which the cache takes in. Refusals raise typed errors (`unknown_command`,
        `invalid_command_arguments`, `not_moderator`, …)."""
        done = await self._client.http.run_command(self.id, command, nonce=nonce)
        made = done.result
        for key in ("action", "speech"):
            if isinstance(made.get(key), dict):
                self._client.cache.store_message(models.Message.model_validate(made[key]))
        if done.op == "topic" and isinstance(made.get("room"), dict):
            self._client.cache.store_room(models.Room.model_validate(made["room"]))
        return done

    # -- lifecycle (moderators; uploads by members) ----------------------------------

    async def bulk_delete(self, messages: Iterable[int | Message]) -> list[int]:
        """Delete up to 100 messages of this room at once (moderators); all or none.
        Returns the ids this call deleted (already-deleted ones are skipped)."""
        ids = [m.id if isinstance(m, Message) else m for m in messages]
        deleted = await self._client.http.bulk_delete_messages(self.id, ids)
        for message_id in deleted:
            self._client.cache.mark_deleted(message_id)
        return deleted

    async def purge(self, user: int | User) -> int:
        """Delete every message `user` has in this room (moderators); how many."""
        user_id = user.id if isinstance(user, User) else user
        count = await self._client.http.purge_messages(self.id, user_id)
        self._client.cache.purge_room_messages(self.id, user_id)
        return count

    async def move_messages(
        self, messages: Iterable[int | Message], to_room: int | Room
    ) -> list[Message]:
        """Move up to 100 messages to another room (moderator of both); they keep their
        ids. Returns them as they now are."""
        ids = [m.id if isinstance(m, Message) else m for m in messages]
        to_id = to_room.id if isinstance(to_room, Room) else to_room
        moved = await self._client.http.move_messages(self.id, ids, to_id)
        return [self._client.cache.store_message(m) for m in moved]

    async def upload(
        self,
        file: str | os.PathLike[str] | bytes,
        *,
        filename: str | None = None,
        content_type: str | None = None,
        nonce: str | None = None,
    ) -> models.Attachment:
        """Upload a file (a path, or bytes with `filename`) to this room; send a message
        with its id in `attachments` to share it. The type is guessed from the name."""
        if isinstance(file, bytes):
            content, name = file, filename or "file"
        else:
            content = await asyncio.to_thread(Path(file).read_bytes)
            name = filename or Path(file).name
        kind = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
        return await self._client.http.upload_attachment(
            self.id, content, filename=name, content_type=kind, nonce=nonce
        )

    # -- pins, stars, read state -----------------------------------------------------

    async def pins(self, *, limit: int = 50) -> list[Message]:
        """The pinned messages, most recently pinned first."""
        found = await self._client.http.list_pins(self.id, limit=limit)
        return [self._client.cache.store_message(m) for m in found]

    async def starboard(self, *, limit: int = 20) -> list[Message]:
        """The most-starred messages: most stars first, ties newest first."""
        found = await self._client.http.starboard(self.id, limit=limit)
        return [self._client.cache.store_message(m) for m in found]

    async def ack(self, message: int | Message) -> models.ReadState:
        """Mark this room read up to `message` (never moves backwards); your other
        sessions get `ReadStateUpdated`."""
        message_id = message.id if isinstance(message, Message) else message
        return self._client.cache.store_read_state(await self._client.http.ack(self.id, message_id))

    async def read_state(self) -> models.ReadState:
        """Fetched now; `client.cache.read_states` then follows `ReadStateUpdated`."""
        return self._client.cache.store_read_state(await self._client.http.get_read_state(self.id))

    # -- bans (MD-10) ------------------------------------------------------------------

    async def ban(
        self,
        user: int | User,
        kind: str = "ban",
        *,
        expires_in_s: int | None = None,
        reason: str | None = None,
    ) -> RoomBan:
        """Ban `user` from this room (`kick_mute`, `bounce` or `ban`; see
        `HTTPClient.ban`): they leave it and cannot rejoin, read or post until it is
        lifted or expires. Raises Forbidden when you may not (`cannot_moderate_higher`)."""
        user_id = user.id if isinstance(user, User) else user
        return await self._client.http.ban(
            self.id, user_id, kind, expires_in_s=expires_in_s, reason=reason
        )

    async def unban(self, user: int | User) -> None:
        """Lift `user`'s ban or kick-mute here; they may join again."""
        await self._client.http.unban(self.id, user.id if isinstance(user, User) else user)

    async def bans(self) -> list[RoomBan]:
        """The bans in force here, with reasons (moderators)."""
        return await self._client.http.bans(self.id)

"""Live objects: `User`, `Room`, `Message`, one instance per id per client.

An object wraps the latest wire snapshot (`.data`, an immutable pydantic model) and is
updated in place by the cache, so a reference held by the app always shows current state.
The identity map holds objects weakly: whatever the app or the cache keeps alive is
shared; nothing else is retained.

Action methods call REST and return the resulting (identity-mapped) object, or raise a
typed `HubbubError`.
"""

from __future__ import annotations

import asyncio
import mimetypes
import os
import uuid
import weakref
from collections.abc import AsyncIterator, Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from hubbub.errors import ServiceUnavailable
from hubbub.protocol import models
from hubbub.protocol.events import MessageCreated, RoomEvent

if TYPE_CHECKING:
    from hubbub.client.client import Client
    from hubbub.client.dispatch import EventStream

__all__ = ["IdentityMap", "Message", "Room", "SearchHit", "User"]

D = TypeVar("D", bound=models.WireModel)
T = TypeVar("T")
E = TypeVar("E", bound=RoomEvent)

_SEND_ATTEMPTS = 3


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


class Room(_Entity[models.Room]):
    __slots__ = ()

    def __repr__(self) -> str:
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
    def member_count(self) -> int:
        return self._data.member_count

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

    async def join(self) -> models.Member:
        member = await self._client.http.join_room(self.id)
        self._client.cache.keep_room(self)
        return member

    async def leave(self) -> None:
        await self._client.http.leave_room(self.id)

    async def members(self) -> list[models.Member]:
        return await self._client.http.list_members(self.id)

    async def edit(
        self,
        *,
        name: str | None = None,
        description: str | None = None,
        topic: str | None = None,
        allow_actions: bool | None = None,
        edit_window_s: int | None = None,
    ) -> Room:
        """Change the named fields only (PATCH); `""` clears a description or topic."""
        fields: dict[str, Any] = {
            "name": name,
            "description": description,
            "topic": topic,
            "allow_actions": allow_actions,
            "edit_window_s": edit_window_s,
        }
        changed = {k: v for k, v in fields.items() if v is not None}
        data = await self._client.http.edit_room(self.id, **changed)
        return self._client.cache.store_room(data)

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
        return await self._client.http.purge_messages(self.id, user_id)

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
        return await self._client.http.ack(self.id, message_id)

    async def read_state(self) -> models.ReadState:
        return await self._client.http.get_read_state(self.id)


class Message(_Entity[models.Message]):
    __slots__ = ()

    def __repr__(self) -> str:
        return f"<Message id={self.id} room_id={self.room_id} content={self.content[:30]!r}>"

    @property
    def room_id(self) -> int:
        return self._data.room_id

    @property
    def room(self) -> Room | None:
        """The room, when the client knows it (rooms from Ready, joins and fetches)."""
        return self._client.get_room(self.room_id)

    @property
    def author(self) -> User | None:
        actor = self._data.author
        return None if actor is None else self._client.cache.user_from_actor(actor)

    @property
    def content(self) -> str:
        return self._data.content

    @property
    def content_html(self) -> str:
        return self._data.content_html

    @property
    def content_text(self) -> str:
        return self._data.content_text

    @property
    def type(self) -> models.MessageType:
        return self._data.type

    @property
    def reply_to(self) -> models.ReplyRef | None:
        return self._data.reply_to

    @property
    def nonce(self) -> str | None:
        return self._data.nonce

    @property
    def mentions(self) -> list[int]:
        return list(self._data.mentions)

    @property
    def edit_count(self) -> int:
        return self._data.edit_count

    @property
    def attachments(self) -> list[models.Attachment]:
        return list(self._data.attachments)

    @property
    def embeds(self) -> list[models.Embed]:
        return list(self._data.embeds)

    @property
    def deleted(self) -> bool:
        return self._data.deleted

    @property
    def created_at(self) -> datetime:
        return self._data.created_at

    @property
    def edited_at(self) -> datetime | None:
        return self._data.edited_at or self._data.modified_at

    @property
    def modified_at(self) -> datetime | None:
        return self._data.modified_at

    @property
    def edited_by_moderator(self) -> bool:
        return self._data.edited_by_moderator

    @property
    def parent_id(self) -> int | None:
        """The reply target, or the message it most likely answers (D.11)."""
        return self._data.parent_id

    @property
    def show_parent(self) -> bool:
        return self._data.show_parent

    @property
    def quote_of(self) -> models.QuoteRef | None:
        return self._data.quote_of

    @property
    def ad(self) -> models.Ad | None:
        return self._data.ad

    @property
    def custom_type(self) -> str | None:
        return self._data.custom_type

    @property
    def custom_id(self) -> str | None:
        return self._data.custom_id

    @property
    def custom_payload(self) -> Any:
        return self._data.custom_payload

    # -- actions ---------------------------------------------------------------------

    async def reply(self, content: str, *, nonce: str | None = None) -> Message:
        return await _send(self._client, self.room_id, content, nonce=nonce, reply_to=self.id)

    async def quote(
        self,
        content: str,
        *,
        custom_field1: str | None = None,
        custom_field2: str | None = None,
        custom_tags: list[str] | None = None,
        nonce: str | None = None,
    ) -> Message:
        """Post a quote of this message in its room."""
        quote = _body(
            id=self.id,
            custom_field1=custom_field1,
            custom_field2=custom_field2,
            custom_tags=custom_tags,
        )
        return await _send(
            self._client, self.room_id, content, nonce=nonce, reply_to=None, quote_of=quote
        )

    async def edit(self, content: str | None = None, *, custom_payload: Any = None) -> Message:
        """Change the content and/or custom_payload; the old version is kept (`revisions`)."""
        return self._client.cache.store_message(
            await self._client.http.edit_message(self.id, content, custom_payload=custom_payload)
        )

    async def revisions(self) -> list[models.Revision]:
        """Every version, oldest first, the current one last (author and moderators)."""
        return (await self._client.http.message_revisions(self.id)).revisions

    async def delete(self) -> None:
        await self._client.http.delete_message(self.id)
        self._client.cache.mark_deleted(self.id)

    async def fetch(self) -> Message:
        return await self._client.fetch_message(self.id)

    async def append_embeds(
        self, *embeds: models.Embed | dict[str, Any], nonce: str | None = None
    ) -> Message:
        """Add embeds (up to 10 per message) to this message: its author or a bot in the
        room. Returns the message with them. Sent with a nonce (yours or a fresh one), so
        the SDK's retries never append twice."""
        body = [
            e.model_dump(exclude_none=True) if isinstance(e, models.Embed) else e for e in embeds
        ]
        data = await self._client.http.append_embeds(self.id, body, nonce=nonce or uuid.uuid4().hex)
        return self._client.cache.store_message(data)

    # -- reactions, stars, pins ------------------------------------------------------

    @property
    def reactions(self) -> list[models.Reaction]:
        return list(self._data.reactions)

    @property
    def stars(self) -> int:
        return self._data.stars

    @property
    def starred_by_you(self) -> bool | None:
        """None while only an event's shared copy is known (`fetch()` to learn it)."""
        return self._data.starred_by_you

    @property
    def pinned(self) -> bool:
        return self._data.pinned

    async def react(self, emoji: str) -> Message:
        """Add your reaction: one Unicode emoji (or a `:shortcode:`). Idempotent."""
        return self._stored(await self._client.http.add_reaction(self.id, emoji))

    async def unreact(self, emoji: str) -> Message:
        return self._stored(await self._client.http.remove_reaction(self.id, emoji))

    async def clear_reactions(self, emoji: str | None = None) -> Message:
        """Remove everyone's reactions of `emoji`, or all reactions (moderators)."""
        http = self._client.http
        data = (
            await http.clear_reactions(self.id)
            if emoji is None
            else await http.remove_reaction(self.id, emoji, everyone=True)
        )
        return self._stored(data)

    async def star(self) -> Message:
        """Star this message (not your own). The room sees the count, never who."""
        return self._stored(await self._client.http.star_message(self.id, True))

    async def unstar(self) -> Message:
        return self._stored(await self._client.http.star_message(self.id, False))

    async def clear_stars(self) -> Message:
        """Cancel every star (room owners and moderators)."""
        return self._stored(await self._client.http.clear_stars(self.id))

    async def pin(self, pinned: bool = True) -> Message:
        """Pin (room owners and moderators); `pin(False)` unpins (D.99)."""
        return self._stored(await self._client.http.pin_message(self.id, pinned))

    async def unpin(self) -> Message:
        return await self.pin(False)

    def _stored(self, data: models.Message) -> Message:
        return self._client.cache.store_message(data)


def _body(**fields: Any) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


class SearchHit:
    """One search result: the message (the live object) and `highlight`, a fragment of its
    text as safe HTML with `<mark>` around the matched words."""

    __slots__ = ("highlight", "message")

    def __init__(self, message: Message, highlight: str) -> None:
        self.message = message
        self.highlight = highlight

    def __repr__(self) -> str:
        return f"<SearchHit message={self.message!r} highlight={self.highlight[:40]!r}>"


async def _send(
    client: Client,
    room_id: int,
    content: str,
    *,
    nonce: str | None,
    reply_to: int | None,
    **fields: Any,
) -> Message:
    # The nonce is fixed before the first attempt: a retry after a lost response returns
    # the original message (200) instead of posting a duplicate.
    nonce = nonce or uuid.uuid4().hex
    for attempt in range(_SEND_ATTEMPTS):
        try:
            data = await client.http.create_message(
                room_id, content, nonce=nonce, reply_to=reply_to, **fields
            )
        except ServiceUnavailable as exc:
            if exc.code != "network_error" or attempt == _SEND_ATTEMPTS - 1:
                raise
            await asyncio.sleep(0.25 * 2**attempt)
            continue
        return client.cache.store_message(data)
    raise AssertionError("unreachable")

"""`Message`: one message and its actions (reply, edit, react, star, pin, embeds…)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from hubbub.client.objects.base import InRoom, _Entity
from hubbub.client.objects.base import body as _body
from hubbub.errors import NotFound
from hubbub.protocol import models
from hubbub.protocol.models_reports import FlagState, Report

if TYPE_CHECKING:
    from hubbub.client.client import Client
    from hubbub.client.objects.user import User

__all__ = ["Message", "SearchHit"]


class Message(_Entity[models.Message], InRoom):
    """A message. One fetch group, `message` (everything, D.97): a bare message
    (`client.message_ref(id)`, `message.reply_to`) loads it with `await m.load()`.

    Actions on a message the client knows is deleted raise
    `NotFound(code="message_deleted")` before any request."""

    __slots__ = ()
    groups = ("message",)
    _reads = _Entity._reads | {"revisions"}

    def __repr__(self) -> str:
        if self._snap is None:
            return f"<Message id={self.id} (not loaded)>"
        return f"<Message id={self.id} room_id={self.room_id} content={self.content[:30]!r}>"

    def _check_action(self, name: str) -> None:
        super()._check_action(name)
        if self._snap is not None and self._snap.deleted:
            raise NotFound(
                f"message {self.id} was deleted: {name}() is not possible",
                code="message_deleted",
                details={"message_id": self.id},
            )

    @property
    def author(self) -> User | None:
        """The author; None for system messages without one."""
        actor = self._data.author
        return None if actor is None else self._client.cache.user_from_actor(actor)

    @property
    def owner(self) -> User | None:
        """Alias of `author` (ChatExchange)."""
        return self.author

    @property
    def user(self) -> User | None:
        """Alias of `author`."""
        return self.author

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
    def reply_to(self) -> Message | None:
        """The message this one replies to (bare until loaded if not cached)."""
        ref = self._data.reply_to
        return None if ref is None else self._client.cache.message_ref(ref.id)

    @property
    def reply_ref(self) -> models.ReplyRef | None:
        """The reply target as the wire carries it: id, author and an excerpt."""
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

    # -- the moderation pipeline (issue 6) --------------------------------------------

    @property
    def moderation_state(self) -> str:
        """`na`, or `pending` / `approved` / `rejected` once a moderator was involved."""
        return self._data.moderation_state

    @property
    def active(self) -> bool:
        """False while hidden: pending, rejected or deleted (D.68)."""
        return self._data.active

    @property
    def censored(self) -> bool:
        """Whether the profanity filter masked words of the content."""
        return self._data.censored

    @property
    def original_content(self) -> str | None:
        """The unmasked content of a censored message: moderators' copies only."""
        value = (self._data.model_extra or {}).get("original_content")
        return None if value is None else str(value)

    @property
    def shadowbanned(self) -> bool:
        """Whether the author is shadowbanned: moderators' copies only (others see False)."""
        return bool((self._data.model_extra or {}).get("shadowbanned", False))

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

    # -- reports and flags -----------------------------------------------------------

    async def report(self, reason: str, detail: str | None = None) -> Report:
        """Report this message to its room's moderators (once): `reason` is spam, abuse,
        harassment, illegal, inappropriate, impersonation or other."""
        return await self._client.http.report("message", self.id, reason, detail)

    async def flag(self, kind: str) -> FlagState:
        """Flag this message anonymously: `spam`, `offensive` or `mod_attention`."""
        return await self._client.http.flag(self.id, kind)

    async def unflag(self) -> FlagState:
        """Retract your flag."""
        return await self._client.http.unflag(self.id)

    def _stored(self, data: models.Message) -> Message:
        return self._client.cache.store_message(data)


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
    # HTTPClient.create_message fixes a nonce before the first attempt and retries a lost
    # response (network error, 5xx) with it: the server returns the original message
    # (200) instead of posting a duplicate.
    data = await client.http.create_message(
        room_id, content, nonce=nonce, reply_to=reply_to, **fields
    )
    return client.cache.store_message(data)

"""`Notification`: one entry of the user's inbox (mentions, replies, …), with its actions.

    page = await client.notifications(unread=True)
    for n in page:
        print(n.kind, n.room_name, n.content_text)
        await n.mark_read()

Live ones arrive as `NotificationCreated` events (`event.notification` is the wire model;
`client.notification(event)` wraps it in this object).

Kinds: mention, reply, invitation, access_request, kick, global, scheduled_event. An
invitation can be answered from its notification:

    if n.kind == "invitation":
        await n.accept()          # joins the room or space; or n.decline()

A global notification has the same id for every user; `mark_read` works on it alike.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from hubbub.client.objects import _Entity
from hubbub.errors import NotFound, ValidationError
from hubbub.protocol import models
from hubbub.protocol.models_inbox import Invitation, InvitationAccepted

if TYPE_CHECKING:
    from hubbub.client.objects import Message, Room, User

__all__ = ["Notification", "NotificationList"]


class Notification(_Entity[models.Notification]):
    __slots__ = ()
    groups = ("notification",)
    _reads = _Entity._reads | {"fetch_message"}

    def __repr__(self) -> str:
        return f"<Notification id={self.id} kind={self.kind!r} read={self.read}>"

    @property
    def kind(self) -> str:
        return str(self._data.kind)

    @property
    def read(self) -> bool:
        return self._data.read

    @property
    def room_id(self) -> int | None:
        return self._data.room_id

    @property
    def room_name(self) -> str | None:
        return self._data.room_name

    @property
    def room(self) -> Room | None:
        return None if self.room_id is None else self._client.cache.room_ref(self.room_id)

    @property
    def message_id(self) -> int | None:
        return self._data.message_id

    @property
    def actor(self) -> User | None:
        actor = self._data.actor
        return None if actor is None else self._client.cache.user_from_actor(actor)

    @property
    def content_html(self) -> str:
        return self._data.content_html

    @property
    def content_text(self) -> str:
        return self._data.content_text

    @property
    def created_at(self) -> datetime:
        return self._data.created_at

    @property
    def fields(self) -> dict[str, Any]:
        """The kind's structured fields (invitation: `invitation_id`, `target`, `room_id`,
        `space_id`, …; kick: `user_id`, `user`; global: `broadcast_id`)."""
        return self._data.data

    @property
    def invitation_id(self) -> int | None:
        """The invitation an `invitation` notification carries."""
        raw = self._data.data.get("invitation_id")
        return None if raw is None else int(raw)

    def _invitation(self) -> int:
        found = self.invitation_id
        if found is None:
            raise ValidationError(
                f"a {self.kind} notification carries no invitation", code="not_an_invitation"
            )
        return found

    async def accept(self) -> InvitationAccepted:
        """Accept the invitation this notification carries: join its room or space."""
        return await self._client.http.accept_invitation(self._invitation())

    async def decline(self) -> Invitation:
        """Decline the invitation this notification carries."""
        return await self._client.http.decline_invitation(self._invitation())

    async def mark_read(self) -> Notification:
        self._update(await self._client.http.read_notification(self.id))
        return self

    async def fetch_message(self) -> Message:
        """The message it is about (NotFound `no_message` for a kind about none, or the
        server's NotFound once it is gone)."""
        if self.message_id is None:
            raise NotFound(f"a {self.kind} notification is about no message", code="no_message")
        return await self._client.fetch_message(self.message_id)


class NotificationList(list[Notification]):
    """One page of notifications, newest first, with the paging facts."""

    has_more: bool
    unread_count: int

    def __init__(self, items: list[Notification], has_more: bool, unread_count: int) -> None:
        super().__init__(items)
        self.has_more = has_more
        self.unread_count = unread_count

"""The cache's part for room members, custom emojis, webhooks, notifications and read
states, and the bare objects ("refs") every navigation property hands out.

Members, emojis and webhooks live as long as the app holds them (one object per room and
user, per emoji id, per webhook id); the cache follows their events for the ones alive,
filling `before`/`after` on updates. Read states (room id → `ReadState`) are kept for the
rooms this client acked or fetched, and follow `read_state.updated`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hubbub.client.notifications import Notification
from hubbub.client.objects import IdentityMap, Message, Room, User
from hubbub.client.objects.extras import Emoji, Webhook
from hubbub.client.objects.member import Member
from hubbub.client.objects.space import Space
from hubbub.client.snapshots import patched
from hubbub.protocol import models
from hubbub.protocol.events import MemberUpdated, ServerEvent
from hubbub.protocol.events_extras import (
    EmojiCreated,
    EmojiDeleted,
    WebhookCreated,
    WebhookDeleted,
    WebhookUpdated,
)
from hubbub.protocol.events_reactions import ReadStateUpdated
from hubbub.protocol.models_extras import Emoji as EmojiData
from hubbub.protocol.models_extras import Webhook as WebhookData

if TYPE_CHECKING:
    from hubbub.client.client import Client

__all__ = ["MemberCache"]


class MemberCache:
    _client: Client
    _users: IdentityMap[User]
    _room_map: IdentityMap[Room]
    _message_map: IdentityMap[Message]
    _space_map: IdentityMap[Space]
    merged_ids: dict[int, int]

    def _init_members(self) -> None:
        self._member_map: IdentityMap[Member] = IdentityMap()
        self._emoji_map: IdentityMap[Emoji] = IdentityMap()
        self._webhook_map: IdentityMap[Webhook] = IdentityMap()
        self._notification_map: IdentityMap[Notification] = IdentityMap()
        self.read_states: dict[int, models.ReadState] = {}

    # Provided by Cache.
    def user_from_actor(self, actor: models.Actor) -> User:
        raise NotImplementedError

    def get_room(self, room_id: int) -> Room | None:
        raise NotImplementedError

    # -- refs: the one object for an id, bare when nothing else is known -------------

    def room_ref(self, room_id: int) -> Room:
        room, _ = self._room_map.get_or_create(room_id, lambda: Room.bare(self._client, room_id))
        return room

    def user_ref(self, user_id: int) -> User:
        user_id = self.merged_ids.get(user_id, user_id)
        user, _ = self._users.get_or_create(user_id, lambda: User.bare(self._client, user_id))
        return user

    def message_ref(self, message_id: int) -> Message:
        message, _ = self._message_map.get_or_create(
            message_id, lambda: Message.bare(self._client, message_id)
        )
        return message

    def space_ref(self, space_id: int) -> Space:
        space, _ = self._space_map.get_or_create(
            space_id, lambda: Space.bare(self._client, space_id)
        )
        return space

    def emoji_ref(self, emoji_id: int) -> Emoji:
        emoji, _ = self._emoji_map.get_or_create(
            emoji_id, lambda: Emoji.bare(self._client, emoji_id)
        )
        return emoji

    def webhook_ref(self, webhook_id: int) -> Webhook:
        webhook, _ = self._webhook_map.get_or_create(
            webhook_id, lambda: Webhook.bare(self._client, webhook_id)
        )
        return webhook

    # -- members ---------------------------------------------------------------------

    def get_member(self, room_id: int, user_id: int) -> Member | None:
        return self._member_map.get((room_id, user_id))

    def store_member(self, data: models.Member) -> Member:
        member, created = self._member_map.get_or_create(
            (data.room_id, data.user.id), lambda: Member(self._client, data)
        )
        if not created:
            member._update(data)
        self.user_from_actor(data.user)
        return member

    def members_of_user(self, user_id: int) -> list[Member]:
        return [m for m in self._member_map.values() if m.id == user_id]

    def forget_member(self, room_id: int, user_id: int) -> models.Member | None:
        gone = self._member_map.pop((room_id, user_id))
        return None if gone is None else gone.data

    # -- emojis and webhooks ---------------------------------------------------------

    def get_emoji(self, emoji_id: int) -> Emoji | None:
        found = self._emoji_map.get(emoji_id)
        return found if found is not None and found.loaded else None

    def store_emoji(self, data: EmojiData) -> Emoji:
        emoji, created = self._emoji_map.get_or_create(data.id, lambda: Emoji(self._client, data))
        if not created:
            emoji._update(data)
        return emoji

    def forget_emoji(self, emoji_id: int) -> EmojiData | None:
        gone = self._emoji_map.pop(emoji_id)
        return None if gone is None or not gone.loaded else gone.data

    def get_webhook(self, webhook_id: int) -> Webhook | None:
        found = self._webhook_map.get(webhook_id)
        return found if found is not None and found.loaded else None

    def store_webhook(self, data: WebhookData) -> Webhook:
        webhook, created = self._webhook_map.get_or_create(
            data.id, lambda: Webhook(self._client, data)
        )
        if not created:
            # Reads never carry the token (D.47): the one this object knows stays.
            if data.token is None and webhook.loaded and webhook.token is not None:
                data = data.model_copy(update={"token": webhook.token})
            webhook._update(data)
        return webhook

    def forget_webhook(self, webhook_id: int) -> WebhookData | None:
        gone = self._webhook_map.pop(webhook_id)
        return None if gone is None or not gone.loaded else gone.data

    # -- notifications ---------------------------------------------------------------

    def store_notification(self, data: models.Notification) -> Notification:
        notification, created = self._notification_map.get_or_create(
            data.id, lambda: Notification(self._client, data)
        )
        if not created:
            notification._update(data)
        return notification

    # -- read states -----------------------------------------------------------------

    def store_read_state(self, state: models.ReadState) -> models.ReadState:
        self.read_states[state.room_id] = state
        return state

    # -- folding events --------------------------------------------------------------

    def apply_member_event(self, event: ServerEvent) -> bool:
        """Fold a member, emoji, webhook or read-state event; False for any other."""
        if isinstance(event, MemberUpdated):
            member = self.get_member(event.room_id, event.user_id)
            if member is not None:
                event.before = member.data
                event.after = patched(member.data, event.changes, event.cleared, {})
                member._update(event.after)
        elif isinstance(event, EmojiCreated):
            self.store_emoji(event.emoji)
        elif isinstance(event, EmojiDeleted):
            self.forget_emoji(event.emoji_id)
        elif isinstance(event, WebhookCreated):
            self.store_webhook(event.webhook)
        elif isinstance(event, WebhookUpdated):
            webhook = self.get_webhook(event.webhook_id)
            if webhook is not None:
                event.before = webhook.data
                event.after = patched(webhook.data, event.changes, event.cleared, {})
                webhook._update(event.after)
        elif isinstance(event, WebhookDeleted):
            self.forget_webhook(event.webhook_id)
        elif isinstance(event, ReadStateUpdated):
            before = self.read_states.get(event.room_id)
            after = models.ReadState(
                room_id=event.room_id,
                last_read_message_id=event.last_read_message_id,
                unread_count=event.unread_count if event.unread_count is not None else 0,
                mention_count=event.mention_count if event.mention_count is not None else 0,
            )
            event.before, event.after = before, after
            self.read_states[event.room_id] = after
        else:
            return False
        return True

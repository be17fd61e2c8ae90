"""Typed SDK events of issue 4's custom emojis and webhooks (EVENTS.md C.2 #30–31,
#72–74), registered in protocol.events' registry.

    ServerEvent
    ├── EmojiEvent                space_id, emoji_id (audience SPACE)
    │   ├── EmojiCreated          emoji
    │   └── EmojiDeleted
    └── RoomEvent
        └── WebhookEvent          webhook_id (audience MODS of the room)
            ├── WebhookCreated    webhook; `webhook.token` only in the creator's copy,
            │                     which arrives besides the moderators' copy (D.47)
            ├── WebhookUpdated    changes, cleared
            └── WebhookDeleted
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hubbub.protocol.events import RoomEvent, ServerEvent, register
from hubbub.protocol.models import Envelope
from hubbub.protocol.models_extras import Emoji, Webhook

__all__ = [
    "EmojiCreated",
    "EmojiDeleted",
    "EmojiEvent",
    "WebhookCreated",
    "WebhookDeleted",
    "WebhookEvent",
    "WebhookUpdated",
]


@dataclass(kw_only=True, eq=False)
class EmojiEvent(ServerEvent):
    space_id: int
    emoji_id: int


@register
@dataclass(kw_only=True, eq=False)
class EmojiCreated(EmojiEvent):
    """A custom emoji was added to a space (SPACE)."""

    type_name = "emoji.created"
    emoji: Emoji

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        emoji = Emoji.model_validate(envelope.data["emoji"])
        space_id = envelope.space_id if envelope.space_id is not None else emoji.space_id
        return {"space_id": int(space_id), "emoji_id": emoji.id, "emoji": emoji}


@register
@dataclass(kw_only=True, eq=False)
class EmojiDeleted(EmojiEvent):
    """A space's custom emoji was deleted (SPACE)."""

    type_name = "emoji.deleted"

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        space_id = envelope.space_id if envelope.space_id is not None else d["space_id"]
        return {"space_id": int(space_id), "emoji_id": int(d["emoji_id"])}


@dataclass(kw_only=True, eq=False)
class WebhookEvent(RoomEvent):
    webhook_id: int


@register
@dataclass(kw_only=True, eq=False)
class WebhookCreated(WebhookEvent):
    """A webhook was created in a room; `webhook.token` only in the creator's copy
    (MODS)."""

    type_name = "webhook.created"
    webhook: Webhook

    @property
    def token(self) -> str | None:
        """The secret, in the creator's own copy only."""
        return self.webhook.token

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        webhook = Webhook.model_validate(envelope.data["webhook"])
        room_id = envelope.room_id if envelope.room_id is not None else webhook.room_id
        return {"room_id": int(room_id), "webhook_id": webhook.id, "webhook": webhook}


@register
@dataclass(kw_only=True, eq=False)
class WebhookUpdated(WebhookEvent):
    """A webhook's name, avatar or permissions changed (MODS)."""

    type_name = "webhook.updated"
    changes: dict[str, Any]
    cleared: list[str]
    # Filled by the client cache when it holds the webhook.
    before: Webhook | None = None
    after: Webhook | None = None

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        return {
            **super()._parse_data(envelope),
            "webhook_id": int(d["webhook_id"]),
            "changes": dict(d.get("changes") or {}),
            "cleared": list(d.get("cleared") or []),
        }


@register
@dataclass(kw_only=True, eq=False)
class WebhookDeleted(WebhookEvent):
    """A room's webhook was deleted (MODS)."""

    type_name = "webhook.deleted"

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        return {**super()._parse_data(envelope), "webhook_id": int(envelope.data["webhook_id"])}

"""Wire models of custom emojis and webhooks (issue 4; EVENTS.md C.2 #30, #72)."""

from __future__ import annotations

from hubbub.protocol.models import Timestamp, WireModel

__all__ = ["Emoji", "Webhook", "WebhookRef"]


class Emoji(WireModel):
    id: int
    name: str
    space_id: int
    creator_id: int
    animated: bool = False
    url: str  # /api/v1/emojis/{id}/image, served without a token
    created_at: Timestamp | None = None

    @property
    def markup(self) -> str:
        """How a message shows this emoji: `<:name:id>`."""
        return f"<:{self.name}:{self.id}>"


class Webhook(WireModel):
    id: int
    room_id: int
    user_id: int | None = None  # the bot user that authors its messages
    name: str
    avatar_url: str | None = None
    creator_id: int
    permissions: int = 0
    created_at: Timestamp | None = None
    # Only in the create response and the creator's copy of `webhook.created` (D.47).
    token: str | None = None


class WebhookRef(WireModel):
    """`message.webhook`: who a webhook's message shows as, fixed when it was posted."""

    id: int
    name: str | None = None
    avatar_url: str | None = None

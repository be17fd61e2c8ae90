"""REST methods for custom emojis and webhooks. Each returns wire models (the objects in
client.objects.extras wrap them) or raises the typed error the server named."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote

from hubbub.client.http_base import Requester
from hubbub.protocol.models import Message
from hubbub.protocol.models_extras import Emoji, Webhook

__all__ = ["ExtrasAPI"]

# Distinguishes "not given" from an explicit None (which clears a field).
_UNSET: Any = object()


class ExtrasAPI(Requester):
    # -- emojis -------------------------------------------------------------------------

    async def create_emoji(
        self, space_id: int, name: str, data: bytes, filename: str = "emoji"
    ) -> Emoji:
        """Upload a custom emoji (PNG, GIF, WebP or JPEG, ≤ 256 KiB). The server reads the
        type from the bytes, so the part's content type is only a label."""
        files = {"file": (filename, data, "application/octet-stream")}
        body = await self.request(
            "POST", f"/spaces/{space_id}/emojis", files=files, data={"name": name}
        )
        return Emoji.model_validate(body)

    async def list_emojis(self, space_id: int) -> list[Emoji]:
        body = await self.request("GET", f"/spaces/{space_id}/emojis")
        return [Emoji.model_validate(e) for e in body["emojis"]]

    async def get_emoji(self, emoji_id: int) -> Emoji:
        return Emoji.model_validate(await self.request("GET", f"/emojis/{emoji_id}"))

    async def delete_emoji(self, emoji_id: int) -> None:
        await self.request("DELETE", f"/emojis/{emoji_id}")

    # -- webhooks -----------------------------------------------------------------------

    async def create_webhook(
        self, room_id: int, name: str, avatar_url: str | None = None
    ) -> Webhook:
        """The new webhook; its `token` is in this answer only: keep it."""
        body: dict[str, Any] = {"name": name}
        if avatar_url is not None:
            body["avatar_url"] = avatar_url
        data = await self.request("POST", f"/rooms/{room_id}/webhooks", json=body)
        return Webhook.model_validate(data)

    async def list_webhooks(self, room_id: int) -> list[Webhook]:
        body = await self.request("GET", f"/rooms/{room_id}/webhooks")
        return [Webhook.model_validate(w) for w in body["webhooks"]]

    async def get_webhook(self, webhook_id: int) -> Webhook:
        return Webhook.model_validate(await self.request("GET", f"/webhooks/{webhook_id}"))

    async def edit_webhook(
        self, webhook_id: int, *, name: str | None = None, avatar_url: str | None = _UNSET
    ) -> Webhook:
        """Change the name and/or avatar; `avatar_url=None` removes the avatar."""
        body: dict[str, Any] = {}
        if name is not None:
            body["name"] = name
        if avatar_url is not _UNSET:
            body["avatar_url"] = avatar_url
        data = await self.request("PATCH", f"/webhooks/{webhook_id}", json=body)
        return Webhook.model_validate(data)

    async def delete_webhook(self, webhook_id: int) -> None:
        await self.request("DELETE", f"/webhooks/{webhook_id}")

    async def execute_webhook(
        self,
        webhook_id: int,
        token: str,
        content: str,
        name: str | None = None,
        avatar_url: str | None = None,
        *,
        nonce: str | None = None,
    ) -> Message:
        """Post as the webhook. Needs only the token, so any client can call it (one
        built without a token of its own, too)."""
        body: dict[str, Any] = {"content": content}
        # A nonce (made up unless given) makes the retry after a lost response harmless.
        nonce = nonce or uuid.uuid4().hex
        for key, value in (("name", name), ("avatar_url", avatar_url), ("nonce", nonce)):
            if value is not None:
                body[key] = value
        path = f"/webhooks/{webhook_id}/{quote(token, safe='')}"
        data = await self.request("POST", path, json=body, idempotent=True)
        return Message.model_validate(data)

"""`Emoji` and `Webhook`: thin live objects over the wire models, with their actions.

They are not kept in the client's cache (emojis arrive with their space, webhooks are
managed by few); build one from a model with `Emoji(client, model)`.
"""

from __future__ import annotations

from hubbub.client.objects.base import _Entity
from hubbub.client.objects.message import Message
from hubbub.protocol import models_extras

__all__ = ["Emoji", "Webhook"]


class Emoji(_Entity[models_extras.Emoji]):
    __slots__ = ()

    def __repr__(self) -> str:
        return f"<Emoji id={self.id} name={self.name!r}>"

    @property
    def name(self) -> str:
        return self._data.name

    @property
    def space_id(self) -> int:
        return self._data.space_id

    @property
    def animated(self) -> bool:
        return self._data.animated

    @property
    def url(self) -> str:
        return self._data.url

    @property
    def markup(self) -> str:
        """Put this in a message's content to show the emoji: `<:name:id>`."""
        return self._data.markup

    @property
    def reaction_key(self) -> str:
        """What `message.react(...)` takes for this emoji: its id."""
        return str(self.id)

    async def delete(self) -> None:
        await self._client.http.delete_emoji(self.id)


class Webhook(_Entity[models_extras.Webhook]):
    __slots__ = ()

    def __repr__(self) -> str:
        return f"<Webhook id={self.id} name={self.name!r} room_id={self.room_id}>"

    @property
    def name(self) -> str:
        return self._data.name

    @property
    def room_id(self) -> int:
        return self._data.room_id

    @property
    def avatar_url(self) -> str | None:
        return self._data.avatar_url

    @property
    def token(self) -> str | None:
        """Known only to the object built from the create answer (or the creator's event)."""
        return self._data.token

    async def edit(self, *, name: str | None = None) -> Webhook:
        updated = await self._client.http.edit_webhook(self.id, name=name)
        # Reads never carry the token; the one this object knows stays.
        self._update(updated.model_copy(update={"token": self.token}))
        return self

    async def delete(self) -> None:
        await self._client.http.delete_webhook(self.id)

    async def execute(
        self, content: str, *, name: str | None = None, avatar_url: str | None = None
    ) -> Message:
        """Post as the webhook; needs the token (see `token`)."""
        if self.token is None:
            raise ValueError("this webhook's token is not known here")
        data = await self._client.http.execute_webhook(
            self.id, self.token, content, name, avatar_url
        )
        return self._client.cache.store_message(data)

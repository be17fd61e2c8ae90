"""`Emoji` and `Webhook`: live objects over the wire models, with their actions.

One instance per id per client like every object (`client.cache.store_emoji` /
`store_webhook`); the cache follows `emoji.*` and `webhook.*` events for the ones alive.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hubbub.client.objects.base import InRoom, _Entity
from hubbub.client.objects.message import Message
from hubbub.errors import Unauthorized
from hubbub.protocol import models_extras

if TYPE_CHECKING:
    from hubbub.client.objects.space import Space

__all__ = ["Emoji", "Webhook"]


class Emoji(_Entity[models_extras.Emoji]):
    __slots__ = ()

    def __repr__(self) -> str:
        if self._snap is None:
            return f"<Emoji id={self.id} (not loaded)>"
        return f"<Emoji id={self.id} name={self.name!r}>"

    @property
    def name(self) -> str:
        return self._data.name

    @property
    def space_id(self) -> int:
        return self._data.space_id

    @property
    def space(self) -> Space:
        return self._client.cache.space_ref(self.space_id)

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

    async def fetch(self) -> Emoji:
        return self._client.cache.store_emoji(await self._client.http.get_emoji(self.id))

    async def delete(self) -> None:
        await self._client.http.delete_emoji(self.id)
        self._client.cache.forget_emoji(self.id)


class Webhook(_Entity[models_extras.Webhook], InRoom):
    # `execute` authenticates with the webhook's own token, not the client's.
    __slots__ = ()
    _reads = _Entity._reads | {"execute"}

    def __repr__(self) -> str:
        if self._snap is None:
            return f"<Webhook id={self.id} (not loaded)>"
        return f"<Webhook id={self.id} name={self.name!r} room_id={self.room_id}>"

    @property
    def name(self) -> str:
        return self._data.name

    @property
    def avatar_url(self) -> str | None:
        return self._data.avatar_url

    @property
    def token(self) -> str | None:
        """Known only to the object built from the create answer (or the creator's event)."""
        return self._data.token

    async def fetch(self) -> Webhook:
        return self._client.cache.store_webhook(await self._client.http.get_webhook(self.id))

    async def edit(self, *, name: str | None = None) -> Webhook:
        return self._client.cache.store_webhook(
            await self._client.http.edit_webhook(self.id, name=name)
        )

    async def delete(self) -> None:
        await self._client.http.delete_webhook(self.id)
        self._client.cache.forget_webhook(self.id)

    async def execute(
        self, content: str, *, name: str | None = None, avatar_url: str | None = None
    ) -> Message:
        """Post as the webhook; needs the token (see `token`)."""
        if self.token is None:
            raise Unauthorized(
                "this webhook's token is not known here (only the creator's object has it)",
                code="webhook_token_unknown",
            )
        data = await self._client.http.execute_webhook(
            self.id, self.token, content, name, avatar_url
        )
        return self._client.cache.store_message(data)

"""REST methods for custom emojis and webhooks."""

from __future__ import annotations

from hubbub.client.http_base import Requester


class ExtrasAPI(Requester):
    pass

"""REST methods: the moderation pipeline: profanity filter, shadowbans, room freeze and slow mode,
pre-moderation queue, broadcast delay (issue 6). Each returns wire models or raises the typed
error the server named."""

from __future__ import annotations

from hubbub.client.http_base import Requester

__all__ = ["ModerationAPI"]


class ModerationAPI(Requester):
    pass

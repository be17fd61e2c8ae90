"""REST methods: presence (global and per room) and the user settings document (issue 5). Each
returns wire models or raises the typed error the server named."""

from __future__ import annotations

from hubbub.client.http_base import Requester

__all__ = ["PresenceAPI"]


class PresenceAPI(Requester):
    pass

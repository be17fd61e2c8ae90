"""REST methods: sanctions: room bans (kick-mute, bounce, ban) and platform suspensions (issue 6).
Each returns wire models or raises the typed error the server named."""

from __future__ import annotations

from hubbub.client.http_base import Requester

__all__ = ["SanctionsAPI"]


class SanctionsAPI(Requester):
    pass

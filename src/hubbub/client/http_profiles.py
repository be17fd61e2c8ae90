"""REST methods: profiles, statistics, account deletion/wipe and merge (issue 5). Each returns wire
models or raises the typed error the server named."""

from __future__ import annotations

from hubbub.client.http_base import Requester

__all__ = ["ProfilesAPI"]


class ProfilesAPI(Requester):
    pass

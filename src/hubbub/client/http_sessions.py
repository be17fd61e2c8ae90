"""REST methods: sessions as objects and anonymous read-only access (issue 5). Each returns wire
models or raises the typed error the server named."""

from __future__ import annotations

from hubbub.client.http_base import Requester

__all__ = ["SessionsAPI"]


class SessionsAPI(Requester):
    pass

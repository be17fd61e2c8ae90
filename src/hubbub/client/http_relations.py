"""REST methods: relationships (friends, blocks), dms and groups (issue 5). Each returns wire
models or raises the typed error the server named."""

from __future__ import annotations

from hubbub.client.http_base import Requester

__all__ = ["RelationsAPI"]


class RelationsAPI(Requester):
    pass

"""REST methods: invitations addressed to a user and global notifications (issue 5). Each returns
wire models or raises the typed error the server named."""

from __future__ import annotations

from hubbub.client.http_base import Requester

__all__ = ["InboxAPI"]


class InboxAPI(Requester):
    pass

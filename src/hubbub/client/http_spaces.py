"""REST methods for spaces, members, roles, invites, bans, overrides and the audit log."""

from __future__ import annotations

from hubbub.client.http_base import Requester


class SpacesAPI(Requester):
    pass

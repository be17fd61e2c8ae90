"""Typed SDK events of issue 5's inbox: invitations addressed to a user; registered in
protocol.events' registry.

    ServerEvent
    └── NotificationEvent            (events_content) user-scoped
        └── InvitationUpdated        `invitation.updated`: accepted, declined or revoked

An invitation arrives as `NotificationCreated` with `kind == "invitation"` (its
`data.invitation_id` names it); a global notification arrives as `NotificationCreated`
with `kind == "global"`, the same notification (same id) for every user. When an
invitation is answered or revoked, the invitee and the inviter each get
`InvitationUpdated` with the invitation as it now stands (`status` accepted, declined or
revoked).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hubbub.protocol.events import register
from hubbub.protocol.events_content import NotificationEvent
from hubbub.protocol.models import Envelope
from hubbub.protocol.models_inbox import Invitation

__all__ = ["InvitationUpdated"]


@register
@dataclass(kw_only=True, eq=False)
class InvitationUpdated(NotificationEvent):
    """An invitation to or from this user was accepted, declined or revoked."""

    type_name = "invitation.updated"
    invitation: Invitation

    @property
    def status(self) -> str:
        return str(self.invitation.status)

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        return {"invitation": Invitation.model_validate(envelope.data["invitation"])}

"""REST methods: invitations addressed to a user and global notifications (issue 5). Each returns
wire models or raises the typed error the server named."""

from __future__ import annotations

from hubbub.client.http_base import Requester
from hubbub.protocol.models import Notification
from hubbub.protocol.models_inbox import (
    Broadcast,
    Invitation,
    InvitationAccepted,
    InvitationList,
    UnreadCount,
)

__all__ = ["InboxAPI"]


class InboxAPI(Requester):
    async def invite_to_room(self, room_id: int, user_id: int) -> Invitation:
        """Invite a user to a room. They get a `NotificationCreated` of kind `invitation`.
        Raises `Conflict` (`already_member`, `already_invited`, `cannot_invite_self`),
        `Forbidden` (`missing_permission`, `not_moderator`, `blocked`, `user_banned`) or
        `NotFound` (`user_not_found`, `room_not_found`)."""
        data = await self.request(
            "POST", f"/rooms/{room_id}/invitations", json={"user_id": user_id}
        )
        return Invitation.model_validate(data)

    async def invite_to_space(self, space_id: int, user_id: int) -> Invitation:
        """Invite a user to a space (needs `invite` there); errors as `invite_to_room`."""
        data = await self.request(
            "POST", f"/spaces/{space_id}/invitations", json={"user_id": user_id}
        )
        return Invitation.model_validate(data)

    async def invitations(self) -> list[Invitation]:
        """This user's pending invitations, newest first."""
        data = await self.request("GET", "/invitations")
        return InvitationList.model_validate(data).invitations

    async def accept_invitation(self, invitation_id: int) -> InvitationAccepted:
        """Join what the invitation opens (a private room or a closed space too). Raises
        `Conflict` `invitation_closed` once it was answered, revoked or expired."""
        data = await self.request("POST", f"/invitations/{invitation_id}/accept")
        return InvitationAccepted.model_validate(data)

    async def decline_invitation(self, invitation_id: int) -> Invitation:
        """Decline an invitation addressed to this user."""
        data = await self.request("POST", f"/invitations/{invitation_id}/decline")
        return Invitation.model_validate(data)

    async def revoke_invitation(self, invitation_id: int) -> Invitation:
        """Withdraw an invitation this user sent (or, as a moderator, any to their room)."""
        data = await self.request("DELETE", f"/invitations/{invitation_id}")
        return Invitation.model_validate(data)

    async def broadcast_notification(self, content: str) -> Broadcast:
        """Global staff only: send a Markdown notice to every user. Everyone gets the same
        notification (one id), live as `NotificationCreated` (kind `global`) and in their
        inbox. Raises `Forbidden` `not_staff` otherwise."""
        data = await self.request("POST", "/admin/notifications", json={"content": content})
        return Broadcast.model_validate(data)

    async def unread_count(self) -> UnreadCount:
        """How many notifications are unread: `unread_count`, and `by_kind`."""
        return UnreadCount.model_validate(await self.request("GET", "/notifications/unread_count"))

    async def notifications_of_kind(
        self, kind: str, *, before: int | None = None, limit: int = 50, unread: bool = False
    ) -> list[Notification]:
        """One page of this user's notifications of one kind, newest first."""
        params: dict[str, object] = {"kind": kind, "limit": limit, "unread": unread}
        if before is not None:
            params["before"] = before
        data = await self.request("GET", "/notifications", params=params)
        return [Notification.model_validate(n) for n in data["notifications"]]

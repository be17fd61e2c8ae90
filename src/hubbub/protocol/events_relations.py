"""Typed SDK events of issue 5's relationships (EVENTS.md C.2 #18, D.31), registered in
protocol.events' registry. DMs and groups use the room events (RoomCreated with reason
`dm_opened` / `added_to_group`, MemberJoined via `added`, MemberLeft reason `removed`,
RoomUpdated `changes.owner_id`, RoomDeleted).

    ServerEvent
    └── RelationshipUpdated   user_id (the other party), status, previous_status, user
                              (audience USER: each party gets its own view)
    Event
    └── PrivateMessage        derived by the SDK (DM-03, D.59), after the MessageCreated
                              of a message someone else wrote in one of this user's DMs
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hubbub.protocol.events import Event, MessageCreated, ServerEvent, register
from hubbub.protocol.models import Actor, Envelope, Message

__all__ = ["PrivateMessage", "RelationshipUpdated"]


@register
@dataclass(kw_only=True, eq=False)
class RelationshipUpdated(ServerEvent):
    """This user's relationship with `user_id` changed: `status` is the new view
    (none | friend | outgoing | incoming | blocked | blocked_other), `previous_status`
    the old one. Each party receives its own view of the same change."""

    type_name = "relationship.updated"
    user_id: int
    status: str
    previous_status: str
    user: Actor

    @property
    def is_friend_request(self) -> bool:
        """Someone just sent this user a friend request."""
        return self.status == "incoming" and self.previous_status == "none"

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        return {
            "user_id": int(d["user_id"]),
            "status": str(d["status"]),
            "previous_status": str(d.get("previous_status") or "none"),
            "user": Actor.model_validate(d["user"]),
        }


@dataclass(kw_only=True, eq=False)
class PrivateMessage(Event):
    """Someone else wrote to this user in a DM (never fired for one's own messages). A
    convenience alongside the MessageCreated it comes from, which handlers also get."""

    type_name = "private_message"
    event: MessageCreated
    message: Message

    @property
    def room_id(self) -> int:
        return self.message.room_id

    @property
    def author(self) -> Actor | None:
        return self.message.author

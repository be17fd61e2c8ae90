"""Typed SDK events of issue 5's relationships (EVENTS.md C.2 #18, D.31), registered in
protocol.events' registry. DMs and groups use the room events (RoomCreated with reason
`dm_opened` / `added_to_group`, MemberJoined via `added`, MemberLeft reason `removed`,
RoomUpdated `changes.owner_id`, RoomDeleted).

    ServerEvent
    └── RelationshipUpdated   user_id (the other party), status, previous_status, user
                              (audience USER: each party gets its own view)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hubbub.protocol.events import ServerEvent, register
from hubbub.protocol.models import Actor, Envelope

__all__ = ["RelationshipUpdated"]


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

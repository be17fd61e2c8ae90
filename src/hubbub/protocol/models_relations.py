"""Wire models of relationships (issue 5; EVENTS.md C.2 #18, D.31)."""

from __future__ import annotations

from typing import Literal

from hubbub.protocol.models import Actor, WireModel

__all__ = ["Relationship", "RelationshipList", "RelationshipStatus"]

# `user` (oneself) is never sent over the wire (D.31).
RelationshipStatus = Literal["none", "friend", "outgoing", "incoming", "blocked", "blocked_other"]


class Relationship(WireModel):
    """One side's view of a pair: the other user and what they are to this one."""

    user_id: int
    status: RelationshipStatus
    user: Actor


class RelationshipList(WireModel):
    relationships: list[Relationship]

"""Typed SDK events of issue 5: profiles, account wipes and merges (EVENTS.md C.2 #12–14,
D.32), registered in protocol.events' registry. All go to OBSERVERS: the users who share a
room, a space, a DM or group, or a relationship with the subject, and the subject.

    ServerEvent
    └── UserEvent                 user_id is always set
        ├── UserUpdated           changes, cleared (`before`/`after` from the cache)
        ├── UserWiped             flags, raw_flags
        └── UserMerged            source_user_id, target_user_id (user_id = the target)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hubbub.protocol.events import ServerEvent, register
from hubbub.protocol.models import Actor, Envelope, User

__all__ = ["UserEvent", "UserMerged", "UserUpdated", "UserWiped"]


@dataclass(kw_only=True, eq=False)
class UserEvent(ServerEvent):
    """Something happened to a user account."""

    user_id: int


@register
@dataclass(kw_only=True, eq=False)
class UserUpdated(UserEvent):
    """A profile changed. `changes` holds the new values under the user object's field
    names (display_name, handle, about, status_text, avatar_url); `cleared` names the
    fields reset to their defaults. `before`/`after` are filled when the user is cached."""

    type_name = "user.updated"
    changes: dict[str, Any] = field(default_factory=dict)
    cleared: list[str] = field(default_factory=list)
    # A full profile, or the author snapshot when that is all the cache knew.
    before: User | Actor | None = None
    after: User | Actor | None = None

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        return {
            "user_id": int(d["user_id"]),
            "changes": dict(d.get("changes") or {}),
            "cleared": [str(c) for c in d.get("cleared") or []],
        }


@register
@dataclass(kw_only=True, eq=False)
class UserWiped(UserEvent):
    """The account was deleted or wiped by the platform: its content is gone. `flags` is
    the decoded list of `raw_flags` (D.32: suspended=1, deleted=2, banned=4, spam=8)."""

    type_name = "user.wiped"
    flags: list[str] = field(default_factory=list)
    raw_flags: int = 0

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        return {
            "user_id": int(d["user_id"]),
            "flags": [str(f) for f in d.get("flags") or []],
            "raw_flags": int(d.get("raw_flags") or 0),
        }


@register
@dataclass(kw_only=True, eq=False)
class UserMerged(UserEvent):
    """`source_user_id` was merged into `target_user_id` (`user_id`): the old id now
    resolves to the surviving account."""

    type_name = "user.merged"
    source_user_id: int
    target_user_id: int

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        target = int(d["target_user_id"])
        return {
            "user_id": target,
            "source_user_id": int(d["source_user_id"]),
            "target_user_id": target,
        }

"""Live objects: `User`, `Room`, `Message`, `Space`, `SpaceMember`, `Role`, one instance
per id per client.

An object wraps the latest wire snapshot (`.data`, an immutable pydantic model) and is
updated in place by the cache, so a reference held by the app always shows current state.
The identity map holds objects weakly: whatever the app or the cache keeps alive is
shared; nothing else is retained.

Action methods call REST and return the resulting (identity-mapped) object, or raise a
typed `HubbubError`.
"""

from __future__ import annotations

from hubbub.client.objects.base import IdentityMap, _Entity
from hubbub.client.objects.message import Message, SearchHit
from hubbub.client.objects.room import Room
from hubbub.client.objects.space import Role, Space, SpaceMember
from hubbub.client.objects.user import User

__all__ = [
    "IdentityMap",
    "Message",
    "Role",
    "Room",
    "SearchHit",
    "Space",
    "SpaceMember",
    "User",
    "_Entity",
]

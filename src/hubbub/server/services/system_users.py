"""The reserved system users (ID-07): Community (-1) and Feeds (-2).

They are rows of `users` (migration 0007) so that foreign keys and author joins work, but
nobody signs in as them: they have no password and no tokens, their handles cannot be
registered or taken by a rename, and they cannot be edited, wiped or merged. Services use
them as the `actor` (or author) of automated events: `system_actor(COMMUNITY_ID)`.
"""

from __future__ import annotations

from typing import Any

from hubbub.errors import Forbidden, NotFound

COMMUNITY_ID = -1
FEEDS_ID = -2

# id → (handle, display name), as migration 0007 inserted them.
SYSTEM_USERS: dict[int, tuple[str, str]] = {
    COMMUNITY_ID: ("community", "Community"),
    FEEDS_ID: ("feeds", "Feeds"),
}
SYSTEM_IDS = frozenset(SYSTEM_USERS)
SYSTEM_HANDLES = frozenset(handle for handle, _ in SYSTEM_USERS.values())


def is_system(user_id: int) -> bool:
    return user_id in SYSTEM_IDS


def system_actor(user_id: int) -> dict[str, Any]:
    """The actor snapshot (EVENTS.md C.1) of a system user, without a database read."""
    found = SYSTEM_USERS.get(user_id)
    if found is None:
        raise NotFound(f"user {user_id} is not a system user", code="user_not_found")
    handle, display_name = found
    return {"id": user_id, "handle": handle, "display_name": display_name, "avatar_url": None}


def refuse_system(user_id: int, what: str) -> None:
    """Forbidden `system_user` when `user_id` is one of the reserved system users."""
    if is_system(user_id):
        raise Forbidden(f"system users cannot be {what}", code="system_user")

"""Wire models of issue 5's profiles: user statistics (ID-09) and the answers of the
administrators' wipe and merge."""

from __future__ import annotations

from hubbub.protocol.models import Timestamp, WireModel

__all__ = ["UserMerge", "UserStats", "UserWipe"]


class UserStats(WireModel):
    """`GET /users/{id}/stats`. `room_count` counts the live rooms the user is a member
    of, DMs and groups left out; `last_seen_at` is None while they are invisible."""

    user_id: int
    message_count: int
    room_count: int
    last_seen_at: Timestamp | None = None
    reputation: int = 1
    merged_from: int | None = None


class UserWipe(WireModel):
    user_id: int
    flags: list[str]
    raw_flags: int


class UserMerge(WireModel):
    source_user_id: int
    target_user_id: int

"""Who receives a message and its changes while the moderation pipeline restricts it
(services.pipeline): shared by send, edit, delete, approval and release.

- a public message: its events go to the ROOM; when the moderators' copy differs (the
  `original_content` of a censored message), the ROOM_BUT_MODS get the public copy and
  the MODS theirs;
- a restricted one (shadowbanned, pending or rejected, held): the MODS with the author as
  target; when the copies differ, the author alone (USER) gets theirs and the MODS theirs;
- a held or pending message that becomes public: `message.created` to ROOM_BUT_MODS with
  the author as target: everyone who has not had it, exactly once.
"""

from __future__ import annotations

from typing import Any

from hubbub.server.events import Audience, LogEvent, room_event
from hubbub.server.store.messages import moderator_fields
from hubbub.server.store.rooms import RoomRow


def mod_fields(row: Any) -> dict[str, Any]:
    """The moderator-only fields of a stored message row (absent when they say nothing)."""
    return moderator_fields(row)


def is_restricted(row: Any) -> bool:
    """Whether a stored message is (still) seen only by its author and the moderators."""
    return (
        bool(row["shadowbanned"])
        or row["moderation_state"] in ("pending", "rejected")
        or row["release_at"] is not None
    )


def split_events(
    type_: str,
    room: RoomRow,
    actor: dict[str, Any] | None,
    data: dict[str, Any],
    mod_data: dict[str, Any] | None,
    *,
    restricted: bool,
    author_id: int,
    author_is_mod: bool = False,
) -> list[LogEvent]:
    """One event as the module docstring says: `data` for everyone, `mod_data` (None: the
    same) for the moderators; `restricted`: only the author and the moderators."""

    def ev(payload: dict[str, Any], audience: Audience, target: int | None) -> LogEvent:
        return room_event(
            type_,
            room.id,
            actor,
            payload,
            audience=audience,
            target_user_id=target,
            space_id=room.space_id,
        )

    if mod_data is None:
        if restricted:
            return [ev(data, Audience.MODS, author_id)]
        return [ev(data, Audience.ROOM, None)]
    if restricted:
        mods = ev(mod_data, Audience.MODS, None)
        return [mods] if author_is_mod else [ev(data, Audience.USER, author_id), mods]
    return [ev(data, Audience.ROOM_BUT_MODS, None), ev(mod_data, Audience.MODS, None)]


def published_event(room: RoomRow, message: dict[str, Any], actor: Any) -> LogEvent:
    """`message.created` for those who have not had it: a held message released, a
    pending one approved (the author and the moderators already have it)."""
    return room_event(
        "message.created",
        room.id,
        actor,
        {"message": message},
        audience=Audience.ROOM_BUT_MODS,
        target_user_id=int(message["author"]["id"]),
        space_id=room.space_id,
    )

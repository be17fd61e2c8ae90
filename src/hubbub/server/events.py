"""The server's event model: what services emit, the log stores, the bus carries and the
gateway fans out. An event is encoded to its wire frame once, however many receive it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import orjson

from hubbub.server.clock import iso_ms

_FRAME_HEAD = b'{"op":"event",'


class Audience(StrEnum):
    ROOM = "room"  # members of room_id (plus target_user_id, for a member who is leaving)
    ROOM_OTHERS = "room_others"  # ROOM minus the actor's own connections (typing)
    # ROOM minus target_user_id's connections: an anonymous broadcast (a star has no
    # actor) whose subject gets its own USER copy instead (`by_you`).
    ROOM_BUT_TARGET = "room_but_target"
    # ROOM minus its moderators (MODS: room/space moderators, staff) and target_user_id:
    # the public copy of a message whose moderators get their own copy (original_content,
    # shadowbanned), or which its author and the moderators already have (a held or
    # pre-moderated message released to the room).
    ROOM_BUT_MODS = "room_but_mods"
    USER = "user"  # every connection of target_user_id
    GLOBAL = "global"  # every connected user
    SPACE = "space"  # every member of space_id
    # The moderators of room_id (or, without a room, of space_id), global staff, and
    # target_user_id when set (MODS + target USER).
    MODS = "mods"
    # The viewers of room_id whose reputation reaches `flag_review_min_reputation`, plus
    # MODS of the room (EVENTS.md C.1: spam/offensive flags).
    TRUSTED = "trusted"
    # Everyone who can see target_user_id (EVENTS.md C.1): the members of the rooms and
    # spaces named in the event's `fanout`, the users it names (relations), and the target.
    OBSERVERS = "observers"


@dataclass(frozen=True, slots=True)
class Fanout:
    """Where an OBSERVERS event goes, fixed when it is emitted so that live delivery,
    resume and long-poll all judge it against the same sets."""

    rooms: frozenset[int] = frozenset()
    spaces: frozenset[int] = frozenset()
    users: frozenset[int] = frozenset()

    def to_json(self) -> str:
        raw = {"rooms": sorted(self.rooms), "spaces": sorted(self.spaces)}
        return orjson.dumps({**raw, "users": sorted(self.users)}).decode()

    @classmethod
    def from_json(cls, text: str) -> Fanout:
        raw = orjson.loads(text)
        return cls(frozenset(raw["rooms"]), frozenset(raw["spaces"]), frozenset(raw["users"]))


@dataclass(slots=True)
class LogEvent:
    type: str
    audience: Audience
    # None only for events read back from the store, whose JSON is decoded on demand.
    data: dict[str, Any] | None
    room_id: int | None = None
    space_id: int | None = None
    actor: dict[str, Any] | None = None
    target_user_id: int | None = None
    # Assigned by the log writer at commit; None for ephemeral events, which are never stored.
    seq: int | None = None
    ts: int = 0
    fanout: Fanout | None = None  # OBSERVERS events only
    _data_json: bytes | None = field(default=None, repr=False)
    _frame: bytes | None = field(default=None, repr=False)
    _frame_text: str | None = field(default=None, repr=False)

    @property
    def actor_id(self) -> int | None:
        return None if self.actor is None else int(self.actor["id"])

    @property
    def data_json(self) -> bytes:
        if self._data_json is None:
            self._data_json = orjson.dumps(self.data)
        return self._data_json

    @property
    def payload(self) -> dict[str, Any]:
        if self.data is None:
            self.data = orjson.loads(self.data_json)
        return self.data

    @property
    def actor_json(self) -> bytes | None:
        return None if self.actor is None else orjson.dumps(self.actor)

    @property
    def frame(self) -> bytes:
        """The gateway frame `{"op":"event", ...envelope}`, encoded on first use and cached."""
        if self._frame is None:
            self._frame = orjson.dumps(
                {
                    "op": "event",
                    "seq": self.seq,
                    "type": self.type,
                    "ts": self.ts,
                    "at": iso_ms(self.ts),
                    "space_id": self.space_id,
                    "room_id": self.room_id,
                    "actor": self.actor,
                    "data": orjson.Fragment(self.data_json),
                }
            )
        return self._frame

    @property
    def envelope_json(self) -> bytes:
        """The envelope alone (the frame without `op`), as long-poll pages embed it. Sliced
        from the cached frame, whose first key is always `op`: no second encoding."""
        return b"{" + self.frame[len(_FRAME_HEAD) :]

    @property
    def frame_text(self) -> str:
        """The frame as text: ASGI text frames take `str`, so decode once, not per recipient."""
        if self._frame_text is None:
            self._frame_text = self.frame.decode()
        return self._frame_text

    @classmethod
    def from_row(
        cls,
        *,
        seq: int,
        type: str,
        audience: str,
        room_id: int | None,
        space_id: int | None,
        target_user_id: int | None,
        created_at: int,
        actor: str | None,
        data: str,
        fanout: str | None = None,
    ) -> LogEvent:
        ev = cls(
            type=type,
            audience=Audience(audience),
            data=None,
            room_id=room_id,
            space_id=space_id,
            actor=None if actor is None else orjson.loads(actor),
            target_user_id=target_user_id,
            seq=seq,
            ts=created_at,
            fanout=None if fanout is None else Fanout.from_json(fanout),
        )
        ev._data_json = data.encode()
        return ev


def room_event(
    type_: str,
    room_id: int,
    actor: dict[str, Any] | None,
    data: dict[str, Any],
    *,
    audience: Audience = Audience.ROOM,
    target_user_id: int | None = None,
    space_id: int | None = None,
) -> LogEvent:
    """An event about one room; `data` carries `room_id` too, as EVENTS.md's payloads do."""
    return LogEvent(
        type=type_,
        audience=audience,
        room_id=room_id,
        space_id=space_id,
        actor=actor,
        target_user_id=target_user_id,
        data={"room_id": room_id, **data},
    )


def member_left(
    room_id: int,
    user_id: int,
    actor: dict[str, Any] | None,
    reason: str,
    role: str,
    by: int | None,
) -> list[LogEvent]:
    """`room.member.left` to the room (and the member), then `room.deleted` to the member
    alone, so that their client drops the room and their scope loses it."""
    left = {"user_id": user_id, "reason": reason, "actor_id": by, "role": role}
    gone = {"reason": "left" if reason == "left" else "access_lost", "role": role}
    return [
        room_event("room.member.left", room_id, actor, left, target_user_id=user_id),
        room_event(
            "room.deleted", room_id, actor, gone, audience=Audience.USER, target_user_id=user_id
        ),
    ]


def space_event(
    type_: str,
    space_id: int,
    actor: dict[str, Any] | None,
    data: dict[str, Any],
    *,
    audience: Audience = Audience.SPACE,
    target_user_id: int | None = None,
) -> LogEvent:
    """An event about one space; `data` carries `space_id` too, as EVENTS.md's payloads do."""
    return LogEvent(
        type=type_,
        audience=audience,
        space_id=space_id,
        actor=actor,
        target_user_id=target_user_id,
        data={"space_id": space_id, **data},
    )


def observers_event(
    type_: str,
    user_id: int,
    actor: dict[str, Any] | None,
    data: dict[str, Any],
    fanout: Fanout,
) -> LogEvent:
    """An event about one user, for everyone who can see them (OBSERVERS); build `fanout`
    with services.observers.fanout_txn in the same transaction."""
    return LogEvent(
        type=type_,
        audience=Audience.OBSERVERS,
        actor=actor,
        target_user_id=user_id,
        data=data,
        fanout=fanout,
    )


def member_updated(
    space_id: int,
    user_id: int,
    actor: dict[str, Any] | None,
    changes: dict[str, Any],
    cleared: list[str] | None = None,
) -> LogEvent:
    """`space.member.updated` (EVENTS.md #24), naming the member it is about."""
    data = {"user_id": user_id, "changes": changes, "cleared": cleared or []}
    return space_event("space.member.updated", space_id, actor, data, target_user_id=user_id)

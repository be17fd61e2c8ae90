"""Who may see which logged event. Pure logic shared by live fan-out, gateway resume and
long-poll, so all three agree exactly.

Room events are visible to the room's members *as of that event*: a user sees their own
join and everything after it, their own leave and nothing after it. Replaying from a
cursor therefore needs the user's membership at the cursor, which `membership_at`
reconstructs from today's membership and the joins/leaves logged since.
"""

from __future__ import annotations

from hubbub.server.events import Audience, LogEvent

JOINED = "room.member.joined"
LEFT = "room.member.left"


def membership_delta(ev: LogEvent) -> tuple[int, int, bool] | None:
    """(user_id, room_id, joined) when the event changes someone's membership."""
    if ev.type in (JOINED, LEFT) and ev.target_user_id is not None and ev.room_id is not None:
        return ev.target_user_id, ev.room_id, ev.type == JOINED
    return None


def visible(ev: LogEvent, user_id: int, rooms: set[int]) -> bool:
    """Whether a user in `rooms` (membership just before applying `ev`) receives `ev`."""
    aud = ev.audience
    if aud is Audience.GLOBAL:
        return True
    if aud is Audience.USER:
        return ev.target_user_id == user_id
    in_room = ev.room_id in rooms or (ev.type == JOINED and ev.target_user_id == user_id)
    if aud is Audience.ROOM:
        return in_room
    if aud is Audience.ROOM_BUT_TARGET:
        return in_room and ev.target_user_id != user_id
    return in_room and ev.actor_id != user_id  # ROOM_OTHERS


class Membership:
    """A user's room set, advanced one event at a time in seq order."""

    __slots__ = ("rooms", "user_id")

    def __init__(self, user_id: int, rooms: set[int]) -> None:
        self.user_id = user_id
        self.rooms = rooms

    def admit(self, ev: LogEvent) -> bool:
        """Apply `ev` and say whether the user receives it (a leaver gets their own leave)."""
        shown = visible(ev, self.user_id, self.rooms)
        delta = membership_delta(ev)
        if delta is not None and delta[0] == self.user_id:
            if delta[2]:
                self.rooms.add(delta[1])
            else:
                self.rooms.discard(delta[1])
        return shown


def membership_at(current: set[int], since: list[tuple[int, str, int]]) -> set[int]:
    """Rooms the user was in at the cursor, given today's rooms and the (seq, type, room)
    joins/leaves logged after the cursor. A room's first change after the cursor tells its
    state at the cursor (a leave means they were in it); untouched rooms are as today."""
    first: dict[int, str] = {}
    for _seq, kind, room in since:
        first.setdefault(room, kind)
    rooms = {r for r in current if r not in first}
    rooms.update(r for r, kind in first.items() if kind == LEFT)
    return rooms

"""Who may see which logged event. Pure logic shared by live fan-out, gateway resume and
long-poll, so all three agree exactly.

A user's *scope* is what their events are addressed through: the rooms they receive
(standalone rooms they joined; space rooms they may view), the spaces they belong to,
the rooms and spaces they moderate, and whether they are global staff. Every change to a
scope is itself a logged event that names the user (`target_user_id`) or, for a new room
of a space, is addressed to the whole space. Scopes are therefore a function of the log:
an event is judged against the scope *as of that event* and then applied to it, so a user
sees their own join and everything after it, their own removal and nothing after it.
Replaying from a cursor needs the scope at the cursor, which `scope_at` reconstructs from
today's scope and the scope changes logged since.

Audiences (EVENTS.md C.1): ROOM and its variants go to the room's receivers; SPACE to the
space's members; MODS to the room's (or, without a room, the space's) moderators, staff,
and the event's target user, if any; USER to the target; GLOBAL to everyone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from hubbub.server.events import Audience, LogEvent

JOINED = "room.member.joined"
LEFT = "room.member.left"
ROOM_CREATED = "room.created"
ROOM_DELETED = "room.deleted"
MEMBER_UPDATED = "room.member.updated"
SPACE_CREATED = "space.created"
SPACE_REMOVED = "space.member.removed"
SPACE_MEMBER_UPDATED = "space.member.updated"
SPACE_DELETED = "space.deleted"
# Events that may change someone's scope; every other event leaves scopes alone.
SCOPE_TYPES = frozenset(
    {
        JOINED,
        LEFT,
        ROOM_CREATED,
        ROOM_DELETED,
        MEMBER_UPDATED,
        SPACE_CREATED,
        SPACE_REMOVED,
        SPACE_MEMBER_UPDATED,
        SPACE_DELETED,
    }
)
# The scope-changing types that name the user they change (the store looks these up).
TARGETED_SCOPE_TYPES = tuple(sorted(SCOPE_TYPES - {SPACE_DELETED}))
MODERATOR_ROLES = frozenset({"owner", "moderator"})

# A change: (kind, id, added, space_of_room). Kinds: room, mod (a room moderated),
# space, modspace (a space moderated).
Change = tuple[str, int, bool, int | None]


def changes(ev: LogEvent, user_id: int) -> list[Change]:
    """The scope changes `ev` makes for a user who receives it."""
    t = ev.type
    if t not in SCOPE_TYPES:
        return []
    mine = ev.target_user_id == user_id
    room, space = ev.room_id, ev.space_id
    data = ev.payload
    if t == JOINED and mine and room is not None:
        out: list[Change] = [("room", room, True, space)]
        if (data.get("member") or {}).get("role") in MODERATOR_ROLES:
            out.append(("mod", room, True, space))
        return out
    if (
        room is not None
        and mine
        and (t == LEFT or (t == ROOM_DELETED and ev.audience is Audience.USER))
    ):
        # The leaver's role rides along, so that a replay knows they moderated it.
        out = [("room", room, False, space)]
        if data.get("role") in MODERATOR_ROLES:
            out.append(("mod", room, False, space))
        return out
    if t == ROOM_CREATED and room is not None:
        if (ev.audience is Audience.USER and mine) or ev.audience is Audience.SPACE:
            out = [("room", room, True, space)]
            if data.get("role") in MODERATOR_ROLES and mine:
                out.append(("mod", room, True, space))
            return out
        return []
    if t == MEMBER_UPDATED and mine and room is not None and "role" in data.get("changes", {}):
        now = data["changes"]["role"] in MODERATOR_ROLES
        if "previous_role" in data and (data["previous_role"] in MODERATOR_ROLES) == now:
            return []
        return [("mod", room, now, space)]
    if space is None:
        return []
    if t == SPACE_CREATED and mine:
        out = [("space", space, True, None)]
        if data.get("moderator"):
            out.append(("modspace", space, True, None))
        for r in data.get("rooms", ()):
            out.append(("room", int(r["id"]), True, space))
            if r.get("role") in MODERATOR_ROLES:
                out.append(("mod", int(r["id"]), True, space))
        return out
    if t == SPACE_MEMBER_UPDATED and mine and "moderator" in data.get("changes", {}):
        return [("modspace", space, bool(data["changes"]["moderator"]), None)]
    if (t == SPACE_REMOVED and mine) or t == SPACE_DELETED:
        out = [("space", space, False, None)]
        if t == SPACE_DELETED or data.get("moderator"):
            out.append(("modspace", space, False, None))
        return out
    return []


@dataclass(slots=True)
class Scope:
    """One user's scope; see the module docstring."""

    user_id: int
    rooms: dict[int, int | None]  # room → its space (None: standalone)
    spaces: set[int]
    mod_rooms: set[int]
    mod_spaces: set[int]
    staff: bool = False
    # Reputation at or above the flag-review threshold (D.17): receives TRUSTED events.
    trusted: bool = False

    def sees(self, ev: LogEvent) -> bool:
        """Whether the user receives `ev`, judged before applying its changes."""
        aud = ev.audience
        if aud is Audience.GLOBAL:
            return True
        uid = self.user_id
        if aud is Audience.USER:
            return ev.target_user_id == uid
        if aud is Audience.SPACE:
            return ev.space_id in self.spaces
        if aud is Audience.OBSERVERS:
            fan = ev.fanout
            if ev.target_user_id == uid:
                return True
            return fan is not None and (
                uid in fan.users
                or not fan.spaces.isdisjoint(self.spaces)
                or not fan.rooms.isdisjoint(self.rooms.keys())
            )
        if aud is Audience.TRUSTED:
            if self.staff:
                return True
            return ev.room_id in self.rooms and (
                self.trusted or ev.room_id in self.mod_rooms or ev.space_id in self.mod_spaces
            )
        if aud is Audience.MODS:
            if self.staff or ev.target_user_id == uid:
                return True
            if ev.room_id is not None:
                return ev.room_id in self.rooms and (
                    ev.room_id in self.mod_rooms or ev.space_id in self.mod_spaces
                )
            return ev.space_id in self.mod_spaces
        in_room = ev.room_id in self.rooms or (ev.type == JOINED and ev.target_user_id == uid)
        if aud is Audience.ROOM:
            return in_room
        if aud is Audience.ROOM_BUT_TARGET:
            return in_room and ev.target_user_id != uid
        if aud is Audience.ROOM_BUT_MODS:
            moderates = self.staff or ev.room_id in self.mod_rooms or ev.space_id in self.mod_spaces
            return in_room and ev.target_user_id != uid and not moderates
        return in_room and ev.actor_id != uid  # ROOM_OTHERS

    def apply(self, ev: LogEvent) -> list[Change]:
        """Apply the changes `ev` makes (the user received it); returns them, with a space
        removal expanded into its rooms, for the hub's indexes."""
        done: list[Change] = []
        for change in changes(ev, self.user_id):
            kind, key, added, space = change
            if kind == "room":
                if added:
                    self.rooms[key] = space
                else:
                    self.rooms.pop(key, None)
                    self.mod_rooms.discard(key)  # whether or not the event said so
            elif kind == "mod":
                _toggle(self.mod_rooms, key, added)
            elif kind == "modspace":
                _toggle(self.mod_spaces, key, added)
            else:
                _toggle(self.spaces, key, added)
                if not added:
                    self.mod_spaces.discard(key)
                    gone = [r for r, s in self.rooms.items() if s == key]
                    for r in gone:
                        del self.rooms[r]
                        self.mod_rooms.discard(r)
                        done.append(("room", r, False, key))
            done.append(change)
        return done

    def admit(self, ev: LogEvent) -> bool:
        """Judge `ev` and, when the user receives it, apply its changes."""
        shown = self.sees(ev)
        if shown and ev.type in SCOPE_TYPES:
            self.apply(ev)
        return shown


def _toggle(values: set[int], key: int, added: bool) -> None:
    if added:
        values.add(key)
    else:
        values.discard(key)


def scope_at(current: Scope, since: Iterable[LogEvent]) -> Scope:
    """The scope at a cursor, given today's scope and the scope-changing events that name
    this user, logged after the cursor, in order. A key's first change after the cursor
    tells its state at the cursor (a removal means it was there); untouched keys are as
    today. A room created in a space after the cursor may be left in: it has no event
    from before its creation, so including it shows nothing extra."""
    first: dict[tuple[str, int], Change] = {}
    for ev in since:
        for change in changes(ev, current.user_id):
            first.setdefault((change[0], change[1]), change)
    rooms = {r: s for r, s in current.rooms.items() if ("room", r) not in first}
    rooms.update({c[1]: c[3] for k, c in first.items() if k[0] == "room" and not c[2]})

    def keep(kind: str, values: set[int]) -> set[int]:
        out = {v for v in values if (kind, v) not in first}
        out.update(c[1] for k, c in first.items() if k[0] == kind and not c[2])
        return out

    return Scope(
        user_id=current.user_id,
        rooms=rooms,
        spaces=keep("space", current.spaces),
        mod_rooms=keep("mod", current.mod_rooms),
        mod_spaces=keep("modspace", current.mod_spaces),
        staff=current.staff,
        trusted=current.trusted,
    )

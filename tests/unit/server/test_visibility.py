from __future__ import annotations

from typing import Any

from hubbub.server.bus import redis as redis_bus
from hubbub.server.events import Audience, Fanout, LogEvent
from hubbub.server.services.visibility import (
    JOINED,
    LEFT,
    ROOM_CREATED,
    ROOM_DELETED,
    SPACE_CREATED,
    SPACE_MEMBER_UPDATED,
    SPACE_REMOVED,
    Scope,
    scope_at,
)

ME, OTHER = 1, 2
MOD = {"changes": {"moderator": True}}


def ev(type_: str, audience: Audience, room: int | None = None, *, target: int | None = None,
       actor: int | None = None, space: int | None = None,
       data: dict[str, Any] | None = None) -> LogEvent:  # fmt: skip
    return LogEvent(
        type=type_,
        audience=audience,
        data=data or {},
        room_id=room,
        space_id=space,
        target_user_id=target,
        actor=None if actor is None else {"id": actor, "handle": "h", "display_name": "h"},
    )


def empty(user: int = ME, **kw: Any) -> Scope:
    return Scope(user, {}, set(), set(), set(), **kw)


def test_room_events_follow_membership_as_of_the_event() -> None:
    m = empty()
    stream = [
        (ev("message.created", Audience.ROOM, 10), False),
        (ev(JOINED, Audience.ROOM, 10, target=ME), True),
        (ev("message.created", Audience.ROOM, 10), True),
        (ev(JOINED, Audience.ROOM, 10, target=OTHER), True),
        (ev(LEFT, Audience.ROOM, 10, target=ME), True),
        (ev("message.created", Audience.ROOM, 10), False),
    ]
    assert [m.admit(e) for e, _ in stream] == [shown for _, shown in stream]
    assert m.rooms == {}


def test_audiences() -> None:
    s = Scope(ME, {10: None}, set(), set(), set())
    assert s.sees(ev("x", Audience.GLOBAL))
    assert s.sees(ev("x", Audience.USER, target=ME))
    assert not s.sees(ev("x", Audience.USER, target=OTHER))
    assert s.sees(ev("typing.started", Audience.ROOM_OTHERS, 10, actor=OTHER))
    assert not s.sees(ev("typing.started", Audience.ROOM_OTHERS, 10, actor=ME))
    assert not s.sees(ev("typing.started", Audience.ROOM_OTHERS, 11, actor=OTHER))


def test_space_and_moderator_audiences() -> None:
    s = Scope(ME, {10: 5, 11: None}, {5}, {11}, set())
    assert s.sees(ev("space.updated", Audience.SPACE, space=5))
    assert not s.sees(ev("space.updated", Audience.SPACE, space=6))
    assert s.sees(ev("audit.entry.created", Audience.MODS, 11))  # a room I moderate
    assert not s.sees(ev("audit.entry.created", Audience.MODS, 10, space=5))
    assert not s.sees(ev("audit.entry.created", Audience.MODS, space=5))
    s.mod_spaces.add(5)
    assert s.sees(ev("audit.entry.created", Audience.MODS, 10, space=5))
    assert s.sees(ev("audit.entry.created", Audience.MODS, space=5))
    # MODS + target: the subject of an access change hears about it
    assert empty().sees(ev("room.member.access_updated", Audience.MODS, 12, target=ME))
    assert empty(staff=True).sees(ev("audit.entry.created", Audience.MODS, 99))


def test_space_join_and_removal_move_every_room_at_once() -> None:
    s = empty()
    joined = ev(SPACE_CREATED, Audience.USER, target=ME, space=5,
                data={"rooms": [{"id": 10}, {"id": 11, "role": "moderator"}]})  # fmt: skip
    assert s.admit(joined)
    assert s.rooms == {10: 5, 11: 5} and s.spaces == {5} and s.mod_rooms == {11}
    assert s.admit(ev("message.created", Audience.ROOM, 10, space=5))
    new_room = ev(ROOM_CREATED, Audience.SPACE, 12, space=5)
    assert s.admit(new_room) and 12 in s.rooms
    lost = ev(ROOM_DELETED, Audience.USER, 12, target=ME, space=5, data={"reason": "access_lost"})
    assert s.admit(lost) and 12 not in s.rooms
    assert not s.admit(ev("message.created", Audience.ROOM, 12, space=5))
    assert s.admit(ev(SPACE_REMOVED, Audience.SPACE, target=ME, space=5))
    assert s.rooms == {} and s.spaces == set() and s.mod_rooms == set()
    assert not s.admit(ev("message.created", Audience.ROOM, 10, space=5))


def test_scope_at_cursor_is_rebuilt_from_the_first_change_per_key() -> None:
    # Today: in rooms 1 and 2. Since the cursor: joined 2, left 3, joined and left 4.
    since = [
        ev(JOINED, Audience.ROOM, 2, target=ME),
        ev(LEFT, Audience.ROOM, 3, target=ME, data={"role": "moderator"}),
        ev(JOINED, Audience.ROOM, 4, target=ME),
        ev(LEFT, Audience.ROOM, 4, target=ME),
        ev(SPACE_MEMBER_UPDATED, Audience.SPACE, target=ME, space=7, data=MOD),
    ]
    now = Scope(ME, {1: None, 2: None}, {7}, set(), {7})
    then = scope_at(now, since)
    assert set(then.rooms) == {1, 3}
    assert then.mod_rooms == {3}
    assert then.spaces == {7} and then.mod_spaces == set()
    assert set(scope_at(now, []).rooms) == {1, 2}


def test_observers_reach_the_subject_and_whoever_shares_a_place_with_them() -> None:
    fan = Fanout(rooms=frozenset({10}), spaces=frozenset({5}), users=frozenset({7}))
    update = LogEvent(
        type="user.updated", audience=Audience.OBSERVERS, data={}, target_user_id=3, fanout=fan
    )
    assert empty(3).sees(update)  # the subject
    assert empty(7).sees(update)  # a relation
    in_room = empty()
    in_room.rooms[10] = None
    assert in_room.sees(update)
    in_space = empty()
    in_space.spaces.add(5)
    assert in_space.sees(update)
    stranger = empty()
    stranger.rooms[11] = None
    stranger.spaces.add(6)
    assert not stranger.sees(update)
    assert not empty(staff=True).sees(update)  # staff see their own observers only


def test_the_fanout_survives_the_store_and_the_bus() -> None:
    fan = Fanout(rooms=frozenset({1, 2}), spaces=frozenset(), users=frozenset({9}))
    assert Fanout.from_json(fan.to_json()) == fan
    sent = LogEvent(
        type="user.updated", audience=Audience.OBSERVERS, data={}, target_user_id=3, fanout=fan
    )
    sent.seq = 1
    (received,) = redis_bus.decode(redis_bus.encode([sent]))
    assert received.fanout == fan


def test_trusted_events_reach_trusted_viewers_and_moderators_of_the_room() -> None:
    flag = ev("message.flag.added", Audience.TRUSTED, 10, space=5)
    trusted, plain, mod, spacemod, elsewhere = (empty(trusted=True), empty(), empty(),
                                                empty(), empty(trusted=True))  # fmt: skip
    for scope in (trusted, plain, mod, spacemod):
        scope.rooms[10] = 5
    mod.mod_rooms.add(10)
    spacemod.mod_spaces.add(5)
    elsewhere.rooms[11] = None
    seen = [s.sees(flag) for s in (trusted, plain, mod, spacemod, elsewhere)]
    assert seen == [True, False, True, True, False]
    assert empty(staff=True).sees(flag)

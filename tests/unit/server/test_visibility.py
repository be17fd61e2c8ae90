from __future__ import annotations

from hubbub.server.events import Audience, LogEvent
from hubbub.server.services.visibility import JOINED, LEFT, Membership, membership_at, visible

ME, OTHER = 1, 2


def ev(type_: str, audience: Audience, room: int | None = None, *, target: int | None = None,
       actor: int | None = None) -> LogEvent:  # fmt: skip
    return LogEvent(
        type=type_,
        audience=audience,
        data={},
        room_id=room,
        target_user_id=target,
        actor=None if actor is None else {"id": actor, "handle": "h", "display_name": "h"},
    )


def test_room_events_follow_membership_as_of_the_event() -> None:
    m = Membership(ME, set())
    stream = [
        (ev("message.created", Audience.ROOM, 10), False),
        (ev(JOINED, Audience.ROOM, 10, target=ME), True),
        (ev("message.created", Audience.ROOM, 10), True),
        (ev(JOINED, Audience.ROOM, 10, target=OTHER), True),
        (ev(LEFT, Audience.ROOM, 10, target=ME), True),
        (ev("message.created", Audience.ROOM, 10), False),
    ]
    assert [m.admit(e) for e, _ in stream] == [shown for _, shown in stream]
    assert m.rooms == set()


def test_audiences() -> None:
    assert visible(ev("x", Audience.GLOBAL), ME, set())
    assert visible(ev("x", Audience.USER, target=ME), ME, set())
    assert not visible(ev("x", Audience.USER, target=OTHER), ME, {10})
    assert visible(ev("typing.started", Audience.ROOM_OTHERS, 10, actor=OTHER), ME, {10})
    assert not visible(ev("typing.started", Audience.ROOM_OTHERS, 10, actor=ME), ME, {10})
    assert not visible(ev("typing.started", Audience.ROOM_OTHERS, 11, actor=OTHER), ME, {10})


def test_membership_at_cursor_is_rebuilt_from_the_first_change_per_room() -> None:
    # Today: in rooms 1 and 2. Since the cursor: joined 2, left 3, joined and left 4.
    since = [(5, JOINED, 2), (6, LEFT, 3), (7, JOINED, 4), (8, LEFT, 4)]
    assert membership_at({1, 2}, since) == {1, 3}
    assert membership_at({1}, []) == {1}
    # A join committed after today's membership was read still counts as "not yet in".
    assert membership_at(set(), [(9, JOINED, 5)]) == set()

"""The fan-out hub: one encoding per event, audience routing, membership changes in order."""

from __future__ import annotations

from hubbub.server.events import Audience, Fanout, LogEvent
from hubbub.server.gateway.connection import Connection
from hubbub.server.gateway.hub import Hub
from hubbub.server.services.visibility import Scope


def scope(user: int, rooms: set[int]) -> Scope:
    return Scope(user, dict.fromkeys(rooms), set(), set(), set())


def live(hub: Hub, user: int, rooms: set[int]) -> Connection:
    conn = Connection(user, session_id=1, max_queue=100)
    hub.register(conn)
    hub.go_live(conn, scope(user, rooms), cursor=0)
    return conn


def message(seq: int, room: int) -> LogEvent:
    return LogEvent(
        type="message.created", audience=Audience.ROOM, data={"n": seq}, room_id=room, seq=seq
    )


def test_each_event_is_encoded_once_for_every_recipient() -> None:
    hub = Hub()
    conns = [live(hub, user, {7}) for user in range(100)]
    outsider = live(hub, 999, {8})
    hub.deliver([message(1, 7)])
    frames = [c.take()[0] for c in conns]
    assert all(f is frames[0] for f in frames)  # the very same str object
    assert outsider.take() == []


def test_joins_and_leaves_change_routing_in_seq_order() -> None:
    hub = Hub()
    conn = live(hub, 5, set())
    joined = LogEvent(
        type="room.member.joined",
        audience=Audience.ROOM,
        data={},
        room_id=3,
        target_user_id=5,
        seq=1,
    )
    left = LogEvent(
        type="room.member.left", audience=Audience.ROOM, data={}, room_id=3, target_user_id=5, seq=3
    )
    hub.deliver([joined, message(2, 3), left, message(4, 3)])
    got = conn.take()
    assert len(got) == 3 and '"seq":4' not in "".join(got)


def test_handshake_buffer_filters_and_dedupes_when_going_live() -> None:
    hub = Hub()
    conn = Connection(5, session_id=1, max_queue=100)
    hub.register(conn)
    hub.deliver([message(1, 3), message(2, 3), message(3, 4)])
    # The handshake replayed up to seq 1 from the database; 2 is new, 3 is not for us.
    hub.go_live(conn, scope(5, {3}), cursor=1)
    assert [f.count('"seq":2') for f in conn.take()] == [1]


def test_a_slow_connection_is_closed_not_buffered_forever() -> None:
    hub = Hub()
    conn = Connection(1, session_id=1, max_queue=3)
    hub.register(conn)
    hub.go_live(conn, scope(1, {1}), cursor=0)
    hub.deliver([message(i, 1) for i in range(1, 6)])
    assert conn.close_code == 4008


def test_the_long_poll_envelope_is_the_frame_without_op() -> None:
    import orjson

    ev = message(7, 3)
    frame = orjson.loads(ev.frame)
    assert frame.pop("op") == "event"
    assert orjson.loads(ev.envelope_json) == frame


def test_observers_events_reach_each_observer_once() -> None:
    hub = Hub()
    subject = live(hub, 1, {7})
    roommate = live(hub, 2, {7, 8})  # shares two rooms of the fan-out: still one copy
    friend = live(hub, 3, set())
    stranger = live(hub, 4, {9})
    fan = Fanout(rooms=frozenset({7, 8}), users=frozenset({3}))
    hub.deliver(
        [
            LogEvent(
                type="user.updated",
                audience=Audience.OBSERVERS,
                data={},
                target_user_id=1,
                seq=1,
                fanout=fan,
            )
        ]
    )
    assert [len(c.take()) for c in (subject, roommate, friend, stranger)] == [1, 1, 1, 0]

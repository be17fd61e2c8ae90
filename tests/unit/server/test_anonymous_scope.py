"""Anonymous readers in the hub (ID-03): only their followed rooms' room-addressed events
(and everyone-addressed ones about those rooms) reach them; a USER, MODS, SPACE or
OBSERVERS event never does, even one whose target is unset or whose fan-out names a
followed room."""

from __future__ import annotations

from typing import Any

from hubbub.server.events import Audience, Fanout, LogEvent
from hubbub.server.gateway.connection import Connection
from hubbub.server.gateway.hub import Hub
from hubbub.server.services.anonymous import ANONYMOUS_ID, AnonymousScope


def anonymous(hub: Hub, rooms: set[int]) -> Connection:
    conn = Connection(ANONYMOUS_ID, session_id=0, max_queue=100)
    hub.register(conn)
    scope = AnonymousScope(ANONYMOUS_ID, dict.fromkeys(rooms), set(), set(), set())
    hub.go_live(conn, scope, cursor=0)
    return conn


def event(
    seq: int,
    audience: Audience,
    room: int | None = 7,
    *,
    type_: str = "x.happened",
    data: dict[str, Any] | None = None,
    space_id: int | None = None,
    fanout: Fanout | None = None,
) -> LogEvent:
    return LogEvent(
        type=type_,
        audience=audience,
        data=data or {},
        room_id=room,
        space_id=space_id,
        seq=seq,
        fanout=fanout,
    )


def test_only_room_events_of_followed_rooms_arrive() -> None:
    hub = Hub()
    conn = anonymous(hub, {7})
    hub.deliver(
        [
            event(1, Audience.ROOM),
            event(2, Audience.ROOM, room=8),
            event(3, Audience.ROOM_OTHERS),
            event(4, Audience.USER, room=None),  # no target: must not fall to user 0
            event(5, Audience.MODS),  # no target either
            event(6, Audience.SPACE, room=None, space_id=1),
            event(7, Audience.OBSERVERS, room=None, fanout=Fanout(rooms=frozenset({7}))),
            event(8, Audience.GLOBAL, room=None),  # a broadcast about no followed room
            event(9, Audience.GLOBAL),  # e.g. room.updated of a directory room
        ]
    )
    got = "".join(str(f) for f in conn.take())
    seqs = [s for s in range(1, 10) if f'"seq":{s},' in got]
    assert seqs == [1, 3, 9]


def test_a_followed_room_made_private_or_deleted_is_dropped() -> None:
    hub = Hub()
    conn = anonymous(hub, {7, 8})
    private = {"room_id": 7, "changes": {"access_mode": "private"}, "cleared": []}
    hub.deliver(
        [
            event(1, Audience.GLOBAL, type_="room.updated", data=private),
            event(2, Audience.ROOM),
            event(3, Audience.GLOBAL, room=8, type_="room.deleted"),
            event(4, Audience.ROOM, room=8),
        ]
    )
    got = "".join(str(f) for f in conn.take())
    assert '"seq":1,' in got and '"seq":3,' in got
    assert '"seq":2,' not in got and '"seq":4,' not in got
    assert conn.scope.rooms == {}
    hub.unregister(conn)

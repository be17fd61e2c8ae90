"""Audience ROOM_BUT_TARGET (the anonymous star broadcast): the room except one user,
who gets a USER copy instead. Live fan-out and replay must agree."""

from __future__ import annotations

from hubbub.server.events import Audience, LogEvent
from hubbub.server.gateway.connection import Connection
from hubbub.server.gateway.hub import Hub
from hubbub.server.services.visibility import Scope

STARRER, OTHER, OUTSIDER = 1, 2, 3


def stars(seq: int, audience: Audience, by_you: bool | None = None) -> LogEvent:
    data: dict[str, object] = {"stars": 1}
    if by_you is not None:
        data["by_you"] = by_you
    return LogEvent(
        type="message.stars.updated",
        audience=audience,
        data=data,
        room_id=7,
        target_user_id=STARRER,
        seq=seq,
    )


def scope(user: int, rooms: set[int]) -> Scope:
    return Scope(user, dict.fromkeys(rooms), set(), set(), set())


def live(hub: Hub, user: int, rooms: set[int]) -> Connection:
    conn = Connection(user, session_id=user, max_queue=100)
    hub.register(conn)
    hub.go_live(conn, scope(user, rooms), cursor=0)
    return conn


def test_visibility_excludes_only_the_target() -> None:
    room_copy = stars(1, Audience.ROOM_BUT_TARGET)
    assert scope(OTHER, {7}).sees(room_copy)
    assert not scope(STARRER, {7}).sees(room_copy)
    assert not scope(OUTSIDER, {8}).sees(room_copy)
    own_copy = stars(2, Audience.USER, by_you=True)
    assert scope(STARRER, {7}).sees(own_copy) and not scope(OTHER, {7}).sees(own_copy)


def test_hub_sends_each_user_exactly_one_copy() -> None:
    hub = Hub()
    starrer, starrer_2nd = live(hub, STARRER, {7}), live(hub, STARRER, {7})
    other, outsider = live(hub, OTHER, {7}), live(hub, OUTSIDER, {8})
    hub.deliver([stars(1, Audience.ROOM_BUT_TARGET), stars(2, Audience.USER, by_you=True)])
    for conn in (starrer, starrer_2nd):
        (frame,) = conn.take()
        assert '"by_you":true' in frame
    (frame,) = other.take()
    assert "by_you" not in frame
    assert outsider.take() == []

"""Music rooms over a real server (MU-01…MU-04, D.55–D.64): the queue in both modes,
playback started at once and advanced by the ticker exactly once on the injected clock,
skips, votes (dubs) with the downvote skip, member statistics, and bad input."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio

from hubbub.server.clock import ManualClock, iso_ms
from hubbub.server.services import playback
from hubbub.testing import TestServer
from tests.conftest import database_for
from tests.integration.wire import Api, Gateway


@pytest_asyncio.fixture
async def clocked(backend: str) -> AsyncIterator[tuple[TestServer, ManualClock]]:
    clock = ManualClock()
    async with TestServer(database=await database_for(backend), clock=clock) as srv:
        yield srv, clock


def track(title: str, duration_s: int = 180, **extra: Any) -> dict[str, Any]:
    return {
        "source": "youtube",
        "url": f"https://youtu.be/{title.replace(' ', '-')}",
        "title": title,
        "duration_s": duration_s,
        **extra,
    }


async def music_room(owner: Api, *members: Api, **fields: Any) -> int:
    room = await owner.room(kind="music", **fields)
    for api in members:
        await api.ok("POST", f"/rooms/{room['id']}/join")
    return int(room["id"])


async def test_queue_plays_in_order_and_the_ticker_advances_once(
    clocked: tuple[TestServer, ManualClock],
) -> None:
    server, clock = clocked
    owner, dj = await Api.register(server), await Api.register(server)
    rid = await music_room(owner, dj)
    base = f"/rooms/{rid}/music"
    gw = await Gateway.connect(server, owner.token)

    state = await owner.ok("GET", base)
    assert state == {
        "room_id": rid,
        "mode": "shared",
        "skip_downvote_ratio": 0.5,
        "now_playing": None,
        "queue": [],
        "server_time": iso_ms(clock.now_ms()),
    }

    first = await dj.ok("POST", f"{base}/queue", 201, json=track("one", 60, artist="A"))
    added = await gw.event("queue.item.added")
    assert added["data"] == {
        "room_id": rid,
        "item": {
            "id": first["id"],
            "track": {
                "id": first["id"],
                "title": "one",
                "artist": "A",
                "source": "youtube",
                "url": "https://youtu.be/one",
                "duration_s": 60,
            },
            "added_by": dj.id,
            "position": 1,
            "created_at": added["data"]["item"]["created_at"],
        },
    }
    started = await gw.event("playback.started")
    assert started["data"] == {
        "room_id": rid,
        "item_id": first["id"],
        "track": added["data"]["item"]["track"],
        "dj_id": dj.id,
        "started_at": started["at"],
    }
    second = await owner.ok("POST", f"{base}/queue", 201, json=track("two", 30))
    assert second["position"] == 1
    state = await owner.ok("GET", base)
    assert state["now_playing"]["item_id"] == first["id"]
    assert [i["id"] for i in state["queue"]] == [second["id"]]

    # The duration elapses: however many tickers run, "one" ends once and "two" starts.
    clock.advance(59)
    assert await playback.advance_due(server.core) == 0
    clock.advance(1)
    counts = await asyncio.gather(*(playback.advance_due(server.core) for _ in range(3)))
    assert sum(counts) <= 1
    nxt = await gw.event("playback.started")
    assert nxt["data"]["item_id"] == second["id"] and nxt["data"]["dj_id"] == owner.id
    clock.advance(30)
    await playback.advance_due(server.core)
    ended = await gw.event("playback.ended")
    assert ended["data"] == {"room_id": rid, "item_id": second["id"], "reason": "finished"}
    assert await playback.advance_due(server.core) == 0
    assert (await owner.ok("GET", base))["now_playing"] is None

    # Statistics: each played one track; nothing queued.
    stats = (await owner.ok("GET", f"{base}/members"))["members"]
    assert {s["user_id"]: (s["played"], s["queued"], s["queue_position"]) for s in stats} == {
        owner.id: (1, 0, None),
        dj.id: (1, 0, None),
    }


async def test_rotation_mode_reorder_remove_and_stats(
    clocked: tuple[TestServer, ManualClock],
) -> None:
    server, _clock = clocked
    owner, a, b = [await Api.register(server) for _ in range(3)]
    rid = await music_room(owner, a, b)
    base = f"/rooms/{rid}/music"
    await a.error("PATCH", base, 403, "not_moderator", json={"mode": "rotation"})
    await owner.error("PATCH", base, 422, "invalid_music_mode", json={"mode": "random"})
    await owner.error("PATCH", base, 422, "invalid_skip_ratio", json={"skip_downvote_ratio": 2})
    gw = await Gateway.connect(server, a.token)
    state = await owner.ok("PATCH", base, json={"mode": "rotation", "skip_downvote_ratio": 0.25})
    assert (state["mode"], state["skip_downvote_ratio"]) == ("rotation", 0.25)
    ev = await gw.event("music.settings.updated")
    assert ev["data"] == {
        "room_id": rid,
        "changes": {"mode": "rotation", "skip_downvote_ratio": 0.25},
    }

    playing = await a.ok("POST", f"{base}/queue", 201, json=track("a0"))
    a1 = await a.ok("POST", f"{base}/queue", 201, json=track("a1"))
    a2 = await a.ok("POST", f"{base}/queue", 201, json=track("a2"))
    b1 = await b.ok("POST", f"{base}/queue", 201, json=track("b1"))
    # a played last (a0 is playing): b goes first, then the turns alternate.
    queue = (await b.ok("GET", f"{base}/queue"))["queue"]
    assert [i["id"] for i in queue] == [b1["id"], a1["id"], a2["id"]]
    assert [i["position"] for i in queue] == [1, 2, 3]

    stats = {s["user_id"]: s for s in (await b.ok("GET", f"{base}/members"))["members"]}
    assert (stats[a.id]["queued"], stats[a.id]["queue_position"]) == (2, 2)
    assert (stats[b.id]["queued"], stats[b.id]["queue_position"]) == (1, 1)
    assert stats[a.id]["played"] == 1

    # a reorders their own: a2 before a1; b's place does not move.
    await b.error("PATCH", f"{base}/queue/{a1['id']}", 403, "not_your_item", json={"position": 0})
    await a.error(
        "PATCH", f"{base}/queue/{a2['id']}", 422, "invalid_position", json={"position": 2}
    )
    moved = await a.ok("PATCH", f"{base}/queue/{a2['id']}", json={"position": 0})
    assert [i["id"] for i in moved["queue"]] == [b1["id"], a2["id"], a1["id"]]
    ev = await gw.event("queue.item.reordered")
    assert ev["data"] == {
        "room_id": rid,
        "item_id": a2["id"],
        "user_id": a.id,
        "position": 2,
        "queue": [b1["id"], a2["id"], a1["id"]],
    }

    # Removing: one's own, or a moderator any; others 403.
    await b.error("DELETE", f"{base}/queue/{a1['id']}", 403, "not_your_item")
    await owner.ok("DELETE", f"{base}/queue/{a1['id']}", 204)
    ev = await gw.event("queue.item.removed")
    assert ev["data"] == {"room_id": rid, "item_id": a1["id"], "removed_by": owner.id}
    await owner.error("DELETE", f"{base}/queue/{a1['id']}", 404, "queue_item_not_found")
    # b's track leaving the queue moves a's next track up, as a member update.
    await b.ok("DELETE", f"{base}/queue/{b1['id']}", 204)
    upd = await gw.events_until(
        lambda f: (
            f["type"] == "room.member.updated"
            and f["data"]["user_id"] == a.id
            and "queue_position" in f["data"]["changes"]
        )
    )
    assert upd[-1]["data"]["changes"] == {"queue_position": 1}
    # Removing what plays stops it and starts the next.
    await a.ok("DELETE", f"{base}/queue/{playing['id']}", 204)
    ev = await gw.event("playback.started")
    assert ev["data"]["item_id"] == a2["id"]


async def test_votes_dubs_and_the_downvote_skip(lite: TestServer) -> None:
    owner, dj, fan, hater = [await Api.register(lite) for _ in range(4)]
    rid = await music_room(owner, dj, fan, hater)
    base = f"/rooms/{rid}/music"
    body = {"item_id": 1, "vote": "up"}
    await fan.error("POST", f"{base}/vote", 409, "nothing_playing", json=body)
    await dj.error("POST", f"{base}/skip", 409, "nothing_playing", json={})
    song = await dj.ok("POST", f"{base}/queue", 201, json=track("song"))
    later = await dj.ok("POST", f"{base}/queue", 201, json=track("later"))
    gw = await Gateway.connect(lite, owner.token)

    body = {"item_id": song["id"], "vote": "up"}
    result = await fan.ok("POST", f"{base}/vote", json=body)
    assert result == {
        "room_id": rid,
        "item_id": song["id"],
        "user_id": fan.id,
        "vote": "up",
        "up_count": 1,
        "down_count": 0,
        "skipped": False,
    }
    ev = await gw.event("playback.voted")
    assert ev["data"] == {k: v for k, v in result.items() if k != "skipped"}
    dubs = await gw.event("room.member.updated")
    assert dubs["data"] == {
        "room_id": rid,
        "user_id": dj.id,
        "changes": {"dubs": 1},
        "cleared": [],
    }
    await fan.error("POST", f"{base}/vote", 409, "already_voted", json=body)
    stale = {"item_id": later["id"], "vote": "up"}
    await fan.error("POST", f"{base}/vote", 409, "stale_item", json=stale)
    await fan.error("POST", f"{base}/vote", 422, "invalid_vote", json={**body, "vote": "meh"})
    withdrawn = await fan.ok("POST", f"{base}/vote", json={**body, "vote": "none"})
    assert (withdrawn["up_count"], withdrawn["down_count"]) == (0, 0)
    await fan.error("POST", f"{base}/vote", 409, "already_voted", json={**body, "vote": "none"})
    assert (await fan.ok("GET", base))["now_playing"]["my_vote"] == "none"

    # Only the DJ or a moderator skips.
    await fan.error("POST", f"{base}/skip", 403, "not_dj", json={})
    await fan.error("POST", f"{base}/skip", 409, "stale_item", json={"item_id": later["id"]})

    # 4 members, ratio 0.5: the second downvote skips "song"; "later" starts.
    await fan.ok("POST", f"{base}/vote", json={**body, "vote": "downdub"})
    result = await hater.ok("POST", f"{base}/vote", json={**body, "vote": "down"})
    assert result["down_count"] == 2 and result["skipped"] is True
    started = await gw.event("playback.started")
    assert started["data"]["item_id"] == later["id"]
    stats = {s["user_id"]: s for s in (await owner.ok("GET", f"{base}/members"))["members"]}
    assert (stats[dj.id]["played"], stats[dj.id]["skipped"], stats[dj.id]["dubs"]) == (2, 1, 0)

    # The DJ skips their own track; the queue is dry: playback.ended.
    state = await dj.ok("POST", f"{base}/skip", json={"item_id": later["id"]})
    assert state["now_playing"] is None
    ended = await gw.event("playback.ended")
    assert ended["data"] == {"room_id": rid, "item_id": later["id"], "reason": "skipped"}


async def test_bad_input_is_typed_and_writes_nothing(lite: TestServer) -> None:
    owner, stranger = await Api.register(lite), await Api.register(lite)
    rid = await music_room(owner)
    text_room = (await owner.room())["id"]
    base = f"/rooms/{rid}/music"
    cases: list[tuple[dict[str, Any], str]] = [
        (track("x", 0), "invalid_duration"),
        (track("x", 86_401), "invalid_duration"),
        ({**track("x"), "duration_s": 1.5}, "invalid_duration"),
        ({**track("x"), "duration_s": "60"}, "invalid_duration"),
        ({**track("x"), "url": "javascript:alert(1)"}, "invalid_track_url"),
        ({**track("x"), "url": "ftp://example.com/a.mp3"}, "invalid_track_url"),
        ({**track("x"), "url": "https://"}, "invalid_track_url"),
        ({**track("x"), "source": "napster"}, "invalid_track_source"),
        ({**track("x"), "title": " "}, "invalid_track_title"),
        ({**track("x"), "title": "t" * 201}, "invalid_track_title"),
        ({**track("x"), "artist": "a" * 201}, "invalid_track_artist"),
    ]
    for body, code in cases:
        await owner.error("POST", f"{base}/queue", 422, code, json=body)
    await owner.error(
        "POST", f"/rooms/{text_room}/music/queue", 409, "not_a_music_room", json=track("x")
    )
    await owner.error("GET", f"/rooms/{text_room}/music", 409, "not_a_music_room")
    body = {"item_id": 1, "vote": "up"}
    await owner.error("POST", f"/rooms/{text_room}/music/vote", 409, "not_a_music_room", json=body)
    await stranger.error("POST", f"{base}/queue", 403, "not_a_member", json=track("x"))
    await owner.error("POST", f"{base}/queue", 422, "validation_failed", json={"title": "x"})
    await owner.error("GET", "/rooms/999999/music", 404, "room_not_found")
    state = await owner.ok("GET", base)
    assert state["queue"] == [] and state["now_playing"] is None
    assert (await owner.ok("GET", f"{base}/members"))["members"] == []


async def test_a_deleted_rooms_player_stops_silently() -> None:
    clock = ManualClock()
    async with TestServer(clock=clock) as server:
        owner = await Api.register(server)
        rid = await music_room(owner)
        await owner.ok("POST", f"/rooms/{rid}/music/queue", 201, json=track("a", 10))
        await owner.ok("POST", f"/rooms/{rid}/music/queue", 201, json=track("b", 10))
        await owner.ok("DELETE", f"/rooms/{rid}", 204)
        clock.advance(11)
        assert await playback.advance_due(server.core) == 0
        assert await playback.advance_due(server.core) == 0  # nothing is left due


async def test_a_departed_djs_tracks_are_dropped_when_their_turn_comes() -> None:
    clock = ManualClock()
    async with TestServer(clock=clock) as server:
        owner, dj = await Api.register(server), await Api.register(server)
        rid = await music_room(owner, dj)
        base = f"/rooms/{rid}/music"
        gw = await Gateway.connect(server, owner.token)
        playing = await owner.ok("POST", f"{base}/queue", 201, json=track("first", 60))
        left_behind = await dj.ok("POST", f"{base}/queue", 201, json=track("theirs", 60))
        after = await owner.ok("POST", f"{base}/queue", 201, json=track("after", 60))
        await dj.ok("POST", f"/rooms/{rid}/leave", 204)

        clock.advance(60)
        assert await playback.advance_due(server.core) == 1
        removed = await gw.event("queue.item.removed")
        assert removed["data"] == {
            "room_id": rid,
            "item_id": left_behind["id"],
            "removed_by": None,
            "reason": "dj_left",
        }
        started = await gw.event("playback.started")
        assert started["data"]["item_id"] == after["id"]
        state = await owner.ok("GET", base)
        assert state["now_playing"]["item_id"] == after["id"] and state["queue"] == []
        assert playing["id"] != after["id"]

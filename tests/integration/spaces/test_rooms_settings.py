"""Room settings over a real server (RM-01…RM-13): every field round-trips and is reported
once in `room.updated` live and on long-poll; custom ids (and the slug alias) are unique
case-insensitively and can be looked up and joined; tag filter and paging; private and
group rooms; open/closed and the entry gate; rooms of a space; bad input."""

from __future__ import annotations

from typing import Any

from hubbub.protocol.events import parse_event
from hubbub.protocol.events_rooms import RoomClosed
from hubbub.testing import TestServer
from tests.integration.wire import Api, Gateway, name, staff


async def test_settings_round_trip_with_events_live_and_long_poll(server: TestServer) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    room = await alice.room(
        "Lobby", description="d", topic="t", tags=["Python", " chat ", "python"], max_reports=5
    )
    assert room["tags"] == ["python", "chat"]  # normalised, duplicates dropped
    assert room["max_reports"] == 5 and room["kind"] == "text"
    assert room["custom_id"] is None and room["slug"] is None
    await bob.ok("POST", f"/rooms/{room['id']}/join")
    gw = await Gateway.connect(server, bob.token)
    cursor = gw.ready["cursor"]

    patch: dict[str, Any] = {
        "name": "Lobby 2",
        "topic": "new topic",
        "tags": ["news"],
        "slug": "Lobby-Main",
        "allow_entry": False,
        "max_reports": 10,
        "position": 3,
        "allow_actions": False,
        "edit_window_s": 60,
        "description": None,  # null clears
    }
    updated = await alice.ok("PATCH", f"/rooms/{room['id']}", json=patch)
    assert updated["custom_id"] == updated["slug"] == "Lobby-Main"
    assert updated["description"] == "" and updated["allow_entry"] is False
    event = await gw.event("room.updated")
    assert event["actor"]["id"] == alice.id
    assert event["data"] == {
        "room_id": room["id"],
        "changes": {
            "name": "Lobby 2",
            "topic": "new topic",
            "tags": ["news"],
            "custom_id": "Lobby-Main",
            "allow_entry": False,
            "max_reports": 10,
            "position": 3,
            "allow_actions": False,
            "edit_window_s": 60,
        },
        "cleared": ["description"],
        "actor_id": alice.id,
    }
    fetched = await bob.ok("GET", f"/rooms/{room['id']}")
    assert {k: fetched[k] for k in updated} == updated
    # The same values again change nothing and log nothing.
    await alice.ok("PATCH", f"/rooms/{room['id']}", json={"name": "Lobby 2", "tags": ["NEWS"]})

    closed = await alice.ok("PATCH", f"/rooms/{room['id']}", json={"is_open": False})
    assert closed["is_open"] is False
    event = await gw.event("room.updated")
    assert event["data"]["changes"] == {"is_open": False}
    closing = await gw.event("room.closed")
    assert closing["data"] == {"room_id": room["id"], "actor_id": alice.id}
    typed = parse_event(closing)
    assert isinstance(typed, RoomClosed) and typed.is_open is False
    assert (typed.room_id, typed.actor_id) == (room["id"], alice.id)
    await gw.no_event()

    page = await bob.ok("GET", "/events", params={"cursor": cursor})
    types = [e["type"] for e in page["events"]]
    assert types == ["room.updated", "room.updated", "room.closed"]
    assert page["events"][0]["data"] == {**event["data"], **page["events"][0]["data"]}


async def test_closed_room_refuses_non_moderators(server: TestServer) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    room = await alice.room()
    await bob.ok("POST", f"/rooms/{room['id']}/join")
    gw = await Gateway.connect(server, bob.token)
    await alice.ok("PATCH", f"/rooms/{room['id']}", json={"is_open": False})
    await gw.event("room.closed")
    await bob.error(
        "POST", f"/rooms/{room['id']}/messages", 403, "room_closed", json={"content": "x"}
    )
    await alice.send(room["id"], "the owner still may")  # moderators post in closed rooms
    await bob.error("PATCH", f"/rooms/{room['id']}", 403, "not_room_owner", json={"is_open": True})
    await alice.ok("PATCH", f"/rooms/{room['id']}", json={"is_open": True})
    opened = await gw.event("room.opened")
    assert opened["data"] == {"room_id": room["id"], "actor_id": alice.id}
    await bob.send(room["id"], "open again")


async def test_custom_id_unique_lookup_and_join(server: TestServer) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    room = await alice.room(custom_id="Match:2024.final_1")
    assert room["custom_id"] == room["slug"] == "Match:2024.final_1"
    # Unique case-insensitively, whether set as custom_id or slug, on create or update.
    await alice.error(
        "POST",
        "/rooms",
        409,
        "custom_id_taken",
        json={"name": "x", "custom_id": "match:2024.FINAL_1"},
    )
    other = await alice.room()
    await alice.error(
        "PATCH",
        f"/rooms/{other['id']}",
        409,
        "custom_id_taken",
        json={"slug": "MATCH:2024.final_1"},
    )
    assert (await alice.ok("GET", f"/rooms/{other['id']}"))["custom_id"] is None
    # A room keeps its own custom id under another spelling.
    respelled = await alice.ok(
        "PATCH", f"/rooms/{room['id']}", json={"custom_id": "MATCH:2024.final_1"}
    )
    assert respelled["custom_id"] == "MATCH:2024.final_1"

    found = await bob.ok("GET", "/rooms/by-custom-id/match:2024.final_1")
    assert found["id"] == room["id"]
    member = await bob.ok("POST", "/rooms/by-custom-id/Match:2024.FINAL_1/join")
    assert member["user"]["id"] == bob.id and member["level"] == "read_write"
    assert member["role"] == "member"
    await bob.error("GET", "/rooms/by-custom-id/nope", 404, "room_not_found")
    await bob.error("GET", "/rooms/by-custom-id/bad%20id", 422, "invalid_custom_id")

    # Cleared, the id is free again; a private room's id does not exist for outsiders.
    await alice.ok("PATCH", f"/rooms/{room['id']}", json={"custom_id": None})
    await bob.error("GET", "/rooms/by-custom-id/match:2024.final_1", 404, "room_not_found")
    boss = await staff(server)
    await boss.room(access_mode="private", custom_id="secret-1")
    await bob.error("GET", "/rooms/by-custom-id/secret-1", 404, "room_not_found")
    await bob.error("POST", "/rooms/by-custom-id/secret-1/join", 404, "room_not_found")
    await alice.error(
        "POST", "/rooms", 409, "custom_id_taken", json={"name": "x", "custom_id": "SECRET-1"}
    )


async def test_tag_filter_and_paging(server: TestServer) -> None:
    alice = await Api.register(server)
    tag = name("tag")
    tagged = [(await alice.room(tags=[tag, "misc"]))["id"] for _ in range(5)]
    await alice.room(tags=[tag + "x"])  # a longer word is not the tag
    await alice.room(tags=["misc"])
    reader = await Api.register(server)
    page = await reader.ok("GET", "/rooms", params={"tag": tag.upper(), "limit": 2})
    assert [r["id"] for r in page["rooms"]] == tagged[:2] and page["has_more"] is True
    seen = [r["id"] for r in page["rooms"]]
    while page["has_more"]:
        page = await reader.ok("GET", "/rooms", params={"tag": tag, "limit": 2, "after": seen[-1]})
        seen += [r["id"] for r in page["rooms"]]
    assert seen == tagged
    await reader.error("GET", "/rooms", 422, "invalid_tag", params={"tag": "no spaces"})


async def test_private_and_group_rooms(server: TestServer) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    await alice.error(
        "POST",
        "/rooms",
        403,
        "private_requires_moderator",
        json={"name": "p", "access_mode": "private"},
    )
    room = await alice.room()
    await alice.error(
        "PATCH",
        f"/rooms/{room['id']}",
        403,
        "private_requires_moderator",
        json={"access_mode": "private"},
    )
    boss = await staff(server)
    gw = await Gateway.connect(server, bob.token)
    secret = await boss.room(access_mode="private")
    await bob.error("GET", f"/rooms/{secret['id']}", 404, "room_not_found")
    await bob.error("POST", f"/rooms/{secret['id']}/join", 404, "room_not_found")
    listed = await bob.ok("GET", "/rooms", params={"limit": 100})
    assert secret["id"] not in [r["id"] for r in listed["rooms"]]
    await gw.no_event()  # a private room's creation is only its creator's business
    # A public room made private by staff: the directory hears it (it leaves it).
    await boss.ok("POST", f"/rooms/{room['id']}/join")
    await boss.ok("PATCH", f"/rooms/{room['id']}", json={"access_mode": "private"})
    event = await gw.event("room.updated")
    assert event["data"]["changes"] == {"access_mode": "private"}

    group = await alice.room(kind="group")
    assert group["kind"] == "group" and group["access_mode"] == "private"
    await bob.error("GET", f"/rooms/{group['id']}", 404, "room_not_found")
    await alice.error(
        "PATCH",
        f"/rooms/{group['id']}",
        422,
        "invalid_access_mode",
        json={"access_mode": "public"},
    )
    voice = await alice.room(kind="voice", access_mode="gallery")
    assert voice["kind"] == "voice" and voice["access_mode"] == "gallery"


async def test_entry_gate(server: TestServer) -> None:
    alice, bob, carol = [await Api.register(server) for _ in range(3)]
    room = await alice.room()
    await bob.ok("POST", f"/rooms/{room['id']}/join")
    await alice.ok("PATCH", f"/rooms/{room['id']}", json={"allow_entry": False})
    await carol.error("POST", f"/rooms/{room['id']}/join", 403, "entry_closed")
    await bob.send(room["id"], "members still chat")
    assert (await bob.ok("POST", f"/rooms/{room['id']}/join"))["user"]["id"] == bob.id
    boss = await staff(server)
    await boss.ok("POST", f"/rooms/{room['id']}/join")  # staff pass the gate
    await alice.ok("PATCH", f"/rooms/{room['id']}", json={"allow_entry": True})
    await carol.ok("POST", f"/rooms/{room['id']}/join")


async def test_delete_reports_count_and_audit(server: TestServer) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    room = await alice.room()
    await bob.ok("POST", f"/rooms/{room['id']}/join")
    for i in range(3):
        await bob.send(room["id"], f"m{i}")
    gw = await Gateway.connect(server, bob.token)
    await bob.error("DELETE", f"/rooms/{room['id']}", 403, "not_room_owner")
    await alice.ok("DELETE", f"/rooms/{room['id']}", 204)
    event = await gw.event("room.deleted")
    assert event["data"] == {
        "room_id": room["id"],
        "reason": "deleted",
        "deleted_events_count": 3,
    }
    await bob.error("GET", f"/rooms/{room['id']}", 404, "room_not_found")


async def test_space_rooms(server: TestServer) -> None:
    owner, member, outsider = [await Api.register(server) for _ in range(3)]
    space = await owner.ok("POST", "/spaces", 201, json={"name": name("space"), "open": True})
    await member.ok("POST", f"/spaces/{space['id']}/join")
    gw = await Gateway.connect(server, member.token)
    await member.error(
        "POST",
        "/rooms",
        403,
        "missing_permission",
        json={"name": "nope", "space_id": space["id"]},
    )
    await outsider.error(
        "POST",
        "/rooms",
        403,
        "not_a_space_member",
        json={"name": "nope", "space_id": space["id"]},
    )
    room = await owner.room("side", space_id=space["id"], tags=["x"])
    assert room["space_id"] == space["id"]
    created = await gw.event("room.created")
    assert created["data"]["room"]["id"] == room["id"]
    # Viewers are members already: joining returns their member object, leaving is refused.
    joined = await member.ok("POST", f"/rooms/{room['id']}/join")
    assert joined["user"]["id"] == member.id
    await member.error("POST", f"/rooms/{room['id']}/leave", 409, "space_room")
    await member.send(room["id"], "hello")
    await owner.ok("PATCH", f"/rooms/{room['id']}", json={"topic": "space topic"})
    event = await gw.event("room.updated")
    assert event["space_id"] == space["id"] and event["data"]["changes"] == {"topic": "space topic"}
    await owner.error(
        "PUT", f"/rooms/{room['id']}/access/{member.id}", 409, "space_room", json={"level": "owner"}
    )
    await owner.ok("DELETE", f"/rooms/{room['id']}", 204)
    deleted = await gw.event("room.deleted")
    assert deleted["data"]["deleted_events_count"] == 1


async def test_bad_input(server: TestServer) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    room = await alice.room()
    path = f"/rooms/{room['id']}"
    bad: list[tuple[dict[str, Any], int, str]] = [
        ({"tags": ["has space"]}, 422, "invalid_tag"),
        ({"tags": ["x" * 33]}, 422, "invalid_tag"),
        ({"tags": [""]}, 422, "invalid_tag"),
        ({"tags": [f"t{i}" for i in range(11)]}, 422, "too_many_tags"),
        ({"tags": "notalist"}, 422, "validation_failed"),
        ({"custom_id": "has space"}, 422, "invalid_custom_id"),
        ({"custom_id": "x" * 129}, 422, "invalid_custom_id"),
        ({"custom_id": ""}, 422, "invalid_custom_id"),
        ({"custom_id": "a", "slug": "b"}, 422, "custom_id_conflict"),
        ({"access_mode": "secret"}, 422, "validation_failed"),
        ({"max_reports": 0}, 422, "invalid_max_reports"),
        ({"max_reports": 1001}, 422, "invalid_max_reports"),
        ({"position": -1}, 422, "invalid_position"),
        ({"is_open": "yes"}, 422, "validation_failed"),
        ({"name": "  "}, 422, "invalid_room_name"),
        ({"space_id": 5}, 422, "validation_failed"),  # create only
        ({"kind": "voice"}, 422, "validation_failed"),  # create only
        ({"colour": "red"}, 422, "validation_failed"),
    ]
    for body, status, code in bad:
        await alice.error("PATCH", path, status, code, json=body)
    await alice.error("POST", "/rooms", 422, "invalid_kind", json={"name": "d", "kind": "dm"})
    await alice.error("POST", "/rooms", 422, "invalid_kind", json={"name": "d", "kind": "forum"})
    await alice.error(
        "POST", "/rooms", 404, "space_not_found", json={"name": "d", "space_id": 999_999}
    )
    await bob.error("PATCH", path, 403, "not_room_owner", json={"name": "mine"})
    after = await alice.ok("GET", path)
    assert {k: after[k] for k in room if k != "member_count"} == {
        k: room[k] for k in room if k != "member_count"
    }

"""Access levels of standalone rooms over a real server (AC-01, AC-02, AC-04, D.9):
gallery rooms join read-only and take access requests that notify the owners, who grant
or deny; owners add and remove owners; `room.member.access_updated` reaches the room's
moderators and the user only, live, on long-poll and on resume."""

from __future__ import annotations

from hubbub.protocol.events import parse_event
from hubbub.protocol.events_rooms import MemberAccessUpdated
from hubbub.testing import TestServer
from tests.integration.wire import Api, Gateway, staff


async def test_gallery_request_notify_grant_then_post(server: TestServer) -> None:
    owner, bob, carol = [await Api.register(server) for _ in range(3)]
    room = await owner.room("Gallery", access_mode="gallery")
    rid = room["id"]
    owner_gw = await Gateway.connect(server, owner.token)
    carol_gw = await Gateway.connect(server, carol.token)
    await carol.ok("POST", f"/rooms/{rid}/join")

    # Anyone can read a gallery room and join it, read-only.
    member = await bob.ok("POST", f"/rooms/{rid}/join")
    assert member["level"] == "read_only" and member["role"] == "member"
    bob_gw = await Gateway.connect(server, bob.token)
    cursor = bob_gw.ready["cursor"]
    await bob.error("POST", f"/rooms/{rid}/messages", 403, "read_only", json={"content": "hi"})
    await owner.send(rid, "owners write")

    asked = await bob.ok("POST", f"/rooms/{rid}/access-requests", 201)
    assert asked == {
        "room_id": rid,
        "user_id": bob.id,
        "level": "request",
        "previous_level": "read_only",
    }
    await bob.error("POST", f"/rooms/{rid}/access-requests", 409, "access_already_requested")
    requested = await owner_gw.event("room.member.access_updated")
    assert requested["data"] == {
        "room_id": rid,
        "user_id": bob.id,
        "actor_id": bob.id,
        "previous_level": "read_only",
        "level": "request",
    }
    note = await owner_gw.event("notification.created")
    notification = note["data"]["notification"]
    assert notification["kind"] == "access_request"
    assert notification["data"] == {"user_id": bob.id, "room_id": rid}
    assert notification["content_text"] == f"@{bob.user['handle']} requests access to Gallery"
    inbox = await owner.ok("GET", "/notifications")
    assert inbox["notifications"][0]["id"] == notification["id"]
    pending = await owner.ok("GET", f"/rooms/{rid}/access-requests")
    assert [r["user"]["id"] for r in pending["requests"]] == [bob.id]
    await carol.error("GET", f"/rooms/{rid}/access-requests", 403, "not_room_owner")

    # Bob's own sessions had the request's event too.
    assert (await bob_gw.event("room.member.access_updated"))["data"]["level"] == "request"
    granted = await owner.ok("PUT", f"/rooms/{rid}/access/{bob.id}", json={"level": "read_write"})
    assert granted["level"] == "read_write" and granted["previous_level"] == "request"
    for gw in (owner_gw, bob_gw):
        event = await gw.event("room.member.access_updated")
        assert event["data"]["level"] == "read_write"
        assert event["data"]["previous_level"] == "request"
        assert event["data"]["actor_id"] == owner.id
    assert (await owner.ok("GET", f"/rooms/{rid}/access-requests"))["requests"] == []
    await bob.send(rid, "now I can write")
    members = (await owner.ok("GET", f"/rooms/{rid}/members"))["members"]
    assert {m["user"]["id"]: m["level"] for m in members} == {
        owner.id: "owner",
        carol.id: "read_only",
        bob.id: "read_write",
    }
    # Carol, a plain member, sees none of the access traffic (MODS + target only).
    types = [
        e["type"]
        for e in await carol_gw.events_until(
            lambda f: (
                f["type"] == "message.created"
                and f["data"]["message"]["content"] == "now I can write"
            )
        )
    ]
    assert "room.member.access_updated" not in types and "notification.created" not in types

    # The same over long-poll and resume for the requester.
    page = await bob.ok("GET", "/events", params={"cursor": cursor})
    levels = [
        e["data"]["level"] for e in page["events"] if e["type"] == "room.member.access_updated"
    ]
    assert levels == ["request", "read_write"]
    resumed = await Gateway.connect(server, bob.token, cursor=cursor)
    replay = await resumed.events_until(
        lambda f: f["type"] == "room.member.access_updated" and f["data"]["level"] == "read_write"
    )
    assert [e["type"] for e in replay].count("room.member.access_updated") == 2


async def test_request_rules_and_denial(server: TestServer) -> None:
    owner, bob = await Api.register(server), await Api.register(server)
    public = await owner.room()
    await bob.error("POST", f"/rooms/{public['id']}/access-requests", 403, "requests_not_accepted")
    await bob.ok("POST", f"/rooms/{public['id']}/join")
    await bob.error("POST", f"/rooms/{public['id']}/access-requests", 409, "already_has_access")
    await owner.error("POST", f"/rooms/{public['id']}/access-requests", 409, "already_has_access")

    gallery = await owner.room(access_mode="gallery")
    rid = gallery["id"]
    bob_gw = await Gateway.connect(server, bob.token)
    # A non-member may ask too; the owner denies with `none`.
    asked = await bob.ok("POST", f"/rooms/{rid}/access-requests", 201)
    assert asked["previous_level"] == "none"
    assert (await bob_gw.event("room.member.access_updated"))["data"]["level"] == "request"
    denied = await owner.ok("PUT", f"/rooms/{rid}/access/{bob.id}", json={"level": "none"})
    assert denied == {
        "room_id": rid,
        "user_id": bob.id,
        "level": "none",
        "previous_level": "request",
    }
    event = await bob_gw.event("room.member.access_updated")
    assert event["data"]["previous_level"] == "request" and event["data"]["level"] == "none"
    assert (await owner.ok("GET", f"/rooms/{rid}/access-requests"))["requests"] == []
    # Setting the level a user already has changes nothing and logs nothing.
    same = await owner.ok("PUT", f"/rooms/{rid}/access/{bob.id}", json={"level": "none"})
    assert same["previous_level"] == "none"
    await bob_gw.no_event()


async def test_grant_adds_member_and_none_removes(server: TestServer) -> None:
    owner, bob = await Api.register(server), await Api.register(server)
    room = await owner.room(access_mode="gallery")
    rid = room["id"]
    bob_gw = await Gateway.connect(server, bob.token)
    await owner.ok("PUT", f"/rooms/{rid}/access/{bob.id}", json={"level": "read_write"})
    joined = await bob_gw.event("room.member.joined")
    assert joined["data"]["via"] == "access_granted"
    assert joined["data"]["added_by"] == owner.id
    assert joined["data"]["member"]["level"] == "read_write"
    frame = await bob_gw.event("room.member.access_updated")
    typed = parse_event(frame)  # the SDK's typed event (D.9's compat text included)
    assert isinstance(typed, MemberAccessUpdated)
    assert (typed.previous_level, typed.level, typed.user_id) == ("none", "read_write", bob.id)
    assert typed.content == "Access now read-write" and typed.actor_id == owner.id
    await bob.send(rid, "granted")
    await bob_gw.event("message.created")

    await owner.ok("PUT", f"/rooms/{rid}/access/{bob.id}", json={"level": "read_only"})
    assert (await bob_gw.event("room.member.access_updated"))["data"]["level"] == "read_only"
    await bob.error("POST", f"/rooms/{rid}/messages", 403, "read_only", json={"content": "x"})

    await owner.ok("PUT", f"/rooms/{rid}/access/{bob.id}", json={"level": "none"})
    left = await bob_gw.event("room.member.left")
    assert left["data"]["reason"] == "removed" and left["data"]["actor_id"] == owner.id
    assert left["data"]["role"] == "member"
    assert (await bob_gw.event("room.member.access_updated"))["data"]["level"] == "none"
    await owner.send(rid, "bob no longer receives this")
    await bob_gw.no_event()
    members = (await owner.ok("GET", f"/rooms/{rid}/members"))["members"]
    assert [m["user"]["id"] for m in members] == [owner.id]


async def test_owners_add_and_remove_owners(server: TestServer) -> None:
    alice, bob, carol = [await Api.register(server) for _ in range(3)]
    room = await alice.room()
    rid = room["id"]
    await bob.ok("POST", f"/rooms/{rid}/join")
    bob_gw = await Gateway.connect(server, bob.token)
    await bob.error(
        "PUT",
        f"/rooms/{rid}/access/{carol.id}",
        403,
        "not_room_owner",
        json={"level": "read_write"},
    )

    made = await alice.ok("PUT", f"/rooms/{rid}/access/{bob.id}", json={"level": "owner"})
    assert made["previous_level"] == "read_write" and made["level"] == "owner"
    updated = await bob_gw.event("room.member.updated")
    assert updated["data"]["changes"] == {"role": "owner"}
    assert updated["data"]["previous_role"] == "member"
    await bob_gw.event("room.member.access_updated")
    owners = (await carol.ok("GET", f"/rooms/{rid}/owners"))["owners"]
    assert sorted(o["user"]["id"] for o in owners) == sorted([alice.id, bob.id])
    assert all(o["level"] == "owner" and o["role"] == "owner" for o in owners)

    # Now an owner, Bob sees the room's access traffic and may remove Alice's ownership.
    await bob.ok("PUT", f"/rooms/{rid}/access/{carol.id}", json={"level": "read_only"})
    event = await bob_gw.event("room.member.access_updated")
    assert event["data"]["user_id"] == carol.id
    demoted = await bob.ok("PUT", f"/rooms/{rid}/access/{alice.id}", json={"level": "read_write"})
    assert demoted["previous_level"] == "owner"
    await bob.error(
        "PUT", f"/rooms/{rid}/access/{bob.id}", 409, "last_owner", json={"level": "none"}
    )
    await bob.error(
        "PUT", f"/rooms/{rid}/access/{bob.id}", 409, "last_owner", json={"level": "read_write"}
    )
    owners = (await alice.ok("GET", f"/rooms/{rid}/owners"))["owners"]
    assert [o["user"]["id"] for o in owners] == [bob.id]
    await alice.error("PATCH", f"/rooms/{rid}", 403, "not_room_owner", json={"name": "x"})


async def test_private_rooms_and_staff(server: TestServer) -> None:
    boss = await staff(server)
    bob, eve = await Api.register(server), await Api.register(server)
    secret = await boss.room(access_mode="private")
    rid = secret["id"]
    await bob.error("POST", f"/rooms/{rid}/access-requests", 404, "room_not_found")
    bob_gw = await Gateway.connect(server, bob.token)
    await boss.ok("PUT", f"/rooms/{rid}/access/{bob.id}", json={"level": "read_write"})
    await bob_gw.event("room.member.joined")
    assert (await bob.ok("GET", f"/rooms/{rid}"))["id"] == rid
    await bob.send(rid, "inside")
    await eve.error("GET", f"/rooms/{rid}/owners", 404, "room_not_found")
    await eve.error(
        "PUT", f"/rooms/{rid}/access/{eve.id}", 404, "room_not_found", json={"level": "owner"}
    )


async def test_bad_input(server: TestServer) -> None:
    owner, bob = await Api.register(server), await Api.register(server)
    rid = (await owner.room())["id"]
    path = f"/rooms/{rid}/access/{bob.id}"
    await owner.error("PUT", path, 422, "invalid_level", json={"level": "admin"})
    await owner.error("PUT", path, 422, "invalid_level", json={"level": "request"})
    await owner.error("PUT", path, 422, "validation_failed", json={"level": 3})
    await owner.error("PUT", path, 422, "validation_failed", json={})
    await owner.error(
        "PUT", f"/rooms/{rid}/access/999999", 404, "user_not_found", json={"level": "owner"}
    )
    await owner.error(
        "PUT", f"/rooms/999999/access/{bob.id}", 404, "room_not_found", json={"level": "owner"}
    )
    await bob.error("GET", f"/rooms/{rid}/access-requests", 403, "not_room_owner")
    await owner.error("POST", f"/rooms/{rid}/access-requests", 409, "already_has_access")
    assert (await owner.ok("GET", f"/rooms/{rid}/members"))["members"][0]["level"] == "owner"


async def test_the_last_owner_cannot_walk_out_on_members(server: TestServer) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    room = await alice.room()
    rid = room["id"]
    await bob.ok("POST", f"/rooms/{rid}/join")
    await alice.error("POST", f"/rooms/{rid}/leave", 409, "last_owner")
    await alice.ok("PUT", f"/rooms/{rid}/access/{bob.id}", json={"level": "owner"})
    await alice.ok("POST", f"/rooms/{rid}/leave", 204)  # bob owns it now
    await bob.ok("POST", f"/rooms/{rid}/leave", 204)  # alone, the last owner may go

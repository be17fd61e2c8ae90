"""Invitations addressed to a user (NT-01) over a real server: to a private room and to a
closed space, accepted (joining through the invitation, then receiving the room's
traffic), declined, revoked, expired; `notification.created` kind `invitation` and
`invitation.updated` to both parties; every refusal with its code."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio
from sqlalchemy import insert

from hubbub.server.clock import ManualClock
from hubbub.server.services import invitations as invitation_service
from hubbub.server.store.schema_people import relationships
from hubbub.testing import TestServer
from tests.integration.wire import Api, Gateway, private_room, staff


@pytest_asyncio.fixture
async def lite() -> AsyncIterator[TestServer]:
    """SQLite only, with a clock the test moves: for flows whose SQL the two-backend tests
    already cover."""
    async with TestServer(clock=ManualClock()) as srv:
        yield srv


async def _invite(api: Api, where: str, user_id: int) -> dict[str, Any]:
    found: dict[str, Any] = await api.ok(
        "POST", f"{where}/invitations", 201, json={"user_id": user_id}
    )
    return found


async def _closed_space(owner: Api) -> dict[str, Any]:
    space: dict[str, Any] = await owner.ok(
        "POST", "/spaces", 201, json={"name": "Club <b>", "open": False}
    )
    return space


async def test_private_room_invitation_end_to_end(server: TestServer) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    room = await private_room(server, alice, name="Den <script>")
    rid = room["id"]
    gw_alice = await Gateway.connect(server, alice.token)
    gw_bob = await Gateway.connect(server, bob.token)

    # The room does not exist for bob until he is invited.
    await bob.error("POST", f"/rooms/{rid}/join", 404, "room_not_found")
    inv = await _invite(alice, f"/rooms/{rid}", bob.id)
    assert inv["kind"] == "room" and inv["room_id"] == rid and inv["status"] == "pending"
    assert inv["inviter"]["id"] == alice.id and inv["invitee_id"] == bob.id
    assert inv["room_name"] == "Den <script>" and inv["space_id"] is None

    event = await gw_bob.event("notification.created")
    n = event["data"]["notification"]
    assert n["kind"] == "invitation" and n["id"] == inv["notification_id"]
    assert n["room_id"] == rid and n["room_name"] == "Den <script>"
    assert n["actor"]["id"] == alice.id and n["read"] is False
    assert n["data"]["invitation_id"] == inv["id"] and n["data"]["target"] == "room"
    assert n["data"]["inviter"]["id"] == alice.id
    assert "Den <script>" in n["content_text"]
    assert "&lt;script&gt;" in n["content_html"] and "<script>" not in n["content_html"]

    listed = await bob.ok("GET", "/invitations")
    assert [i["id"] for i in listed["invitations"]] == [inv["id"]]
    assert await alice.ok("GET", "/invitations") == {"invitations": []}

    accepted = await bob.ok("POST", f"/invitations/{inv['id']}/accept")
    assert accepted["invitation"]["status"] == "accepted"
    assert accepted["room"]["id"] == rid and accepted["member"]["user"]["id"] == bob.id
    frames = await gw_bob.events_until(lambda f: f["type"] == "invitation.updated")
    types = [f["type"] for f in frames]
    assert "room.member.joined" in types and "notification.read" in types
    joined = next(f for f in frames if f["type"] == "room.member.joined")
    assert joined["data"]["via"] == "invite"
    read = next(f for f in frames if f["type"] == "notification.read")
    assert read["data"]["notification_ids"] == [n["id"]]
    seen = await gw_alice.event("invitation.updated")
    assert seen["data"]["invitation"]["status"] == "accepted"
    assert seen["data"]["invitation"]["id"] == inv["id"]

    # Bob is in: he receives the room's traffic and can post.
    msg = await alice.send(rid, "welcome")
    got = await gw_bob.event("message.created")
    assert got["data"]["message"]["id"] == msg["id"]
    await bob.send(rid, "thanks")
    inbox = await bob.ok("GET", "/notifications", params={"kind": "invitation"})
    assert [x["read"] for x in inbox["notifications"]] == [True]
    assert await bob.ok("GET", "/invitations") == {"invitations": []}

    # Answered: acting on it again is refused and changes nothing.
    err = await bob.error("POST", f"/invitations/{inv['id']}/accept", 409, "invitation_closed")
    assert err["details"]["status"] == "accepted"
    await alice.error("DELETE", f"/invitations/{inv['id']}", 409, "invitation_closed")


async def test_space_invitation_accept_decline_revoke(lite: TestServer) -> None:
    alice, bob, carol, dave = [await Api.register(lite) for _ in range(4)]
    space = await _closed_space(alice)
    sid = space["id"]
    await bob.error("POST", f"/spaces/{sid}/join", 404, "space_not_found")
    gw_bob = await Gateway.connect(lite, bob.token)
    gw_dave = await Gateway.connect(lite, dave.token)

    inv = await _invite(alice, f"/spaces/{sid}", bob.id)
    assert inv["kind"] == "space" and inv["space_id"] == sid and inv["room_id"] is None
    assert inv["space_name"] == "Club <b>"
    n = (await gw_bob.event("notification.created"))["data"]["notification"]
    assert n["kind"] == "invitation" and n["data"]["space_id"] == sid
    assert n["room_id"] is None and "&lt;b&gt;" in n["content_html"]

    accepted = await bob.ok("POST", f"/invitations/{inv['id']}/accept")
    assert accepted["space"]["space"]["id"] == sid
    created = await gw_bob.event("space.created")
    assert created["space_id"] == sid
    members = await alice.ok("GET", f"/spaces/{sid}/members")
    assert bob.id in {m["user"]["id"] for m in members["members"]}
    # The space's room reaches him like any member's.
    general = accepted["space"]["rooms"][0]["id"]
    await alice.send(general, "hi all")
    assert (await gw_bob.event("message.created"))["room_id"] == general

    # Carol declines: she does not join; both sides hear of it.
    inv_c = await _invite(alice, f"/spaces/{sid}", carol.id)
    declined = await carol.ok("POST", f"/invitations/{inv_c['id']}/decline")
    assert declined["status"] == "declined" and declined["responded_at"] is not None
    members = await alice.ok("GET", f"/spaces/{sid}/members")
    assert carol.id not in {m["user"]["id"] for m in members["members"]}
    await carol.error("POST", f"/invitations/{inv_c['id']}/accept", 409, "invitation_closed")

    # Dave's is revoked by the inviter; his notification is marked read for him.
    inv_d = await _invite(alice, f"/spaces/{sid}", dave.id)
    await gw_dave.event("notification.created")
    # Only the inviter (or a moderator) revokes; the invitee declines instead.
    await dave.error("DELETE", f"/invitations/{inv_d['id']}", 403, "not_inviter")
    await carol.error("DELETE", f"/invitations/{inv_d['id']}", 404, "invitation_not_found")
    revoked = await alice.ok("DELETE", f"/invitations/{inv_d['id']}")
    assert revoked["status"] == "revoked"
    frames = await gw_dave.events_until(lambda f: f["type"] == "invitation.updated")
    assert frames[-1]["data"]["invitation"]["status"] == "revoked"
    assert [f["type"] for f in frames] == ["notification.read", "invitation.updated"]
    await dave.error("POST", f"/invitations/{inv_d['id']}/accept", 409, "invitation_closed")
    assert (await dave.ok("GET", "/notifications/unread_count"))["unread_count"] == 0


async def test_refusals(lite: TestServer) -> None:
    alice, bob, carol, eve = [await Api.register(lite) for _ in range(4)]
    room = await private_room(lite, alice)
    rid = room["id"]
    where = f"/rooms/{rid}/invitations"

    await alice.error("POST", where, 409, "cannot_invite_self", json={"user_id": alice.id})
    await alice.error("POST", where, 404, "user_not_found", json={"user_id": 999_999})
    await alice.error("POST", where, 422, "validation_failed", json={"user_id": -2})
    await alice.error("POST", where, 422, "validation_failed", json={"user_id": "x"})
    inv = await _invite(alice, f"/rooms/{rid}", bob.id)
    await alice.error("POST", where, 409, "already_invited", json={"user_id": bob.id})
    # Someone else cannot see, accept or decline bob's invitation.
    await carol.error("POST", f"/invitations/{inv['id']}/accept", 404, "invitation_not_found")
    await carol.error("POST", f"/invitations/{inv['id']}/decline", 404, "invitation_not_found")
    await alice.error("POST", f"/invitations/{inv['id']}/accept", 404, "invitation_not_found")
    await bob.ok("POST", f"/invitations/{inv['id']}/accept")
    await alice.error("POST", where, 409, "already_member", json={"user_id": bob.id})
    # A plain member of a private room does not invite; an outsider cannot even see it.
    await bob.error("POST", where, 403, "not_moderator", json={"user_id": carol.id})
    await carol.error("POST", where, 404, "room_not_found", json={"user_id": eve.id})

    # Public room: any member may invite; a non-member may not.
    public = await alice.room()
    pub = f"/rooms/{public['id']}/invitations"
    await carol.error("POST", pub, 403, "not_a_member", json={"user_id": eve.id})
    await bob.ok("POST", f"/rooms/{public['id']}/join")
    await _invite(bob, f"/rooms/{public['id']}", carol.id)

    # Blocking either way stops invitations.
    def block(conn: Any) -> None:
        conn.execute(
            insert(relationships),
            [
                {
                    "user_id": eve.id,
                    "other_id": alice.id,
                    "status": "blocked",
                    "created_at": 0,
                    "updated_at": 0,
                },
                {
                    "user_id": alice.id,
                    "other_id": eve.id,
                    "status": "blocked_other",
                    "created_at": 0,
                    "updated_at": 0,
                },
            ],
        )

    await lite.core.db.write(block)
    await alice.error("POST", pub, 403, "blocked", json={"user_id": eve.id})
    assert (await eve.ok("GET", "/notifications"))["notifications"] == []

    # Spaces: `invite` needed; banned users refused; members refused.
    space = await _closed_space(alice)
    sid = space["id"]
    await alice.ok("PUT", f"/spaces/{sid}/bans/{carol.id}", 204, json={})
    await alice.error(
        "POST", f"/spaces/{sid}/invitations", 403, "user_banned", json={"user_id": carol.id}
    )
    await bob.error(
        "POST", f"/spaces/{sid}/invitations", 404, "space_not_found", json={"user_id": eve.id}
    )
    inv_b = await _invite(alice, f"/spaces/{sid}", bob.id)
    await bob.ok("POST", f"/invitations/{inv_b['id']}/accept")
    await alice.error(
        "POST", f"/spaces/{sid}/invitations", 409, "already_member", json={"user_id": bob.id}
    )
    # Nothing half-written: the refused ones left no rows (carol holds bob's alone).
    mine = (await carol.ok("GET", "/invitations"))["invitations"]
    assert [i["room_id"] for i in mine] == [public["id"]]


async def test_expired_invitations_are_closed(lite: TestServer) -> None:
    alice, bob = await Api.register(lite), await Api.register(lite)
    room = await private_room(lite, alice)
    inv = await _invite(alice, f"/rooms/{room['id']}", bob.id)
    clock = lite.clock
    assert isinstance(clock, ManualClock)
    clock.advance(invitation_service.LIFETIME_S + 1)
    assert await bob.ok("GET", "/invitations") == {"invitations": []}
    err = await bob.error("POST", f"/invitations/{inv['id']}/accept", 409, "invitation_closed")
    assert err["details"]["status"] == "expired"
    # A new invitation may be sent once the old one lapsed.
    again = await _invite(alice, f"/rooms/{room['id']}", bob.id)
    await bob.ok("POST", f"/invitations/{again['id']}/accept")


async def test_staff_invite_anywhere_and_moderators_revoke(lite: TestServer) -> None:
    alice, bob, carol = [await Api.register(lite) for _ in range(3)]
    boss = await staff(lite)
    room = await private_room(lite, alice)
    inv = await _invite(boss, f"/rooms/{room['id']}", bob.id)
    # The room's owner may withdraw an invitation someone else sent to her room.
    assert (await alice.ok("DELETE", f"/invitations/{inv['id']}"))["status"] == "revoked"
    await carol.error("DELETE", f"/invitations/{inv['id']}", 404, "invitation_not_found")

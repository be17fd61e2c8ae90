"""The inbox's other kinds and the SDK over a real server (SQLite: the two-backend SQL is
covered by test_invitations / test_broadcasts): owner notifications (NT-02: a member
removed from a room tells its other owners, kind `kick`; access requests carry rendered
content), and the SDK's InboxAPI, `Notification.accept()` and `InvitationUpdated`."""

from __future__ import annotations

import pytest

import hubbub
from hubbub.errors import Conflict, Forbidden
from hubbub.testing import TestServer
from tests.integration.wire import Api, Gateway, private_room, staff


async def test_a_kick_notifies_the_rooms_other_owners(lite: TestServer) -> None:
    alice, bob, carol = [await Api.register(lite) for _ in range(3)]
    room = await alice.room(name="Lounge & co")
    rid = room["id"]
    await alice.ok("PUT", f"/rooms/{rid}/access/{carol.id}", json={"level": "owner"})
    await bob.ok("POST", f"/rooms/{rid}/join")
    gw_alice = await Gateway.connect(lite, alice.token)
    gw_carol = await Gateway.connect(lite, carol.token)

    await alice.ok("PUT", f"/rooms/{rid}/access/{bob.id}", json={"level": "none"})
    n = (await gw_carol.event("notification.created"))["data"]["notification"]
    assert n["kind"] == "kick" and n["room_id"] == rid and n["room_name"] == "Lounge & co"
    assert n["actor"]["id"] == alice.id
    assert n["data"]["user_id"] == bob.id and n["data"]["user"]["id"] == bob.id
    assert bob.user["handle"] in n["content_text"] and "Lounge & co" in n["content_text"]
    assert "Lounge &amp; co" in n["content_html"]
    # The owner who removed him is not told what she did.
    assert (await alice.ok("GET", "/notifications", params={"kind": "kick"}))["notifications"] == []

    # Staff removing someone: every owner hears of it.
    boss = await staff(lite)
    await bob.ok("POST", f"/rooms/{rid}/join")
    await boss.ok("PUT", f"/rooms/{rid}/access/{bob.id}", json={"level": "none"})
    for gw in (gw_alice, gw_carol):
        kick = await gw.event("notification.created")
        assert kick["data"]["notification"]["actor"]["id"] == boss.id


async def test_access_requests_carry_rendered_content(lite: TestServer) -> None:
    alice, bob = await Api.register(lite), await Api.register(lite)
    room = await alice.room(name="<i>Gallery</i>", access_mode="gallery")
    gw = await Gateway.connect(lite, alice.token)
    await bob.ok("POST", f"/rooms/{room['id']}/access-requests", 201)
    n = (await gw.event("notification.created"))["data"]["notification"]
    assert n["kind"] == "access_request" and n["actor"]["id"] == bob.id
    assert "&lt;i&gt;Gallery&lt;/i&gt;" in n["content_html"] and "<i>" not in n["content_html"]
    assert n["content_text"] == f"@{bob.user['handle']} requests access to <i>Gallery</i>"


async def test_sdk_invitation_flow(lite: TestServer) -> None:
    alice, bob = await Api.register(lite), await Api.register(lite)
    room = await private_room(lite, alice, name="Backstage")
    rid = room["id"]
    async with (
        hubbub.Client(lite.url, token=alice.token) as owner,
        hubbub.Client(lite.url, token=bob.token) as guest,
    ):
        arrived = guest.wait_for(
            hubbub.NotificationCreated, check=lambda e: e.kind == "invitation", timeout=5
        )
        invitation = await owner.http.invite_to_room(rid, bob.id)
        assert isinstance(invitation, hubbub.Invitation) and invitation.status == "pending"
        with pytest.raises(Conflict) as dup:
            await owner.http.invite_to_room(rid, bob.id)
        assert dup.value.code == "already_invited"
        with pytest.raises(Forbidden):
            await owner.http.broadcast_notification("hi")
        event = await arrived
        notification = guest.notification(event)
        assert notification.invitation_id == invitation.id
        assert notification.fields["room_id"] == rid
        assert [i.id for i in await guest.http.invitations()] == [invitation.id]
        assert (await guest.http.unread_count()).by_kind == {"invitation": 1}

        answered = owner.wait_for(hubbub.InvitationUpdated, timeout=5)
        accepted = await notification.accept()
        assert accepted.invitation.status == "accepted"
        assert accepted.room is not None and accepted.room.id == rid
        update = await answered
        assert update.status == "accepted" and update.invitation.id == invitation.id
        assert (await guest.http.unread_count()).unread_count == 0
        kinds = await guest.http.notifications_of_kind("invitation")
        assert [n.read for n in kinds] == [True]

        # Declining and revoking, through the SDK.
        space = await owner.create_space("Crew", open=False)
        second = await owner.http.invite_to_space(space.id, bob.id)
        assert (await guest.http.decline_invitation(second.id)).status == "declined"
        third = await owner.http.invite_to_space(space.id, bob.id)
        assert (await owner.http.revoke_invitation(third.id)).status == "revoked"
        with pytest.raises(Conflict) as closed:
            await guest.http.accept_invitation(third.id)
        assert closed.value.code == "invitation_closed"

    boss = await staff(lite)
    async with hubbub.Client(lite.url, token=boss.token) as admin:
        sent = await admin.http.broadcast_notification("*Hello*")
        assert sent.notification.kind == "global" and sent.notification.id > 0

"""Room presence (PR-01, D.100): current and pingable users, the pingable window on the
injected clock, room mutes, `@here`."""

from __future__ import annotations

from typing import Any

from hubbub.server.clock import ManualClock
from hubbub.testing import TestServer
from tests.conftest import database_for
from tests.integration.wire import Api, Gateway, private_room


def _ids(users: list[dict[str, Any]]) -> list[int]:
    return sorted(u["id"] for u in users)


async def test_current_and_pingable_users_and_mutes(backend: str) -> None:
    clock = ManualClock()
    async with TestServer(clock=clock, database=await database_for(backend)) as server:
        alice, bob, carol, dave = [await Api.register(server) for _ in range(4)]
        room = await alice.room()
        rid = room["id"]
        for api in (bob, carol, dave):
            await api.ok("POST", f"/rooms/{rid}/join")
        await bob.send(rid, "bob was here")
        clock.advance(86400)
        await carol.send(rid, "carol too")
        a_gw = await Gateway.connect(server, alice.token)

        seen = await bob.ok("GET", f"/rooms/{rid}/presence")
        assert seen["room_id"] == rid
        assert _ids(seen["current_users"]) == [alice.id]
        assert seen["current_users"][0]["handle"] == alice.user["handle"]
        assert _ids(seen["pingable_users"]) == sorted([alice.id, bob.id, carol.id])

        # Bob's post leaves the 14-day window; carol's is a day younger.
        clock.advance(13 * 86400 + 60)
        seen = await bob.ok("GET", f"/rooms/{rid}/presence")
        assert _ids(seen["pingable_users"]) == sorted([alice.id, carol.id])

        # A muted member is never pingable, present or not; unmuting restores it.
        assert await alice.ok("PUT", f"/rooms/{rid}/mute", json={"muted": True}) == {
            "room_id": rid,
            "muted": True,
        }
        mine = await a_gw.event("room.member.updated")
        assert mine["data"]["changes"] == {"muted": True}
        assert mine["data"]["user_id"] == alice.id
        seen = await bob.ok("GET", f"/rooms/{rid}/presence")
        assert _ids(seen["current_users"]) == [alice.id]
        assert _ids(seen["pingable_users"]) == [carol.id]
        # A mute is private: nobody else hears of it.
        b_gw = await Gateway.connect(server, bob.token)
        await alice.ok("PUT", f"/rooms/{rid}/mute", json={"muted": False})
        await a_gw.event("room.member.updated")
        await b_gw.no_event(0.2)
        await alice.ok("PUT", f"/rooms/{rid}/mute", json={"muted": False})  # no change
        await a_gw.no_event(0.2)

        await a_gw.close()
        seen = await carol.ok("GET", f"/rooms/{rid}/presence")
        assert _ids(seen["current_users"]) == [bob.id]


async def test_room_presence_needs_view_and_mute_needs_membership() -> None:
    async with TestServer() as server:
        alice, eve = await Api.register(server), await Api.register(server)
        secret = await private_room(server, alice)
        public = await alice.room()
        await eve.error("GET", f"/rooms/{secret['id']}/presence", 404, "room_not_found")
        await eve.error("GET", "/rooms/999999/presence", 404, "room_not_found")
        seen = await eve.ok("GET", f"/rooms/{public['id']}/presence")  # a public room
        assert seen["current_users"] == []
        await eve.error(
            "PUT", f"/rooms/{public['id']}/mute", 403, "not_a_member", json={"muted": True}
        )
        await eve.error(
            "PUT", f"/rooms/{secret['id']}/mute", 404, "room_not_found", json={"muted": True}
        )
        await alice.error(
            "PUT", f"/rooms/{public['id']}/mute", 422, "validation_failed", json={"muted": "yes"}
        )


async def test_here_notifies_the_members_online_now() -> None:
    async with TestServer() as server:
        alice, bob, carol, dave = [await Api.register(server) for _ in range(4)]
        room = await alice.room()
        rid = room["id"]
        for api in (bob, carol, dave):
            await api.ok("POST", f"/rooms/{rid}/join")
        c_gw = await Gateway.connect(server, carol.token)
        b_gw = await Gateway.connect(server, bob.token)
        await bob.ok("PUT", "/users/me/presence", json={"status": "invisible"})

        await alice.send(rid, "standup in 5, @here")  # the owner holds mention_everyone
        note = await c_gw.event("notification.created")
        assert note["data"]["notification"]["kind"] == "mention"
        assert note["data"]["notification"]["data"]["here"] is True
        await b_gw.event("message.created")
        await b_gw.no_event(0.3)  # invisible is offline to others: no ping
        inbox = await dave.ok("GET", "/notifications")
        assert inbox["notifications"] == []  # dave is offline

        await carol.send(rid, "@here anyone?")  # members lack mention_everyone
        await c_gw.event("message.created")
        inbox = await alice.ok("GET", "/notifications")
        assert inbox["notifications"] == []

"""The broadcast delay over a real server (MD-07, D.75): the author and the moderators
get a message at once, everyone else when the ticker releases it (exactly once, however
many tickers run); a moderator's delete inside the window means nobody else ever sees it;
history and long-poll agree."""

from __future__ import annotations

import asyncio

from hubbub.server.clock import ManualClock
from hubbub.server.services import held
from hubbub.testing import TestServer
from tests.integration.wire import Api, Gateway


async def test_held_then_released_once_or_deleted_for_good() -> None:
    clock = ManualClock()
    async with TestServer(clock=clock) as server:
        owner, author, reader = [await Api.register(server) for _ in range(3)]
        room = await owner.room(delay_message_seconds=10)
        rid = room["id"]
        assert room["delay_message_seconds"] == 10
        for api in (author, reader):
            await api.ok("POST", f"/rooms/{rid}/join")
        cursor = (await Gateway.connect(server, reader.token)).ready["cursor"]
        gw_owner = await Gateway.connect(server, owner.token)
        gw_author = await Gateway.connect(server, author.token)
        gw_reader = await Gateway.connect(server, reader.token)

        sent = await author.send(rid, "hold me")
        for gw in (gw_author, gw_owner):
            assert (await gw.event("message.created"))["data"]["message"]["id"] == sent["id"]
        await gw_reader.no_event()
        assert (await reader.ok("GET", f"/rooms/{rid}/messages"))["messages"] == []
        assert await held.release_due(server.core) == 0  # not yet

        clock.advance(10)
        await asyncio.gather(*(held.release_due(server.core) for _ in range(3)))
        released = (await gw_reader.event("message.created"))["data"]["message"]
        assert released["id"] == sent["id"] and released["content"] == "hold me"
        await gw_reader.no_event()
        await gw_author.no_event()  # they had it: no second copy
        await gw_owner.no_event()
        history = await reader.ok("GET", f"/rooms/{rid}/messages")
        assert [m["id"] for m in history["messages"]] == [sent["id"]]

        # deleted by a moderator inside the window: never released
        bad = await author.send(rid, "regrettable")
        await gw_owner.event("message.created")
        await owner.ok("DELETE", f"/messages/{bad['id']}", 204)
        assert (await gw_author.event("message.deleted"))["data"]["message_id"] == bad["id"]
        clock.advance(11)
        assert await held.release_due(server.core) == 0
        await gw_reader.no_event()
        history = await reader.ok("GET", f"/rooms/{rid}/messages")
        assert bad["id"] not in [m["id"] for m in history["messages"]]
        await reader.error("GET", f"/messages/{bad['id']}", 404, "message_not_found")
        polled = await reader.ok("GET", "/events", params={"cursor": cursor, "wait": 0})
        seen = {
            e["data"].get("message_id") or e["data"]["message"]["id"]
            for e in polled["events"]
            if e["type"].startswith("message.")
        }
        assert seen == {sent["id"]}

        # moderators are not held
        own = await owner.send(rid, "announcement")
        assert (await gw_reader.event("message.created"))["data"]["message"]["id"] == own["id"]


async def test_a_held_or_pending_mention_notifies_when_the_room_sees_it() -> None:
    clock = ManualClock()
    async with TestServer(clock=clock) as server:
        owner, author, reader = [await Api.register(server) for _ in range(3)]
        held_room = await owner.room(delay_message_seconds=10)
        premod_room = await owner.room(moderation="pre")
        for room in (held_room, premod_room):
            for api in (author, reader):
                await api.ok("POST", f"/rooms/{room['id']}/join")
        gw_reader = await Gateway.connect(server, reader.token)
        handle = reader.user["handle"]

        await author.send(held_room["id"], f"hi @{handle}")
        await author.send(premod_room["id"], f"hello @{handle}")
        await gw_reader.no_event()  # hidden from them: nobody was told yet
        assert (await reader.ok("GET", "/notifications"))["notifications"] == []

        clock.advance(10)
        await held.release_due(server.core)
        first = await gw_reader.event("notification.created")
        assert first["data"]["notification"]["room_id"] == held_room["id"]

        (queued,) = (await owner.ok("GET", f"/rooms/{premod_room['id']}/moderation/queue"))["items"]
        await owner.ok("POST", f"/messages/{queued['message']['id']}/approve")
        second = await gw_reader.event("notification.created")
        assert second["data"]["notification"]["room_id"] == premod_room["id"]
        assert second["data"]["notification"]["kind"] == "mention"

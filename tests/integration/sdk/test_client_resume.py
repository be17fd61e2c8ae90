"""The SDK against a real server: exactly-once, in-order delivery across dropped sockets and
a server restart; typed errors; objects."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

import hubbub
from hubbub.testing import TestServer
from tests.integration.wire import Api

TOTAL = 500


async def _send_until_accepted(api: Api, room_id: int, i: int) -> dict[str, Any]:
    """A sender that retries through the restart; the nonce makes retries harmless."""
    while True:
        try:
            resp = await api.http.post(
                f"/rooms/{room_id}/messages", json={"content": f"m{i}", "nonce": f"n{i}"}
            )
        except httpx.TransportError:
            await asyncio.sleep(0.05)
            continue
        if resp.status_code in (200, 201):
            body: dict[str, Any] = resp.json()
            return body
        await asyncio.sleep(0.05)


@pytest.mark.slow
async def test_each_message_exactly_once_in_order_across_drops_and_a_restart() -> None:
    async with TestServer(rate_limits=False) as server:
        alice, bob = await Api.register(server), await Api.register(server)
        room = await alice.room()
        await bob.ok("POST", f"/rooms/{room['id']}/join")
        client = hubbub.Client(
            server.url, token=bob.token, backoff=hubbub.Backoff(base=0.05, cap=0.5)
        )
        seen: list[int] = []
        contents: list[str] = []
        lifecycle: list[str] = []

        @client.on(hubbub.MessageCreated)
        async def on_message(event: hubbub.MessageCreated) -> None:
            seen.append(event.message.id)
            contents.append(event.message.content)

        @client.on(hubbub.LifecycleEvent)
        async def on_lifecycle(event: hubbub.LifecycleEvent) -> None:
            lifecycle.append(type(event).__name__)

        await client.start()
        try:
            sent: list[int] = []
            for i in range(TOTAL):
                sent.append((await _send_until_accepted(alice, room["id"], i))["id"])
                if i in (100, 250):
                    assert server.drop_connections() >= 1
                if i == 380:
                    await server.restart()
            for _ in range(300):
                if len(seen) >= TOTAL:
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.3)  # nothing extra may trail in
            assert seen == sent
            assert contents == [f"m{i}" for i in range(TOTAL)]
            assert lifecycle.count("Disconnected") >= 3
            assert lifecycle.count("Ready") >= 4
            # Each reconnect resumed (the server marked the end of every replay).
            assert lifecycle.count("Resumed") >= 3
        finally:
            await client.close()


async def test_sdk_objects_and_typed_errors(hubbub_server: TestServer) -> None:
    alice = await Api.register(hubbub_server)
    async with hubbub.Client(hubbub_server.url, token=alice.token) as client:
        room = await client.create_room("sdk-room")
        assert client.get_room(room.id) is room
        created = client.wait_for(hubbub.MessageCreated, check=lambda e: e.room_id == room.id)
        message = await room.send("hello from the SDK")
        event = await asyncio.wait_for(created, 10)
        assert event.message.id == message.id
        assert client.message(event) is message  # one instance per id
        reply = await message.reply("a reply")
        assert reply.reply_to is not None and reply.reply_to.id == message.id
        edited = await message.edit("edited")
        assert edited.content == "edited" and edited.edit_count == 1
        with pytest.raises(hubbub.NotFound) as missing:
            await client.fetch_room(999_999)
        assert missing.value.code == "room_not_found"
        with pytest.raises(hubbub.ValidationError):
            await room.send("x" * 5000)
    with pytest.raises(hubbub.Unauthorized):
        async with hubbub.Client(hubbub_server.url, token="hbb_not-a-token"):
            pass
    login = await hubbub.Client.login(
        hubbub_server.url, alice.user["handle"], "correct horse battery"
    )
    async with login:
        assert login.user is not None and login.user.id == alice.id


async def test_handlers_by_name_by_base_class_and_room_streams(hubbub_server: TestServer) -> None:
    alice, bob = await Api.register(hubbub_server), await Api.register(hubbub_server)
    room_id = (await alice.room())["id"]
    other_id = (await alice.room())["id"]
    await bob.ok("POST", f"/rooms/{room_id}/join")
    await bob.ok("POST", f"/rooms/{other_id}/join")
    async with hubbub.Client(hubbub_server.url, token=bob.token) as client:
        by_name: list[str] = []
        by_base: list[str] = []

        @client.event
        async def on_message_created(event: hubbub.MessageCreated) -> None:
            by_name.append(event.message.content)

        @client.on(hubbub.MessageEvent)
        async def any_message_event(event: hubbub.MessageEvent) -> None:
            by_base.append(type(event).__name__)

        room = client.get_room(room_id)
        assert room is not None
        async with room.events(hubbub.MessageCreated) as stream:
            first = await alice.send(other_id, "elsewhere")
            second = await alice.send(room_id, "here")
            await alice.ok("PATCH", f"/messages/{second['id']}", json={"content": "edited"})
            deletion = client.wait_for(hubbub.MessageDeleted, timeout=10)
            await alice.ok("DELETE", f"/messages/{second['id']}", 204)
            got = await asyncio.wait_for(anext(aiter(stream)), 10)
            assert got.message.id == second["id"]  # the other room's message was filtered out
        deleted = await deletion
        assert deleted.message_id == second["id"]
        await asyncio.sleep(0.1)
        assert by_name == ["elsewhere", "here"]
        assert by_base == ["MessageCreated", "MessageCreated", "MessageUpdated", "MessageDeleted"]
        assert first["id"] != second["id"]


async def test_the_client_pings_as_often_as_the_server_asks() -> None:
    """A server with a short idle timeout announces a shorter heartbeat in `ready`; a
    client that kept its 30 s default would be closed as idle."""
    async with TestServer(idle_timeout_s=0.6) as server:
        alice = await Api.register(server)
        drops: list[hubbub.Disconnected] = []
        async with hubbub.Client(server.url, token=alice.token) as client:

            @client.on(hubbub.Disconnected)
            async def dropped(event: hubbub.Disconnected) -> None:
                drops.append(event)

            await asyncio.sleep(2.0)  # more than three idle timeouts
            assert client.is_ready
        assert [d.code for d in drops if d.code is not None] == []

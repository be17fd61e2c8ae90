"""`Client(transport="poll")` against a real server: the same events, cache and lifecycle
as over the WebSocket, delivered by long-polling `GET /events` from `GET /ready`'s cursor;
exactly once and in order across a server restart; anonymous readers; typed refusals."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import hubbub
from hubbub.client.lifecycle import Disconnected, EventsMissed, LifecycleEvent, Ready, Resumed
from hubbub.client.poll import PollConnection
from hubbub.errors import ServiceUnavailable, Unauthorized
from hubbub.server.clock import ManualClock
from hubbub.testing import TestServer, TestUser

FAST = hubbub.Backoff(base=0.05, cap=0.3)


def _poller(user: TestUser | None, server: TestServer, **options: Any) -> hubbub.Client:
    token = None if user is None else user.token
    options.setdefault("poll_wait", 2.0)
    return hubbub.Client(server.url, token=token, transport="poll", backoff=FAST, **options)


async def _sent_and_seen(
    client: hubbub.Client, author: TestUser, room: dict[str, Any], content: str
) -> tuple[dict[str, Any], hubbub.MessageCreated]:
    """Send as `author` with a waiter for that very message already armed."""
    seen = client.wait_for(
        hubbub.MessageCreated, check=lambda e: e.message.content == content, timeout=20
    )
    sent = await author.send(room, content)
    return sent, await seen


async def test_ready_from_rest_then_messages_in_order() -> None:
    async with TestServer() as server:
        alice, bob = await server.user(), await server.user()
        room = await server.room(alice, members=[bob])
        client = _poller(bob, server)
        got: list[str] = []

        @client.on(hubbub.MessageCreated)
        async def on_message(event: hubbub.MessageCreated) -> None:
            got.append(event.message.content)

        ready = client.wait_for(Ready, timeout=20)
        async with client:
            first = await ready
            assert first.user is not None and first.user.id == bob.id
            assert not first.resumed
            assert room["id"] in {r.id for r in first.rooms}
            assert client.get_room(room["id"]) is not None
            assert client.cursor is not None
            for i in range(5):
                await alice.send(room, f"m{i}")
            sent, _ = await _sent_and_seen(client, alice, room, "last")
            assert got == [f"m{i}" for i in range(5)] + ["last"]
            # Cached like any gateway event: the Message object is there to act on.
            cached = client.get_message(sent["id"])
            assert cached is not None and cached.content == "last"


async def test_exactly_once_in_order_across_a_server_restart() -> None:
    async with TestServer(rate_limits=False) as server:
        alice, bob = await server.user(), await server.user()
        room = await server.room(alice, members=[bob])
        client = _poller(bob, server)
        seen: list[int] = []
        lifecycle: list[LifecycleEvent] = []

        @client.on(hubbub.MessageCreated)
        async def on_message(event: hubbub.MessageCreated) -> None:
            seen.append(event.message.id)

        @client.on(LifecycleEvent)
        async def on_lifecycle(event: LifecycleEvent) -> None:
            lifecycle.append(event)

        client.sequential_handlers = True
        async with client:
            sent = [(await alice.send(room, f"a{i}"))["id"] for i in range(10)]
            disconnected = client.wait_for(Disconnected, timeout=20)
            resumed = client.wait_for(Resumed, timeout=30)
            await server.restart()
            # Sent while the client is away or reconnecting: replayed from its cursor.
            sent += [(await alice.send(room, f"b{i}"))["id"] for i in range(10)]
            assert (await disconnected).will_reconnect
            await resumed
            sent += [(await alice.send(room, f"c{i}"))["id"] for i in range(5)]
            last, _ = await _sent_and_seen(client, alice, room, "sentinel")
            sent.append(last["id"])
            assert seen == sent
        names = [type(e).__name__ for e in lifecycle]
        assert names.index("Connecting") < names.index("Connected") < names.index("Ready")
        assert "Disconnected" in names
        again = [e for e in lifecycle if isinstance(e, Ready) and e.resumed]
        assert again, names  # a reconnect re-reads the state (cache reconciled)
        assert names.index("Resumed") > names.index("Disconnected")


async def test_cache_before_and_after_on_updates() -> None:
    async with TestServer() as server:
        alice, bob = await server.user(), await server.user()
        room = await server.room(alice, members=[bob])
        async with _poller(bob, server) as client:
            sent, _ = await _sent_and_seen(client, alice, room, "draft")
            updated = client.wait_for(hubbub.MessageUpdated, timeout=20)
            await alice.request("PATCH", f"/messages/{sent['id']}", json={"content": "final"})
            event = await updated
            assert event.before is not None and event.before.content == "draft"
            assert event.after is not None and event.after.content == "final"
            cached = client.get_message(sent["id"])
            assert cached is not None and cached.content == "final"


async def test_anonymous_poll_reads_public_rooms() -> None:
    async with TestServer() as server:
        alice = await server.user()
        room = await server.room(alice)
        async with _poller(None, server) as client:
            assert client.user is None
            assert room["id"] in {r.id for r in client.rooms}
            _, event = await _sent_and_seen(client, alice, room, "hello, anyone")
            assert event.room_id == room["id"]


async def test_typing_needs_the_websocket() -> None:
    async with TestServer() as server:
        bob = await server.user()
        async with _poller(bob, server) as client:
            with pytest.raises(ServiceUnavailable) as err:
                await client.send_typing(1)
            assert err.value.code == "transport_unsupported"


async def test_a_bad_token_fails_start_with_unauthorized() -> None:
    async with TestServer() as server:
        client = hubbub.Client(server.url, token="not-a-token", transport="poll")
        gone = client.wait_for(Disconnected)
        try:
            with pytest.raises(Unauthorized):
                await client.start()
            assert not (await gone).will_reconnect
        finally:
            await client.close()


async def test_close_ends_a_held_poll() -> None:
    async with TestServer() as server:
        bob = await server.user()
        client = _poller(bob, server, poll_wait=60.0)
        await client.start()
        # The poll is now held by the server for up to a minute; close must not wait.
        await asyncio.wait_for(client.close(), 10)
        assert client._task is not None and client._task.done()


async def test_a_long_rate_limit_is_waited_out_not_hammered() -> None:
    """A 429 whose wait is too long to sleep through inside the request surfaces to the
    poll loop, which stays away at least the server's `retry_after` (frozen clock: the
    bucket never refills, so the wait is exactly what the server asked)."""
    limits = {
        "rest_ip_read_burst": 1000,
        "rest_user_read_burst": 2,
        "rest_user_read_per_second": 0.01,
    }
    async with TestServer(clock=ManualClock(), **limits) as server:
        bob = await server.user()
        client = _poller(bob, server, poll_wait=0.1)
        away = client.wait_for(Disconnected, timeout=20)
        await client.start()  # GET /ready and the first poll use the burst
        try:
            event = await away
            assert event.will_reconnect
            assert event.retry_in is not None and event.retry_in >= 99.0
            assert "rate_limited" in event.reason
        finally:
            await asyncio.wait_for(client.close(), 10)  # ends the wait at once


async def test_get_ready_is_the_gateway_ready_state() -> None:
    async with TestServer() as server:
        alice = await server.user()
        room = await server.room(alice)
        mine = await alice.request("GET", "/ready")
        assert mine["me"]["id"] == alice.id and mine["cursor"].isdigit()
        assert room["id"] in {r["id"] for r in mine["rooms"]}
        assert mine["resumed"] is False and mine["session_id"]
        anonymous = hubbub.Client(server.url)
        try:
            public = await anonymous.http.request("GET", "/ready")
        finally:
            await anonymous.close()
        assert public["anonymous"] is True and public["me"] is None
        assert room["id"] in {r["id"] for r in public["rooms"]}


async def test_a_cursor_the_server_no_longer_serves_resyncs() -> None:
    """A 410 (here: a cursor ahead of the log, as after a database restore) drops the
    cursor, says `EventsMissed`, and starts over from a fresh `Ready`."""
    async with TestServer() as server:
        alice, bob = await server.user(), await server.user()
        room = await server.room(alice, members=[bob])
        async with _poller(bob, server) as client:
            missed = client.wait_for(EventsMissed, timeout=20)
            fresh = client.wait_for(Ready, check=lambda e: not e.resumed, timeout=20)
            assert isinstance(client._gateway, PollConnection)
            client._gateway.cursor.last_seq = 10**12
            await alice.send(room, "wake the poll")
            assert (await missed).cursor == str(10**12)
            await fresh
            _, event = await _sent_and_seen(client, alice, room, "after the resync")
            assert event.room_id == room["id"]

"""The dispatch pipeline against a real server: a canceled event leaves the cache alone, a
failing handler becomes a HandlerError and the client keeps going, the C.3 aliases and the
callback config route real events, wait_for(count=) and room streams."""

from __future__ import annotations

from typing import Any

import pytest

import hubbub
from hubbub.testing import TestServer, TestUser


async def _setup(server: TestServer) -> tuple[TestUser, TestUser, dict[str, Any]]:
    alice, bob = await server.user(), await server.user()
    room = await server.room(alice, members=[bob])
    return alice, bob, room


def _said(text: str) -> Any:
    return lambda e: isinstance(e, hubbub.MessageCreated) and e.message.content == text


async def test_canceling_in_a_before_hook_skips_the_cache_update(
    hubbub_server: TestServer,
) -> None:
    alice, bob, room = await _setup(hubbub_server)
    client = bob.client()
    hooked: list[str] = []

    @client.before_dispatch
    def keep_secret_edits_out(event: hubbub.Event) -> None:
        hooked.append(type(event).__name__)
        if isinstance(event, hubbub.MessageUpdated) and event.content == "secret":
            event.cancel()

    async with client:
        created = client.wait_for(hubbub.MessageCreated, timeout=10)
        sent = await alice.send(room, "original")
        await created
        message = client.get_message(sent["id"])
        assert message is not None and message.content == "original"

        updated = client.wait_for(hubbub.MessageUpdated, timeout=10)
        await alice.request("PATCH", f"/messages/{sent['id']}", json={"content": "secret"})
        skipped = await updated
        assert skipped.is_canceled
        assert skipped.before is None and skipped.after is None
        assert message.content == "original"  # the cache never saw the edit

        updated = client.wait_for(hubbub.MessageUpdated, timeout=10)
        await alice.request("PATCH", f"/messages/{sent['id']}", json={"content": "public"})
        applied = await updated
        assert not applied.is_canceled
        assert applied.before is not None and applied.after is not None
        assert applied.after.content == "public"
        assert message.content == "public"
        assert hooked.count("MessageUpdated") == 2
        assert {"Authenticated", "Ready"} <= set(hooked)  # hooks see local events too


async def test_a_failing_handler_becomes_a_handler_error_and_nothing_stops(
    hubbub_server: TestServer,
) -> None:
    alice, bob, room = await _setup(hubbub_server)
    async with bob.client() as client:
        got: list[str] = []

        @client.on(hubbub.MessageCreated)
        async def flaky(event: hubbub.MessageCreated) -> None:
            if event.message.content == "boom":
                raise RuntimeError("handler bug")
            got.append(event.message.content)

        @client.process
        def broken_hook(event: hubbub.Event) -> None:
            if isinstance(event, hubbub.MessageCreated) and event.message.content == "boom":
                raise KeyError("hook bug")

        errors = client.wait_for(hubbub.HandlerError, count=2, timeout=10)
        after = client.wait_for(hubbub.MessageCreated, check=_said("after"), timeout=10)
        await alice.send(room, "boom")
        await alice.send(room, "after")
        failures = await errors
        by_handler = {f.handler: f for f in failures}
        assert set(by_handler) == {flaky, broken_hook}
        assert isinstance(by_handler[flaky].exception, RuntimeError)
        assert isinstance(by_handler[broken_hook].exception, KeyError)
        event = by_handler[flaky].event
        assert isinstance(event, hubbub.MessageCreated) and event.message.content == "boom"
        await after
        await client.dispatcher.join()
        assert got == ["after"]
        assert client.is_ready


async def test_aliases_route_real_events(hubbub_server: TestServer) -> None:
    alice, bob, room = await _setup(hubbub_server)
    async with bob.client(sequential_handlers=True) as client:
        got: list[tuple[str, str | int]] = []

        @client.event
        def on_chat(event: hubbub.MessageCreated) -> None:
            got.append(("chat", event.message.content))

        @client.event
        async def on_private_message(event: hubbub.PrivateMessage) -> None:
            got.append(("private", event.message.content))

        @client.event
        def on_goal(event: hubbub.MessageCreated) -> None:
            got.append(("goal", event.message.content))

        @client.event
        def on_announcement(event: hubbub.MessageCreated) -> None:
            got.append(("announcement", event.message.content))

        @client.event
        def on_reply(event: hubbub.MessageCreated) -> None:
            got.append(("reply", event.message.content))

        @client.event
        def on_replace(event: hubbub.MessageUpdated) -> None:
            got.append(("replace", event.message_id))

        @client.event
        def on_remove(event: hubbub.MessageDeleted) -> None:
            got.append(("remove", event.message_id))

        @client.event
        def on_chat_delete(event: hubbub.MessageDeleted) -> None:
            kept = client.get_message(event.message_id)
            got.append(("chat_delete", "kept deleted" if kept and kept.deleted else "gone"))

        first = await alice.send(room, "hello")
        await alice.send(room, "", type="custom", custom_type="goal", custom_payload={"n": 1})
        await alice.send(room, "tonight", type="announcement")
        await alice.send(room, "re", reply_to=first["id"])
        await alice.request("PATCH", f"/messages/{first['id']}", json={"content": "hello!"})
        dm = await alice.request("POST", f"/users/{bob.id}/dm")
        await alice.send(dm["id"], "psst")
        await bob.send(dm["id"], "mine")  # one's own DM is not a private message
        await alice.request("DELETE", f"/messages/{first['id']}")
        doomed = [(await alice.send(room, f"x{i}"))["id"] for i in range(2)]
        await alice.request(
            "POST", f"/rooms/{room['id']}/messages/bulk-delete", json={"message_ids": doomed}
        )
        done = client.wait_for(hubbub.MessageCreated, check=_said("done"), timeout=10)
        await alice.send(room, "done")
        await done
        assert got == [
            ("chat", "hello"),
            ("chat", ""),
            ("goal", ""),
            ("chat", "tonight"),
            ("announcement", "tonight"),
            ("chat", "re"),
            ("reply", "re"),
            ("replace", first["id"]),
            ("private", "psst"),
            ("remove", first["id"]),
            ("chat_delete", "kept deleted"),
            ("chat", "x0"),
            ("chat", "x1"),
            ("remove", doomed[0]),
            ("remove", doomed[1]),
            ("chat", "done"),
        ]


async def test_callback_config_with_its_fallback(hubbub_server: TestServer) -> None:
    alice, bob, room = await _setup(hubbub_server)
    async with bob.client(sequential_handlers=True) as client:
        got: list[str] = []

        async def on_goal(event: hubbub.MessageCreated) -> None:
            got.append("goal")

        client.use_callbacks(
            hubbub.EventCallbacks(
                on_goal=on_goal,
                on_chat_event=lambda e: got.append(f"fallback:{type(e).__name__}"),
            )
        )
        sent = await alice.send(room, "", type="custom", custom_type="goal")
        await alice.send(room, "plain")
        await alice.request("PATCH", f"/messages/{sent['id']}", json={"custom_payload": {"n": 2}})
        done = client.wait_for(hubbub.MessageCreated, check=_said("done"), timeout=10)
        await alice.send(room, "done")
        await done
        assert got == [
            "goal",
            "fallback:MessageCreated",
            "fallback:MessageUpdated",
            "fallback:MessageCreated",
        ]

        responses: list[tuple[str, int]] = []
        client.use_callbacks(
            hubbub.EventCallbacks(
                on_network_response=lambda e: responses.append((e.path, e.status))
            )
        )
        await client.fetch_me()
        with pytest.raises(hubbub.NotFound):
            await client.fetch_room(999_999)
        assert responses == [("/users/me", 200), ("/rooms/999999", 404)]


async def test_wait_for_count_and_room_streams(hubbub_server: TestServer) -> None:
    alice, bob, room = await _setup(hubbub_server)
    other = await hubbub_server.room(alice, members=[bob])
    async with bob.client() as client:
        three = client.wait_for(
            hubbub.MessageCreated, check=lambda e: e.room_id == room["id"], count=3, timeout=10
        )
        live = client.get_room(room["id"])
        assert live is not None
        stream = live.events(hubbub.MessageCreated)
        for i in range(3):
            await alice.send(other, f"elsewhere {i}")
            await alice.send(room, f"here {i}")
        assert [e.message.content for e in await three] == ["here 0", "here 1", "here 2"]
        seen = []
        async with stream:
            async for event in stream:
                seen.append(event.message.content)
                if len(seen) == 3:
                    break
        assert seen == ["here 0", "here 1", "here 2"]

        iterated = []
        two = client.wait_for(hubbub.MessageCreated, count=2, timeout=10)
        await alice.send(room, "first")
        async for event in two:
            iterated.append(event.message.content)
            if len(iterated) == 1:
                await alice.send(room, "second")  # yielded before this one existed
        assert iterated == ["first", "second"]

        waiter = client.wait_for(hubbub.MessageCreated, timeout=0.05)
        with pytest.raises(TimeoutError):
            await waiter
        assert waiter not in client.dispatcher._waiters


async def test_subscribing_fires_the_joined_room_aliases(hubbub_server: TestServer) -> None:
    alice, bob = await hubbub_server.user(), await hubbub_server.user()
    room = await hubbub_server.room(alice)  # public; bob is not a member yet
    async with bob.client(sequential_handlers=True) as client:
        got: list[str] = []

        @client.event
        def on_joined_room(event: hubbub.Event) -> None:
            got.append(f"joined_room:{getattr(event, 'room_id', None)}")

        @client.event
        def on_member_join(event: hubbub.MemberJoined) -> None:
            got.append(f"member_join:{event.user_id}")

        client.use_callbacks(
            hubbub.EventCallbacks(on_chat_start=lambda e: got.append("chat_start"))
        )
        answer = await client.subscribe(room["id"])
        assert answer.room_id == room["id"]
        done = client.wait_for(hubbub.MessageCreated, check=_said("done"), timeout=10)
        await alice.send(room, "done")
        await done
        assert sorted(got) == sorted(
            [f"joined_room:{room['id']}", "chat_start", f"member_join:{bob.id}"]
        )

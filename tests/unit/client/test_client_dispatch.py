"""Dispatch along the class hierarchy, by-name handlers, wait_for and streams."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import hubbub
from hubbub.client.dispatch import EventDispatcher, resolve_handler_name
from hubbub.protocol.events import parse_event


def _events(frames: dict[str, dict[str, Any]]) -> dict[str, hubbub.Event]:
    return {name: parse_event(frame) for name, frame in frames.items()}


async def test_handlers_follow_the_class_hierarchy(frames: dict[str, dict[str, Any]]) -> None:
    d = EventDispatcher()
    seen: list[tuple[str, str]] = []

    def recorder(tag: str) -> Any:
        async def handler(event: hubbub.Event) -> None:
            seen.append((tag, type(event).__name__))

        return handler

    d.subscribe(hubbub.Event, recorder("event"))
    d.subscribe(hubbub.MessageEvent, recorder("message"))
    d.subscribe(hubbub.MessageCreated, recorder("created"))
    d.subscribe(hubbub.RoomEvent, recorder("room"))
    d.subscribe(hubbub.LifecycleEvent, recorder("lifecycle"))

    events = _events(frames)
    for name in ("message.created", "message.deleted", "room.updated", "space.member.joined"):
        d.dispatch(events[name])
    d.dispatch(hubbub.Connecting(url="ws://x", attempt=0))
    await d.join()

    assert seen == [
        # most specific first: MessageCreated → MessageEvent → RoomEvent → Event
        ("created", "MessageCreated"),
        ("message", "MessageCreated"),
        ("room", "MessageCreated"),
        ("event", "MessageCreated"),
        ("message", "MessageDeleted"),
        ("room", "MessageDeleted"),
        ("event", "MessageDeleted"),
        ("room", "RoomUpdated"),
        ("event", "RoomUpdated"),
        ("event", "SpaceMemberJoined"),
        ("lifecycle", "Connecting"),
        ("event", "Connecting"),
    ]


async def test_failing_handler_is_logged_and_isolated(
    frames: dict[str, dict[str, Any]], caplog: pytest.LogCaptureFixture
) -> None:
    d = EventDispatcher()
    ok: list[int] = []

    async def broken(event: hubbub.MessageCreated) -> None:
        raise RuntimeError("boom")

    async def fine(event: hubbub.MessageCreated) -> None:
        ok.append(event.message_id)

    d.subscribe(hubbub.MessageCreated, broken)
    d.subscribe(hubbub.MessageCreated, fine)
    d.dispatch(parse_event(frames["message.created"]))
    d.dispatch(parse_event(frames["message.created"]))
    await d.join()
    assert ok == [500, 500]
    assert caplog.text.count("RuntimeError: boom") == 2


async def test_handlers_start_in_event_order(frames: dict[str, dict[str, Any]]) -> None:
    d = EventDispatcher()
    started: list[int | None] = []

    async def slow(event: hubbub.ServerEvent) -> None:
        started.append(event.seq)
        await asyncio.sleep(0.01 if event.seq == 101 else 0)

    d.subscribe(hubbub.ServerEvent, slow)
    for name in ("message.created", "message.updated", "message.deleted"):
        d.dispatch(parse_event(frames[name]))
    await d.join()
    assert started == [101, 102, 103]


def test_registration_is_validated() -> None:
    d = EventDispatcher()

    def not_async(event: hubbub.Event) -> None:
        pass

    def two_args(event: hubbub.Event, extra: int) -> None:
        pass

    d.subscribe(hubbub.Event, not_async)  # sync handlers are accepted (run inline)
    with pytest.raises(TypeError, match="one positional argument"):
        d.subscribe(hubbub.Event, two_args)
    with pytest.raises(TypeError, match="not an Event"):
        d.subscribe(int, not_async)  # type: ignore[arg-type, type-var]


def test_resolve_handler_name() -> None:
    assert resolve_handler_name("on_message_created") is hubbub.MessageCreated
    assert resolve_handler_name("on_room_member_joined") is hubbub.MemberJoined
    assert resolve_handler_name("on_member_joined") is hubbub.MemberJoined
    assert resolve_handler_name("on_ready") is hubbub.Ready
    assert resolve_handler_name("on_message_event") is hubbub.MessageEvent
    with pytest.raises(ValueError, match="on_mesage_created"):
        resolve_handler_name("on_mesage_created")


async def test_client_event_decorator_and_on(
    client: hubbub.Client, frames: dict[str, dict[str, Any]]
) -> None:
    got: list[str] = []

    @client.event
    async def on_message_created(event: hubbub.MessageCreated) -> None:
        got.append("by-name")

    @client.on(hubbub.MessageEvent)
    async def typed(event: hubbub.MessageEvent) -> None:
        got.append("typed")

    await client._on_event(frames["message.created"])
    await client.dispatcher.join()
    assert got == ["by-name", "typed"]

    client.remove_handler(hubbub.MessageEvent, typed)
    await client._on_event(frames["message.created"])
    await client.dispatcher.join()
    assert got == ["by-name", "typed", "by-name"]


async def test_wait_for_with_check_and_timeout(frames: dict[str, dict[str, Any]]) -> None:
    d = EventDispatcher()
    events = _events(frames)

    # armed at call time: events dispatched before the await are not missed
    waiter = d.wait_for(hubbub.MemberEvent, check=lambda e: e.user_id == 1002, timeout=1)
    d.dispatch(events["message.created"])
    d.dispatch(events["room.member.left"])
    result = await waiter
    assert isinstance(result, hubbub.MemberLeft)
    assert d._waiters == []

    with pytest.raises(TimeoutError):
        await d.wait_for(hubbub.MessageCreated, timeout=0.01)
    assert d._waiters == []


async def test_cancelled_wait_for_unregisters() -> None:
    d = EventDispatcher()
    waiter = d.wait_for(hubbub.MessageCreated, timeout=10)
    assert len(d._waiters) == 1
    waiter.cancel()
    await asyncio.sleep(0)
    assert d._waiters == []


async def test_wait_for_check_errors_reach_the_waiter(
    frames: dict[str, dict[str, Any]],
) -> None:
    d = EventDispatcher()

    def bad_check(event: hubbub.MessageCreated) -> bool:
        raise KeyError("oops")

    waiter = d.wait_for(hubbub.MessageCreated, check=bad_check)
    d.dispatch(parse_event(frames["message.created"]))
    with pytest.raises(KeyError):
        await waiter


async def test_wait_for_fails_when_the_client_closes() -> None:
    d = EventDispatcher()
    waiter = d.wait_for(hubbub.MessageCreated)
    await d.close()
    with pytest.raises(hubbub.ServiceUnavailable, match="closed"):
        await waiter


async def test_stream_filters_and_ends_on_close(frames: dict[str, dict[str, Any]]) -> None:
    d = EventDispatcher()
    events = _events(frames)
    stream = d.stream(hubbub.MessageCreated, hubbub.MemberLeft)
    # registered at creation: events dispatched before the first __anext__ are kept
    for name in ("message.created", "room.updated", "room.member.left", "typing.started"):
        d.dispatch(events[name])
    stream.close()
    got = [type(e).__name__ async for e in stream]
    assert got == ["MessageCreated", "MemberLeft"]


async def test_stream_as_context_manager_with_bound(frames: dict[str, dict[str, Any]]) -> None:
    d = EventDispatcher()
    event = parse_event(frames["message.created"])
    async with d.stream(hubbub.MessageCreated, maxsize=2) as stream:
        for _ in range(3):
            d.dispatch(event)
        assert stream.dropped == 1
        assert await anext(stream) is event
    assert len(d._streams) == 0


async def test_dropped_stream_unsubscribes_itself() -> None:
    d = EventDispatcher()
    d.stream(hubbub.Event)
    assert len(d._streams) == 0  # weakly held: nobody references it any more


async def test_room_events_stream_only_sees_that_room(
    client: hubbub.Client, frames: dict[str, dict[str, Any]]
) -> None:
    created = parse_event(frames["room.created"])
    assert isinstance(created, hubbub.RoomCreated)
    room = client.cache.store_room(created.room)
    other = dict(frames["message.created"], room_id=8, seq=200)
    other["data"] = {"message": {**frames["message.created"]["data"]["message"], "room_id": 8}}
    async with room.new_messages() as stream:
        await client._on_event(other)
        await client._on_event(frames["message.created"])
        event = await asyncio.wait_for(anext(stream), 1)
    assert event.room_id == 7

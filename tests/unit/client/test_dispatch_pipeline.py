"""The dispatch pipeline without a server: hook → cache → handlers → waiters → hook, cancel,
sync/async callables, HandlerError, registration-time checks, wait_for(count=)."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import pytest

import hubbub
from hubbub.client.dispatch import EventDispatcher
from hubbub.protocol.events import parse_event


def _created(frames: dict[str, dict[str, Any]], seq: int = 101, **message: Any) -> hubbub.Event:
    frame = copy.deepcopy(frames["message.created"])
    frame["seq"] = seq
    frame["data"]["message"].update(id=400 + seq, **message)
    return parse_event(frame)


async def test_pipeline_order(frames: dict[str, dict[str, Any]]) -> None:
    d = EventDispatcher()
    order: list[str] = []
    event = _created(frames)

    d.add_hook("before", lambda e: order.append("before"))

    async def async_before(e: hubbub.Event) -> None:
        await asyncio.sleep(0)
        order.append("async-before")

    d.add_hook("before", async_before)
    d.subscribe(hubbub.MessageCreated, lambda e: order.append("sync-handler"))

    async def handler(e: hubbub.MessageCreated) -> None:
        order.append("async-handler")

    d.subscribe(hubbub.MessageCreated, handler)

    def check(e: hubbub.MessageCreated) -> bool:
        order.append("waiter")
        return True

    waiter = d.wait_for(hubbub.MessageCreated, check=check)
    d.add_hook("process", lambda e: order.append("process"))

    await d.process(event, apply=lambda e: order.append("cache"), sequential=True)
    assert await waiter is event
    assert order == [
        "before",
        "async-before",
        "cache",
        "sync-handler",
        "async-handler",
        "waiter",
        "process",
    ]


async def test_cancel_in_a_before_hook_skips_only_the_cache_update(
    frames: dict[str, dict[str, Any]],
) -> None:
    d = EventDispatcher()
    applied: list[int | None] = []
    seen: list[tuple[int | None, bool]] = []

    def skip_odd(event: hubbub.ServerEvent) -> None:
        event.set_canceled(bool(event.seq and event.seq % 2))

    d.add_hook("before", skip_odd)  # type: ignore[arg-type]
    d.subscribe(hubbub.ServerEvent, lambda e: seen.append((e.seq, e.is_canceled)))
    for seq in (1, 2, 3):
        await d.process(_created(frames, seq), apply=lambda e: applied.append(e.seq))
    assert applied == [2]
    assert seen == [(1, True), (2, False), (3, True)]

    event = _created(frames, 5)
    event.cancel()
    assert event.is_canceled
    event.uncancel()
    assert not event.is_canceled


async def test_failures_become_handler_error_events_without_recursion(
    frames: dict[str, dict[str, Any]], caplog: pytest.LogCaptureFixture
) -> None:
    d = EventDispatcher()
    reports: list[tuple[str, str]] = []
    ok: list[str] = []

    def sync_broken(e: hubbub.MessageCreated) -> None:
        raise ValueError("sync boom")

    async def async_broken(e: hubbub.MessageCreated) -> None:
        raise RuntimeError("async boom")

    def broken_hook(e: hubbub.Event) -> None:
        if isinstance(e, hubbub.MessageCreated):
            raise KeyError("hook boom")

    async def report(e: hubbub.HandlerError) -> None:
        reports.append((getattr(e.handler, "__name__", "?"), str(e.exception)))
        raise RuntimeError("the error handler fails too")

    d.subscribe(hubbub.MessageCreated, sync_broken)
    d.subscribe(hubbub.MessageCreated, async_broken)
    d.subscribe(hubbub.MessageCreated, lambda e: ok.append("still runs"))
    d.subscribe(hubbub.HandlerError, report)
    d.add_hook("before", broken_hook)
    event = _created(frames)
    await d.process(event)
    await d.join()
    assert ok == ["still runs"]
    assert sorted(reports) == [
        ("async_broken", "async boom"),
        ("broken_hook", "'hook boom'"),
        ("sync_broken", "sync boom"),
    ]
    # The failing HandlerError handler is logged, never reported again.
    assert caplog.text.count("RuntimeError: the error handler fails too") == 3
    assert len(reports) == 3


async def test_handler_error_carries_event_handler_and_exception(
    frames: dict[str, dict[str, Any]],
) -> None:
    d = EventDispatcher()
    failure = d.wait_for(hubbub.HandlerError, timeout=1)

    def broken(e: hubbub.MessageCreated) -> None:
        raise ZeroDivisionError

    d.subscribe(hubbub.MessageCreated, broken)
    event = _created(frames)
    await d.process(event)
    error = await failure
    assert error.event is event and error.handler is broken
    assert isinstance(error.exception, ZeroDivisionError)


def test_registration_time_checks(client: hubbub.Client) -> None:
    with pytest.raises(TypeError, match="not an Event class"):
        client.on(int)  # type: ignore[type-var]
    with pytest.raises(TypeError, match="one positional argument"):

        @client.on(hubbub.MessageCreated)  # type: ignore[arg-type]
        async def two(event: hubbub.MessageCreated, other: int) -> None: ...

    with pytest.raises(TypeError, match="one positional argument"):

        @client.on(hubbub.MessageCreated)  # type: ignore[arg-type]
        async def none() -> None: ...

    with pytest.raises(TypeError, match="one positional argument"):
        client.before_dispatch(lambda: None)  # type: ignore[type-var]
    with pytest.raises(ValueError, match="on_message_created"):

        @client.event
        async def on_mesage_created(event: hubbub.MessageCreated) -> None: ...

    with pytest.raises(ValueError, match="on_chat_delete"):

        @client.event
        async def on_chat_delet(event: hubbub.MessageDeleted) -> None: ...

    with pytest.raises(TypeError, match="annotated"):

        @client.on()
        async def bare(event):  # type: ignore[no-untyped-def]
            ...

    with pytest.raises(TypeError, match="not an Event class"):

        @client.on()
        async def wrong(event: int) -> None: ...

    with pytest.raises(TypeError, match="parentheses"):

        @client.on  # type: ignore[arg-type]
        async def forgot(event: hubbub.MessageCreated) -> None: ...


async def test_on_without_a_class_reads_the_annotation(
    client: hubbub.Client, frames: dict[str, dict[str, Any]]
) -> None:
    got: list[str] = []
    client.sequential_handlers = True  # async and sync handlers in event order

    @client.on()
    async def created(event: hubbub.MessageCreated) -> None:
        got.append("created")

    @client.on()
    def either(event: hubbub.MessageUpdated | hubbub.MessageDeleted) -> None:
        got.append(type(event).__name__)

    for name in ("message.created", "message.updated", "message.deleted"):
        await client._on_event(frames[name])
    await client.dispatcher.join()
    assert got == ["created", "MessageUpdated", "MessageDeleted"]


async def test_wait_for_count_awaited_and_iterated(frames: dict[str, dict[str, Any]]) -> None:
    d = EventDispatcher()
    three = d.wait_for(hubbub.MessageCreated, count=3, timeout=5)
    stream = d.wait_for(hubbub.MessageCreated, count=2, check=lambda e: e.seq != 1, timeout=5)
    for seq in (1, 2, 3, 4):
        d.dispatch(_created(frames, seq))
    assert [e.seq for e in await three] == [1, 2, 3]
    assert [e.seq async for e in stream] == [2, 3]
    assert d._waiters == []


async def test_iterating_yields_as_events_come_then_times_out(
    frames: dict[str, dict[str, Any]],
) -> None:
    d = EventDispatcher()
    got: list[int | None] = []

    async def consume() -> None:
        async for event in d.wait_for(hubbub.MessageCreated, count=3, timeout=0.3):
            got.append(event.seq)

    task = asyncio.create_task(consume())
    await asyncio.sleep(0)
    d.dispatch(_created(frames, 1))
    await asyncio.sleep(0)
    assert got == [1]  # yielded before the others came
    d.dispatch(_created(frames, 2))
    with pytest.raises(TimeoutError, match="2 of 3"):
        await task
    assert got == [1, 2]


async def test_wait_for_rejects_bad_arguments_at_call_time() -> None:
    d = EventDispatcher()
    with pytest.raises(TypeError, match="not an Event class"):
        d.wait_for(str)  # type: ignore[type-var]
    with pytest.raises(TypeError, match="not an Event class"):
        d.wait_for("message.created")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="count"):
        d.wait_for(hubbub.MessageCreated, count=0)
    with pytest.raises(TypeError, match="not an Event class"):
        d.stream(hubbub.MessageCreated, dict)  # type: ignore[type-var]
    assert d._waiters == []


async def test_hooks_can_be_removed_and_handlers_by_wire_name(
    frames: dict[str, dict[str, Any]],
) -> None:
    d = EventDispatcher()
    seen: list[str] = []

    def hook(e: hubbub.Event) -> None:
        seen.append("hook")

    d.add_hook("process", hook)
    d.subscribe("message.created", lambda e: seen.append("wire"))
    await d.process(_created(frames, 1))
    d.remove_hook(hook)
    await d.process(_created(frames, 2))
    assert seen == ["wire", "hook", "wire"]
    with pytest.raises(ValueError, match="stage"):
        d.add_hook("after", hook)


def test_authenticated_is_derived_from_the_ready_frame() -> None:
    frame = {"op": "ready", "user": {"id": 5}, "session_id": "12", "connection_id": "c-1"}
    auth = hubbub.Authenticated.from_ready(frame)
    assert (auth.session_id, auth.user_id, auth.connection_id) == ("12", 5, "c-1")
    anonymous = hubbub.Authenticated.from_ready({"op": "ready", "user": None, "anonymous": True})
    assert (anonymous.session_id, anonymous.user_id, anonymous.connection_id) == ("", None, None)
    assert anonymous.raw["anonymous"] is True

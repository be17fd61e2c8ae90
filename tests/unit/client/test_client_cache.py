"""Identity map and cache: one object per id, before/after, cache updated before handlers."""

from __future__ import annotations

import gc
from typing import Any

import pytest

import hubbub
from hubbub.client.objects import NotLoaded
from hubbub.protocol import models
from hubbub.protocol.events import parse_event

READY: dict[str, Any] = {
    "op": "ready",
    "user": {
        "id": 1001,
        "handle": "alice",
        "display_name": "Alice",
        "bot": True,
        "created_at": "2024-01-01T00:00:00Z",
    },
    "rooms": [
        {"id": 7, "name": "general", "topic": "chat", "created_at": "2024-01-01T00:00:00Z"},
        {"id": 8, "name": "random", "created_at": "2024-01-01T00:00:00Z"},
    ],
    "cursor": "100",
    "session_id": "s1",
}


async def test_ready_fills_user_and_rooms(client: hubbub.Client) -> None:
    got: list[hubbub.Ready] = []

    @client.on(hubbub.Ready)
    async def on_ready(event: hubbub.Ready) -> None:
        got.append(event)

    await client._on_ready(READY, False)
    await client.dispatcher.join()
    assert client.user is not None
    assert client.user.handle == "alice"
    assert client.user.bot
    assert [r.name for r in client.rooms] == ["general", "random"]
    assert got[0].user is client.user
    assert got[0].rooms[0] is client.get_room(7)
    assert got[0].session_id == "s1"
    assert not got[0].resumed

    # A re-sync replaces the room set: rooms lost while away disappear.
    await client._on_ready({**READY, "rooms": READY["rooms"][:1]}, False)
    assert [r.id for r in client.rooms] == [7]


async def test_one_instance_per_id(client: hubbub.Client, frames: dict[str, Any]) -> None:
    await client._on_ready(READY, False)
    room = client.get_room(7)
    assert room is not None
    data = models.Room.model_validate({**READY["rooms"][0], "name": "renamed"})
    assert client.cache.store_room(data) is room
    assert room.name == "renamed"  # updated in place: held references see new state

    created = parse_event(frames["message.created"])
    assert isinstance(created, hubbub.MessageCreated)
    msg = client.message(created)
    assert client.message(created) is msg is client.get_message(500)
    author = msg.author
    assert author is not None
    assert author is client.user
    assert not author.is_partial  # the snapshot did not overwrite the full user


async def test_identity_map_is_weak(client: hubbub.Client) -> None:
    actor = models.Actor(id=77, handle="ghost", display_name="Ghost")
    user = client.cache.user_from_actor(actor)
    assert user.is_partial
    with pytest.raises(NotLoaded):  # profile fields load with `await user.load()` (D.97)
        _ = user.bot
    assert client.get_user(77) is user
    del user
    gc.collect()
    assert client.get_user(77) is None


async def test_cache_is_updated_before_handlers_run(
    client: hubbub.Client, frames: dict[str, Any]
) -> None:
    await client._on_ready(READY, False)
    seen: list[tuple[str | None, str | None, str]] = []

    @client.on(hubbub.MessageUpdated)
    async def on_edit(event: hubbub.MessageUpdated) -> None:
        live = client.get_message(event.message_id)
        assert live is not None
        seen.append(
            (
                event.before.content if event.before else None,
                event.after.content if event.after else None,
                live.content,
            )
        )

    await client._on_event(frames["message.created"])
    msg = client.get_message(500)
    assert msg is not None
    await client._on_event(frames["message.updated"])
    await client.dispatcher.join()
    assert seen == [("hello **world**", "hello *there*", "hello *there*")]
    assert msg.content_text == "hello there"
    assert msg.edit_count == 1
    assert msg.edited_at is not None


async def test_update_for_uncached_message_still_dispatches(
    client: hubbub.Client, frames: dict[str, Any]
) -> None:
    got: list[hubbub.MessageUpdated] = []

    @client.on(hubbub.MessageUpdated)
    async def on_edit(event: hubbub.MessageUpdated) -> None:
        got.append(event)

    await client._on_event(frames["message.updated"])
    await client.dispatcher.join()
    assert got[0].before is None
    assert got[0].after is None
    assert got[0].content == "hello *there*"


async def test_room_update_before_after_and_cleared(
    client: hubbub.Client, frames: dict[str, Any]
) -> None:
    await client._on_ready(READY, False)
    room = client.get_room(7)
    assert room is not None
    event = parse_event(frames["room.updated"])
    assert isinstance(event, hubbub.RoomUpdated)
    client.cache.apply(event)
    assert event.before is not None
    assert event.after is not None
    assert (event.before.name, event.before.topic) == ("general", "chat")
    assert (event.after.name, event.after.topic) == ("lobby", "")  # topic cleared → default
    assert room.data is event.after


async def test_deleted_message_stays_cached_marked_deleted(
    client: hubbub.Client, frames: dict[str, Any]
) -> None:
    await client._on_event(frames["message.created"])
    msg = client.get_message(500)
    deleted = parse_event(frames["message.deleted"])
    assert isinstance(deleted, hubbub.MessageDeleted)
    client.cache.apply(deleted)
    assert msg is not None
    assert msg.deleted
    assert deleted.message is not None
    assert not deleted.message.deleted


async def test_room_deleted_and_membership(client: hubbub.Client, frames: dict[str, Any]) -> None:
    await client._on_ready(READY, False)
    room = client.get_room(7)
    assert room is not None
    assert room.member_count == 0
    client.cache.apply(parse_event(frames["room.member.joined"]))
    assert room.member_count == 1
    assert client.get_user(1002) is None  # a member snapshot is not retained on its own
    client.cache.apply(parse_event(frames["room.member.left"]))
    assert room.member_count == 0
    event = parse_event(frames["room.deleted"])
    assert isinstance(event, hubbub.RoomDeleted)
    client.cache.apply(event)
    assert event.room is not None
    assert event.room.name == "general"
    assert [r.id for r in client.rooms] == [8]


async def test_message_cache_is_bounded(frames: dict[str, Any]) -> None:
    client = hubbub.Client("http://127.0.0.1:9", token="t", max_messages=2)
    try:
        base = frames["message.created"]
        for i in range(5):
            message = {**base["data"]["message"], "id": i}
            client.cache.store_message(models.Message.model_validate(message))
        gc.collect()
        assert [client.get_message(i) is not None for i in range(5)] == [
            False,
            False,
            False,
            True,
            True,
        ]
    finally:
        await client.close()


async def test_handlers_see_lifecycle_ready_and_resumed(client: hubbub.Client) -> None:
    order: list[str] = []

    @client.on(hubbub.LifecycleEvent)
    async def any_lifecycle(event: hubbub.LifecycleEvent) -> None:
        order.append(type(event).__name__)

    client.sequential_handlers = True
    await client._on_ready(READY, True)  # no gateway → no cursor → no Resumed
    assert order == ["Authenticated", "Ready"]  # Authenticated comes right before Ready

"""Cache folds of events the integration tests cannot easily stage: messages moved out
of a room the client sees only as the source, merges of merges, and the wire snapshots
staying immutable copies."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import hubbub
from hubbub.protocol import models
from hubbub.protocol.events import parse_event

NOW = datetime(2024, 1, 1, tzinfo=UTC)


def frame(type_: str, data: dict[str, Any], room_id: int | None = 7) -> dict[str, Any]:
    return {
        "op": "event",
        "seq": 200,
        "type": type_,
        "ts": 1732838400123,
        "at": "2024-11-29T00:00:00.123Z",
        "room_id": room_id,
        "data": data,
    }


def message(message_id: int) -> models.Message:
    author = models.Actor(id=2, handle="bob", display_name="Bob")
    return models.Message(
        id=message_id, room_id=7, author=author, content="x", created_at=NOW, ts=0
    )


async def test_moved_out_messages_follow_to_their_new_room(client: hubbub.Client) -> None:
    moved = client.cache.store_message(message(5))
    held = moved.data
    event = parse_event(
        frame("message.moved_out", {"to_room_id": 9, "message_ids": [5, 6], "actor_id": 1})
    )
    client.cache.apply(event)
    assert moved.room_id == 9 and moved.room is client.room(9)
    assert held.room_id == 7  # the old snapshot is a copy, unchanged


async def test_merges_of_merges_resolve_to_the_survivor(client: hubbub.Client) -> None:
    old = client.cache.user_from_actor(models.Actor(id=2, handle="bob", display_name="Bob"))
    client.cache.set_relationship(2, "friend")
    for source, target in ((2, 3), (3, 4)):
        data = {"source_user_id": source, "target_user_id": target}
        client.cache.apply(parse_event(frame("user.merged", data, room_id=None)))
    survivor = client.cache.user_ref(4)
    assert client.cache.user_ref(2) is client.cache.user_ref(3) is survivor
    assert survivor is not old and client.cache.relationships == {4: "friend"}
    # A snapshot from before the merge (an old message's author) resolves there too.
    actor = models.Actor(id=2, handle="bob", display_name="Bob")
    assert client.cache.user_from_actor(actor) is survivor and survivor.id == 4

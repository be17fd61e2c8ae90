"""The SDK surface of the reactions area against a real server: object methods, typed
events, and the cache folding reactions, stars and pins into cached messages."""

from __future__ import annotations

import pytest

import hubbub
from hubbub.errors import Forbidden, ValidationError
from hubbub.protocol.events_reactions import (
    MessagePinned,
    MessageStateEvent,
    ReactionAdded,
    ReactionCleared,
    ReactionRemoved,
    ReadStateUpdated,
    StarsUpdated,
)
from hubbub.testing import TestServer
from tests.integration.waiting import expect
from tests.integration.wire import Api

THUMB = "/reactions/%F0%9F%91%8D"


async def test_objects_events_and_cache(server: TestServer) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    room_data = await alice.room()
    await bob.ok("POST", f"/rooms/{room_data['id']}/join")
    async with hubbub.Client(server.url, token=alice.token) as client:
        seen: list[MessageStateEvent] = []

        @client.on(MessageStateEvent)
        async def on_state(event: MessageStateEvent) -> None:
            seen.append(event)

        room = await client.fetch_room(room_data["id"])
        mine = await room.send("alice's")
        bob_msg = await bob.send(room.id, "bob's")
        theirs = await client.fetch_message(bob_msg["id"])

        reacted, added = await expect(client, ReactionAdded, mine.react("👍"))
        assert reacted is mine and mine.reactions[0].me is True
        assert added.emoji == "👍" and added.before is not None and added.after is not None
        with pytest.raises(ValidationError) as bad:
            await mine.react("not an emoji")
        assert bad.value.code == "invalid_emoji"

        # Another user's reaction arrives as an event and is folded into the cached message.
        _, event = await expect(
            client,
            ReactionAdded,
            bob.ok("PUT", f"/messages/{mine.id}{THUMB}"),
            check=lambda e: e.user_id == bob.id,
        )
        assert event.count == 2 and event.before is not None
        assert mine.reactions[0].user_ids == [alice.id, bob.id] and mine.reactions[0].me
        await expect(client, ReactionRemoved, bob.ok("DELETE", f"/messages/{mine.id}{THUMB}"))
        assert mine.reactions[0].count == 1 and mine.reactions[0].user_ids == [alice.id]

        with pytest.raises(Forbidden) as own:
            await mine.star()
        assert own.value.code == "cannot_star_own_message"
        starred, stars = await expect(client, StarsUpdated, theirs.star())
        assert starred is theirs and theirs.stars == 1 and theirs.starred_by_you is True
        assert stars.actor is None and stars.by_you is True and stars.stars == 1

        pinned, pin_event = await expect(client, MessagePinned, theirs.pin())
        assert pinned.pinned and pin_event.pinned_at is not None
        assert [m.id for m in await room.pins()] == [theirs.id]
        assert [m.id for m in await room.starboard()] == [theirs.id]
        await theirs.unpin()
        assert not theirs.pinned

        await expect(client, ReactionCleared, mine.clear_reactions())
        assert mine.reactions == []

        state, update = await expect(client, ReadStateUpdated, room.ack(theirs))
        assert state.last_read_message_id == theirs.id and state.unread_count == 0
        assert update.room_id == room.id and update.last_read_message_id == theirs.id
        assert (await room.read_state()).last_read_message_id == theirs.id
        kinds = {type(e).__name__ for e in seen}
        assert {"ReactionAdded", "ReactionRemoved", "StarsUpdated", "MessagePinned"} <= kinds

"""The SDK surface of voice rooms and scheduled events against a real server: typed
events, the cache of voice states with before/after, Room actions, typed errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

import hubbub
from hubbub.server.services.voice_provider import verify_voice_token
from hubbub.testing import TestServer
from tests.integration.waiting import expect

SECRET = "sdk-voice-secret"


async def test_voice_through_the_sdk() -> None:
    async with TestServer(voice_secret=SECRET) as server:
        alice, bob = await server.user(), await server.user()
        one = await server.room(alice, kind="voice", members=[bob])
        two = await server.room(alice, kind="voice", members=[bob])
        text = await server.room(alice, members=[bob])
        async with alice.client() as a, bob.client() as b:
            room = b.room(one["id"])
            joined, seen = await expect(
                a,
                hubbub.VoiceMemberJoined,
                room.join_voice(),
                check=lambda e: e.user_id == bob.id,
            )
            assert isinstance(joined.connection.token, str) and joined.state.user_id == bob.id
            now_ms = int(datetime.now(UTC).timestamp() * 1000)
            claims = verify_voice_token(SECRET, joined.connection.token, now_ms=now_ms)
            assert (claims["u"], claims["r"]) == (bob.id, one["id"])
            assert seen.state == joined.state and seen.room_id == one["id"]
            assert [s.user_id for s in a.room(one["id"]).voice_states] == [bob.id]
            assert [s.user_id for s in room.voice_states] == [bob.id]

            # Updates carry before/after from the cache, for every viewer.
            _, updated = await expect(
                a, hubbub.VoiceStateUpdated, room.update_voice_state(self_deaf=True)
            )
            assert updated.changes == {"self_deaf": True}
            assert updated.before is not None and updated.before.self_deaf is False
            assert updated.after is not None and updated.after.self_deaf is True
            assert a.room(one["id"]).voice_states[0].self_deaf is True

            # A moderator's move: the moved user hears where to reconnect.
            a_room = a.room(one["id"])
            _, moved = await expect(
                b, hubbub.VoiceConnectionReassigned, a_room.move_voice(bob.id, two["id"])
            )
            assert (moved.from_room_id, moved.to_room_id, moved.room_id) == (
                one["id"],
                two["id"],
                two["id"],
            )
            assert verify_voice_token(SECRET, moved.token, now_ms=now_ms)["r"] == two["id"]
            assert a.room(one["id"]).voice_states == []
            _, left = await expect(
                a, hubbub.VoiceMemberLeft, a.room(two["id"]).disconnect_voice(bob.id)
            )
            assert left.user_id == bob.id and left.state is not None
            assert left.state.self_deaf is True  # the state it ended, from the cache
            assert a.room(two["id"]).voice_states == []

            # Typed errors.
            with pytest.raises(hubbub.Conflict) as err:
                await b.room(text["id"]).join_voice()
            assert err.value.code == "not_a_voice_room"
            with pytest.raises(hubbub.NotFound) as missing:
                await room.update_voice_state(camera=True)
            assert missing.value.code == "not_in_voice"
            with pytest.raises(hubbub.Forbidden) as denied:
                await room.server_mute(alice.id)
            assert denied.value.code == "missing_permission"


async def test_scheduled_events_through_the_sdk(lite: TestServer) -> None:
    alice, bob = await lite.user(), await lite.user()
    made = await lite.room(alice, members=[bob])
    async with alice.client() as a, bob.client() as b:
        start = datetime.now(UTC) + timedelta(hours=1)
        room = a.room(made["id"])
        event, created = await expect(
            b,
            hubbub.ScheduledEventCreated,
            room.schedule_event("Launch", start, start + timedelta(hours=1), reminder_minutes=30),
        )
        assert created.event.id == event.id and event.reminder_minutes == 30
        assert created.event.title == "Launch" and event.interested is False
        mine, counted = await expect(
            b, hubbub.ScheduledEventUpdated, b.room(made["id"]).rsvp(event)
        )
        assert mine.interested is True and mine.interested_count == 1
        assert counted.before is not None and counted.before.interested_count == 0
        assert counted.after is not None and counted.after.interested_count == 1
        listed = await b.room(made["id"]).scheduled_events()
        assert [(e.id, e.interested) for e in listed] == [(event.id, True)]
        with pytest.raises(hubbub.ValidationError) as bad:
            await room.schedule_event("Late", start, start - timedelta(minutes=1))
        assert bad.value.code == "invalid_time_range"
        with pytest.raises(hubbub.Forbidden) as refused:
            await b.room(made["id"]).schedule_event("Mine", start, start + timedelta(hours=1))
        assert refused.value.code == "not_moderator"
        _, gone = await expect(
            b, hubbub.ScheduledEventDeleted, a.http.delete_scheduled_event(event.id)
        )
        assert gone.event_id == event.id and gone.event is not None

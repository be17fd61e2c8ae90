"""The voice part of the client cache, fed with wire frames: ready containers, joins,
moves, updates with before/after, leaves with the ended state, space.created; and
scheduled events' before/after. Pure: no server, no socket."""

from __future__ import annotations

from typing import Any

from hubbub.client.cache_voice import VoiceCache
from hubbub.protocol.events import parse_event
from hubbub.protocol.events_schedule import ScheduledEventDeleted, ScheduledEventUpdated
from hubbub.protocol.events_voice import (
    VoiceConnectionReassigned,
    VoiceMemberLeft,
    VoiceMemberMoved,
    VoiceStateUpdated,
)

AT = "2024-01-01T00:00:00.000Z"


def _cache() -> VoiceCache:
    cache = VoiceCache()
    cache._init_voice()
    return cache


def _frame(type_: str, data: dict[str, Any], room_id: int | None = None) -> dict[str, Any]:
    return {
        "op": "event",
        "seq": 1,
        "type": type_,
        "ts": 0,
        "at": AT,
        "room_id": room_id,
        "data": data,
    }


def _state(user_id: int, **flags: bool) -> dict[str, Any]:
    return {"user_id": user_id, "joined_at": AT, **flags}


def test_ready_then_events() -> None:
    cache = _cache()
    cache.apply_ready_voice({"voice_states": [{"room_id": 5, "participants": [_state(1)]}]})
    assert [s.user_id for s in cache.room_voice_states(5)] == [1]

    joined = parse_event(_frame("voice.member.joined", {"room_id": 5, "state": _state(2)}, 5))
    assert cache.apply_voice_event(joined)
    assert [s.user_id for s in cache.room_voice_states(5)] == [1, 2]

    update = parse_event(
        _frame(
            "voice.state.updated",
            {"room_id": 5, "user_id": 2, "changes": {"self_mute": True}, "cleared": []},
            5,
        )
    )
    assert isinstance(update, VoiceStateUpdated) and cache.apply_voice_event(update)
    assert update.before is not None and update.before.self_mute is False
    assert update.after is not None and update.after.self_mute is True

    moved = parse_event(
        _frame(
            "voice.member.moved",
            {"user_id": 2, "from_room_id": 5, "to_room_id": 6, "state": _state(2, self_mute=True)},
            6,
        )
    )
    assert isinstance(moved, VoiceMemberMoved) and moved.room_id == 6
    cache.apply_voice_event(moved)
    assert moved.before is not None and moved.before.self_mute is True
    assert cache.voice_room_of(2) == 6 and [s.user_id for s in cache.room_voice_states(5)] == [1]

    left = parse_event(_frame("voice.member.left", {"room_id": 6, "user_id": 2}, 6))
    assert isinstance(left, VoiceMemberLeft)
    cache.apply_voice_event(left)
    assert left.state is not None and left.state.user_id == 2
    assert cache.room_voice_states(6) == [] and 6 not in cache.voice_states

    # A new ready replaces everything.
    cache.apply_ready_voice({"voice_states": []})
    assert cache.voice_states == {}


def test_reassigned_space_created_and_scheduled_events() -> None:
    cache = _cache()
    data = {"from_room_id": 5, "to_room_id": 6, "node": "n", "token": "t"}
    reassigned = parse_event(_frame("voice.connection.reassigned", data, 6))
    assert isinstance(reassigned, VoiceConnectionReassigned)
    assert (reassigned.room_id, reassigned.node, reassigned.token) == (6, "n", "t")

    space = parse_event(
        _frame(
            "space.created",
            {
                "space": {"id": 1, "name": "g", "owner_id": 1, "created_at": AT},
                "member": {
                    "space_id": 1,
                    "user": {"id": 1, "handle": "a", "display_name": "a"},
                    "joined_at": AT,
                },
                "rooms": [],
                "roles": [],
                "emojis": [],
                "voice_states": [{"room_id": 9, "participants": [_state(3)]}],
                "joined_at": AT,
            },
        )
    )
    assert not cache.apply_voice_event(space)  # left to the spaces cache as well
    assert [s.user_id for s in cache.room_voice_states(9)] == [3]

    event = {
        "id": 4,
        "room_id": 9,
        "creator_id": 1,
        "title": "Standup",
        "starts_at": AT,
        "ends_at": AT,
        "interested_count": 0,
        "created_at": AT,
    }
    cache.apply_voice_event(
        parse_event(_frame("scheduled_event.created", {"room_id": 9, "event": event}, 9))
    )
    changes = {"room_id": 9, "event_id": 4, "changes": {"interested_count": 2}, "cleared": []}
    updated = parse_event(_frame("scheduled_event.updated", changes, 9))
    assert isinstance(updated, ScheduledEventUpdated) and cache.apply_voice_event(updated)
    assert updated.before is not None and updated.before.interested_count == 0
    assert updated.after is not None and updated.after.interested_count == 2
    deleted = parse_event(_frame("scheduled_event.deleted", {"room_id": 9, "event_id": 4}, 9))
    assert isinstance(deleted, ScheduledEventDeleted) and cache.apply_voice_event(deleted)
    assert deleted.event is not None and deleted.event.interested_count == 2
    assert cache.scheduled_events == {}

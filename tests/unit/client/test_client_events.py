"""The event catalogue: golden frames → typed classes, unknown types, the registry."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

import hubbub
from hubbub.protocol import events as ev
from hubbub.protocol.catalogue import CATALOGUE
from hubbub.protocol.models import Envelope


def test_every_golden_frame_parses_to_its_registered_class(
    frames: dict[str, dict[str, Any]],
) -> None:
    for type_name, frame in frames.items():
        event = ev.parse_event(frame)
        assert event.type == type_name
        assert type(event) is ev.event_class(type_name)
        assert event.raw == frame  # the exact frame is kept, including "op"
        assert not isinstance(event, ev.UnknownEvent) or type_name not in ev.registered_events()


def test_message_created(frames: dict[str, dict[str, Any]]) -> None:
    event = ev.parse_event(frames["message.created"])
    assert isinstance(event, ev.MessageCreated)
    assert isinstance(event, ev.MessageEvent)
    assert isinstance(event, ev.RoomEvent)
    assert (event.seq, event.room_id, event.message_id) == (101, 7, 500)
    assert event.message.content == "hello **world**"
    assert event.message.author is not None
    assert event.message.author.handle == "alice"
    assert event.at == datetime(2024, 11, 29, 0, 0, 0, 123000, tzinfo=UTC)
    assert not event.ephemeral


def test_message_updated_and_deleted(frames: dict[str, dict[str, Any]]) -> None:
    updated = ev.parse_event(frames["message.updated"])
    assert isinstance(updated, ev.MessageUpdated)
    assert updated.message_id == 500
    assert updated.content == "hello *there*"
    assert updated.edit_count == 1
    assert updated.edited_by == 1001
    assert updated.modified_at == datetime(2024, 11, 29, 0, 1, tzinfo=UTC)
    assert updated.before is None
    assert updated.after is None

    deleted = ev.parse_event(frames["message.deleted"])
    assert isinstance(deleted, ev.MessageDeleted)
    assert (deleted.message_id, deleted.actor_id, deleted.by_moderator) == (500, 1001, False)


def test_room_events(frames: dict[str, dict[str, Any]]) -> None:
    created = ev.parse_event(frames["room.created"])
    assert isinstance(created, ev.RoomCreated)
    assert created.room.name == "general"
    assert created.reason == "created"

    updated = ev.parse_event(frames["room.updated"])
    assert isinstance(updated, ev.RoomUpdated)
    assert updated.changes == {"name": "lobby"}
    assert updated.cleared == ["topic"]

    deleted = ev.parse_event(frames["room.deleted"])
    assert isinstance(deleted, ev.RoomDeleted)
    assert deleted.deleted_events_count == 42


def test_member_and_typing_events(frames: dict[str, dict[str, Any]]) -> None:
    joined = ev.parse_event(frames["room.member.joined"])
    assert isinstance(joined, ev.MemberJoined)
    assert isinstance(joined, ev.MemberEvent)
    assert joined.user_id == 1002
    assert joined.member.user.handle == "bob"
    left = ev.parse_event(frames["room.member.left"])
    assert isinstance(left, ev.MemberLeft)
    assert (left.reason, left.actor_id) == ("kicked", 1001)

    started = ev.parse_event(frames["typing.started"])
    assert isinstance(started, ev.TypingStarted)
    assert not isinstance(started, ev.MemberEvent)
    assert started.ephemeral
    assert started.seq is None
    assert started.expires_at == datetime(2024, 11, 29, 0, 0, 10, 123000, tzinfo=UTC)
    assert isinstance(ev.parse_event(frames["typing.stopped"]), ev.TypingStopped)


def test_unknown_type_is_kept_not_dropped(frames: dict[str, dict[str, Any]]) -> None:
    frame = {**frames["space.member.joined"], "type": "space.widget.spun"}
    event = ev.parse_event(frame)
    assert type(event) is ev.UnknownEvent
    assert event.type == "space.widget.spun"
    assert event.data == frame["data"]
    assert event.raw["seq"] == 109
    assert event.parse_error is None


def test_known_type_with_bad_payload_degrades_to_unknown(
    frames: dict[str, dict[str, Any]], caplog: pytest.LogCaptureFixture
) -> None:
    frame = frames["message.created"]
    frame["data"] = {"message": {"id": "not-an-int"}}
    event = ev.parse_event(frame)
    assert type(event) is ev.UnknownEvent
    assert event.type == "message.created"
    assert event.seq == 101
    assert event.parse_error
    assert "could not parse message.created" in caplog.text


def test_frame_that_is_not_an_envelope_is_kept_as_unknown() -> None:
    # Never dropped (SDK-16): the frame is kept whole, with why it could not be read.
    frame = {"op": "event", "seq": 1, "data": {"x": 1}}
    event = ev.parse_event(frame)
    assert type(event) is ev.UnknownEvent
    assert (event.type, event.seq, event.ts, event.data) == ("unknown", 1, 0, {"x": 1})
    assert event.raw == frame
    assert event.parse_error is not None and "type" in event.parse_error
    broken = ev.parse_event({"op": "event", "type": "message.created", "ts": "soon"})
    assert isinstance(broken, ev.UnknownEvent) and broken.type == "message.created"


def test_parse_from_envelope_model(frames: dict[str, dict[str, Any]]) -> None:
    frame = frames["room.member.left"]
    del frame["op"]
    event = ev.parse_event(Envelope.model_validate(frame))
    assert isinstance(event, ev.MemberLeft)
    assert event.raw["type"] == "room.member.left"


def test_registry_is_one_to_one() -> None:
    registry = ev.registered_events()
    # Every wire event of the catalogue (protocol.catalogue; checked against EVENTS.md C.2
    # in tests/unit/protocol/test_catalogue.py), but those the client derives from the
    # `ready` frame rather than parses from an `event` frame.
    from_ready = {"session.authenticated", "session.ready"}
    wire = {e.type.value for e in CATALOGUE if not e.local} - from_ready
    assert set(registry) == wire
    for name, cls in registry.items():
        assert cls.type_name == name
    assert len(set(registry.values())) == len(registry)
    assert ev.event_class("no.such.event") is ev.UnknownEvent


def test_registering_a_taken_name_fails() -> None:
    class Impostor(ev.ServerEvent):
        type_name = "message.created"

    with pytest.raises(ValueError, match="already registered"):
        ev.register(Impostor)

    class Nameless(ev.ServerEvent):
        pass

    with pytest.raises(ValueError, match="no type_name"):
        ev.register(Nameless)


def test_handler_names() -> None:
    assert hubbub.MessageCreated.handler_name() == "on_message_created"
    assert hubbub.MemberJoined.handler_name() == "on_member_joined"
    assert hubbub.EventsMissed.handler_name() == "on_events_missed"
    assert hubbub.Event.handler_name() == "on_event"

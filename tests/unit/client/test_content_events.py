"""The content area's wire events and models parse to their typed classes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import hubbub
from hubbub.protocol import events as ev
from hubbub.protocol.events_content import NotificationCreated, NotificationRead
from hubbub.protocol.models import Message

ACTOR = {"id": 1001, "handle": "alice", "display_name": "Alice", "avatar_url": None}
NOTIFICATION: dict[str, Any] = {
    "id": 9,
    "kind": "mention",
    "room_id": 7,
    "room_name": "general",
    "message_id": 500,
    "actor": ACTOR,
    "content_html": "<p>hi @bob</p>",
    "content_text": "hi @bob",
    "data": {"message_type": "speech"},
    "created_at": "2024-11-29T00:00:00.123Z",
    "read": False,
}


def _frame(type_: str, data: dict[str, Any], room_id: int | None = 7) -> dict[str, Any]:
    return {
        "op": "event",
        "seq": 120,
        "type": type_,
        "ts": 1732838400123,
        "at": "2024-11-29T00:00:00.123Z",
        "space_id": None,
        "room_id": room_id,
        "actor": ACTOR,
        "data": data,
    }


def test_notification_created() -> None:
    frame = _frame("notification.created", {"notification": NOTIFICATION})
    event = ev.parse_event(frame)
    assert type(event) is NotificationCreated and isinstance(event, hubbub.NotificationEvent)
    assert not isinstance(event, ev.RoomEvent)  # user-scoped, not a room's event
    assert (event.kind, event.message_id, event.room_id, event.seq) == ("mention", 500, 7, 120)
    n = event.notification
    assert (n.id, n.room_name, n.content_text, n.read) == (9, "general", "hi @bob", False)
    assert n.actor is not None and n.actor.handle == "alice"
    assert n.created_at == datetime(2024, 11, 29, 0, 0, 0, 123000, tzinfo=UTC)
    assert NotificationCreated.handler_name() == "on_notification_created"
    # the room falls back to the notification's when the envelope has none
    assert ev.parse_event(_frame("notification.created", frame["data"], None)).room_id == 7


def test_notification_of_an_unknown_kind_still_parses() -> None:
    data = {"notification": {**NOTIFICATION, "kind": "invented_later", "room_id": None}}
    event = ev.parse_event(_frame("notification.created", data, None))
    assert isinstance(event, NotificationCreated) and event.kind == "invented_later"


def test_a_broken_notification_becomes_unknown() -> None:
    event = ev.parse_event(_frame("notification.created", {"notification": {"id": "x"}}))
    assert isinstance(event, ev.UnknownEvent) and event.parse_error


def test_notification_read() -> None:
    one = ev.parse_event(
        _frame(
            "notification.read",
            {"notification_ids": [9], "up_to": None, "read_at": "2024-11-29T00:00:01.000Z"},
            None,
        )
    )
    assert isinstance(one, NotificationRead)
    assert one.covers(9) and not one.covers(8) and one.read_at is not None
    every = ev.parse_event(_frame("notification.read", {"notification_ids": [], "up_to": 9}))
    assert isinstance(every, NotificationRead) and every.covers(1) and not every.covers(10)


def test_registered_under_their_wire_names() -> None:
    registry = ev.registered_events()
    assert registry["notification.created"] is NotificationCreated
    assert registry["notification.read"] is NotificationRead


def test_message_model_carries_the_content_fields() -> None:
    message = Message.model_validate(
        {
            "id": 501,
            "room_id": 7,
            "author": ACTOR,
            "type": "quote",
            "content": "so true",
            "created_at": "2024-11-29T00:00:00.123Z",
            "ts": 1732838400123,
            "mentions": [1002],
            "parent_id": 500,
            "show_parent": False,
            "quote_of": {
                "id": 500,
                "room_id": 7,
                "author": ACTOR,
                "content_text": "quoted",
                "custom_field1": "a",
                "custom_field2": None,
                "custom_tags": ["t"],
            },
            "ad": {"img": "https://a.example/i.png", "link": "https://a.example"},
            "custom_type": "goal",
            "custom_id": "g1",
            "custom_payload": {"score": [1, 0]},
            "edit_count": 2,
            "edited_by_moderator": True,
            "modified_at": "2024-11-29T00:01:00.000Z",
        }
    )
    assert message.quote_of is not None and message.quote_of.custom_tags == ["t"]
    assert message.ad is not None and message.ad.message is None
    assert (message.parent_id, message.mentions, message.custom_payload) == (
        500,
        [1002],
        {"score": [1, 0]},
    )
    assert message.edited_by_moderator and message.edit_count == 2

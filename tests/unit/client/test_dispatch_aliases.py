"""EVENTS.md C.3 aliases through `@client.event` and `EventCallbacks`, and the S1 class
aliases: routing conditions, the bulk-delete expansion, the `on_chat_event` fallback."""

from __future__ import annotations

from typing import Any

import pytest

import hubbub
from hubbub.client import aliases
from hubbub.protocol import models

_AT = "2024-11-29T00:00:00.123Z"


def _frame(
    type_: str, data: dict[str, Any], *, room_id: int | None = 7, seq: int | None = 1
) -> Any:
    return {
        "op": "event",
        "seq": seq,
        "type": type_,
        "ts": 1732838400123,
        "at": _AT,
        "space_id": None,
        "room_id": room_id,
        "actor": {"id": 1001, "handle": "alice", "display_name": "Alice", "avatar_url": None},
        "data": data,
    }


def _message(message_id: int, room_id: int = 7, author: int = 1001, **fields: Any) -> Any:
    message = {
        "id": message_id,
        "room_id": room_id,
        "author": {"id": author, "handle": "a", "display_name": "A", "avatar_url": None},
        "content": f"m{message_id}",
        "created_at": _AT,
        "ts": 1732838400123,
        **fields,
    }
    return _frame("message.created", {"message": message}, room_id=room_id, seq=message_id)


def _room(client: hubbub.Client, room_id: int, kind: str) -> None:
    client.cache.store_room(
        models.Room.model_validate(
            {"id": room_id, "name": f"r{room_id}", "kind": kind, "created_at": _AT}
        )
    )


@pytest.fixture
async def chat(client: hubbub.Client) -> hubbub.Client:
    client.sequential_handlers = True
    _room(client, 7, "text")
    _room(client, 9, "dm")
    client.cache.me = client.cache.store_user(
        models.User.model_validate(
            {"id": 1, "handle": "me", "display_name": "Me", "created_at": _AT}
        )
    )
    return client


async def feed(client: hubbub.Client, *frames: Any) -> None:
    for frame in frames:
        await client._on_event(frame)
    await client.dispatcher.join()


async def test_message_aliases_follow_their_conditions(chat: hubbub.Client) -> None:
    got: list[tuple[str, int]] = []

    def record(name: str) -> Any:
        def handler(event: Any) -> None:
            message = getattr(event, "message", None)
            got.append((name, message.id if message is not None else event.message_id))

        handler.__name__ = name
        return chat.event(handler)

    for name in ("on_chat", "on_private_message", "on_goal", "on_ad", "on_announcement"):
        record(name)
    record("on_reply")
    await feed(
        chat,
        _message(1),
        _message(2, room_id=9),  # a DM from someone else
        _message(3, room_id=9, author=1),  # my own DM: not private
        _message(4, type="custom", custom_type="goal"),
        _message(5, type="custom", custom_type="corner"),
        _message(6, type="ad"),
        _message(7, type="announcement"),
        _message(8, type="reply", reply_to={"id": 1}),
    )
    assert sorted(got) == sorted(
        [
            ("on_chat", 1),
            ("on_private_message", 2),
            ("on_chat", 4),
            ("on_goal", 4),
            ("on_chat", 5),
            ("on_chat", 6),
            ("on_ad", 6),
            ("on_chat", 7),
            ("on_announcement", 7),
            ("on_chat", 8),
            ("on_reply", 8),
        ]
    )


async def test_on_remove_fires_once_per_bulk_deleted_id(chat: hubbub.Client) -> None:
    removed: list[tuple[int, bool]] = []

    @chat.event
    def on_remove(event: hubbub.MessageDeleted) -> None:
        removed.append((event.message_id, event.message is not None))

    deleted = _frame("message.deleted", {"message_id": 1}, seq=20)
    bulk = _frame("message.bulk_deleted", {"message_ids": [2, 3]}, seq=21)
    await feed(chat, _message(2), deleted, bulk)
    assert removed == [(1, False), (2, True), (3, False)]  # 2 was cached


async def test_command_notification_presence_and_late_wire_names(chat: hubbub.Client) -> None:
    got: list[str] = []

    @chat.event
    def on_help(event: hubbub.CommandCompleted) -> None:
        got.append("help")

    @chat.event
    def on_admin_command(event: hubbub.CommandCompleted) -> None:
        got.append(f"admin:{event.op}")

    @chat.event
    def on_mention(event: hubbub.NotificationCreated) -> None:
        got.append("mention")

    @chat.event
    def on_reply_notification(event: hubbub.NotificationCreated) -> None:
        got.append("reply-notification")

    @chat.event
    def on_member_presence(event: hubbub.PresenceUpdated) -> None:
        got.append(f"presence:{event.room_id}")

    @chat.event
    def on_dub(event: hubbub.Event) -> None:
        got.append(f"dub:{type(event).__name__}")

    def note(kind: str) -> Any:
        return {"notification": {"id": 1, "kind": kind, "created_at": _AT}}

    await feed(
        chat,
        _frame("command.completed", {"op": "help"}, seq=None),
        _frame("command.completed", {"op": "purge"}, seq=None),
        _frame("notification.created", note("mention"), room_id=None, seq=30),
        _frame("notification.created", note("reply"), room_id=None, seq=31),
        _frame("notification.created", note("kick"), room_id=None, seq=32),
        _frame("presence.updated", {"user_id": 2, "status": "idle"}, room_id=None, seq=None),
        _frame("presence.updated", {"user_id": 2, "status": "idle"}, seq=None),
        # Whatever class this SDK has for it (or none: an UnknownEvent), it routes.
        _frame("playback.voted", {"unexpected": True}, seq=33),
    )
    assert got == [
        "help",
        "admin:purge",
        "mention",
        "reply-notification",
        "presence:7",
        "dub:UnknownEvent",
    ]


async def test_callbacks_route_with_a_fallback(chat: hubbub.Client) -> None:
    got: list[str] = []
    chat.use_callbacks(
        hubbub.EventCallbacks(
            on_goal=lambda e: got.append(f"goal:{e.message.id}"),
            on_chat_event=lambda e: got.append(f"fallback:{type(e).__name__}"),
            by_type={hubbub.TypingStarted: lambda e: got.append("typing")},
        )
    )
    await feed(
        chat,
        _message(1, type="custom", custom_type="goal"),
        _message(2),  # no on_chat set: the fallback takes it
        _frame("typing.started", {"user_id": 2}, seq=None),
        _frame("room.member.updated", {"user_id": 2, "changes": {}}, seq=3),
        _frame(
            "relationship.updated",
            {
                "user_id": 2,
                "status": "friend",
                "user": {"id": 2, "handle": "b", "display_name": "B"},
            },
            room_id=None,
            seq=4,
        ),
    )
    # The relationship is not a room event: nothing gets it.
    assert got == ["goal:1", "fallback:MessageCreated", "typing", "fallback:MemberUpdated"]

    # A second config replaces the first.
    chat.use_callbacks(hubbub.EventCallbacks(on_member_update=lambda e: got.append("member")))
    got.clear()
    await feed(chat, _message(5), _frame("room.member.updated", {"user_id": 2}, seq=6))
    assert got == ["member"]


def test_callbacks_are_checked_when_built(chat: hubbub.Client) -> None:
    with pytest.raises(TypeError, match="on_goal"):
        hubbub.EventCallbacks(on_goal=lambda: None)  # type: ignore[arg-type, misc]
    with pytest.raises(TypeError, match="not an Event class"):
        hubbub.EventCallbacks(by_type={int: print})  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="EventCallbacks"):
        chat.use_callbacks({"on_chat": print})  # type: ignore[arg-type]


def test_every_alias_is_a_callback_field_and_an_event_name(chat: hubbub.Client) -> None:
    fields = set(hubbub.EventCallbacks.__dataclass_fields__)
    assert set(aliases.ALIASES) <= fields
    for name in aliases.ALIASES:

        def handler(event: hubbub.Event) -> None: ...

        handler.__name__ = name
        chat.event(handler)  # accepted, no ValueError


def test_class_aliases() -> None:
    assert aliases.MessageCreateEvent is hubbub.MessageCreated
    assert aliases.MessageCreatedEvent is hubbub.MessageCreated
    assert aliases.ServerMemberJoinEvent is hubbub.SpaceMemberJoined
    assert aliases.ReadyEvent is hubbub.Ready
    assert aliases.AuthenticatedEvent is hubbub.Authenticated
    assert aliases.BeforeConnectEvent is hubbub.Connecting
    assert aliases.class_alias("NoSuchEvent") is None
    with pytest.raises(AttributeError):
        _ = aliases.NoSuchThingEvent


async def test_network_callbacks(client: hubbub.Client) -> None:
    """The fixture's client points at a closed port: every REST call fails to connect."""
    errors: list[str] = []
    client.use_callbacks(
        hubbub.EventCallbacks(on_network_error=lambda e: errors.append(f"{e.method} {e.path}"))
    )
    with pytest.raises(hubbub.ServiceUnavailable):
        await client.fetch_me()
    assert errors == ["GET /users/me"]

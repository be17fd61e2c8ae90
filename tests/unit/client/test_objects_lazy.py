"""Objects without a server: bare objects and their fetch groups, the guards that refuse
an action before any request, and the identity maps of every object kind.

The `client` fixture points at a closed port: a request would fail with a network error,
so a typed error of ours proves no request was made."""

from __future__ import annotations

import gc
from datetime import UTC, datetime
from typing import Any

import pytest

import hubbub
from hubbub.client.objects import Emoji, Member, Message, NotLoaded, Room, User, Webhook
from hubbub.errors import HubbubError, NotFound, Unauthorized, ValidationError
from hubbub.protocol import models
from hubbub.protocol.models_extras import Emoji as EmojiData
from hubbub.protocol.models_extras import Webhook as WebhookData

NOW = datetime(2024, 1, 1, tzinfo=UTC)


def message_data(message_id: int = 5, **fields: Any) -> models.Message:
    author = models.Actor(id=2, handle="bob", display_name="Bob")
    base: dict[str, Any] = {
        "id": message_id,
        "room_id": 7,
        "author": author,
        "content": "hi",
        "created_at": NOW,
        "ts": 0,
    }
    return models.Message.model_validate({**base, **fields})


def test_not_loaded_is_a_typed_error() -> None:
    err = NotLoaded("<Room id=1>", "info", "name")
    assert isinstance(err, HubbubError) and err.code == "not_loaded"
    assert err.group == "info" and err.details == {"group": "info", "attribute": "name"}
    assert "load('info')" in err.message


async def test_bare_objects_know_only_their_id(client: hubbub.Client) -> None:
    room, user, message = client.room(7), client.user_ref(2), client.message_ref(5)
    assert (room.id, user.id, message.id) == (7, 2, 5)
    assert not room.loaded and not user.loaded and not message.loaded
    assert "not loaded" in repr(room) and "not loaded" in repr(message)
    for obj, attribute in ((room, "name"), (user, "handle"), (message, "content")):
        with pytest.raises(NotLoaded) as caught:
            getattr(obj, attribute)
        assert caught.value.group == obj.groups[0]
    with pytest.raises(NotLoaded):
        _ = room.data
    # The lookups of cached objects skip bare ones; the refs are the same objects.
    assert client.get_room(7) is None and client.get_message(5) is None
    assert client.room(7) is room and client.message_ref(5) is message

    # Data arriving later fills the same object.
    filled = client.cache.store_message(message_data())
    assert filled is message and message.loaded and message.content == "hi"
    assert message.is_loaded("message")
    assert message.room is room and not room.loaded  # navigation hands out refs
    assert message.author is client.user_ref(2) is message.owner is message.user
    assert message.author is not None and message.author.handle == "bob"


async def test_fetch_groups_are_checked(client: hubbub.Client) -> None:
    room = client.room(7)
    with pytest.raises(ValidationError) as caught:
        room.is_loaded("profile")
    assert caught.value.code == "unknown_fetch_group"
    with pytest.raises(ValidationError):
        await room.load("profile")
    user = client.cache.user_from_actor(models.Actor(id=3, handle="c", display_name="C"))
    assert user.handle == "c" and user.is_partial and not user.is_loaded("profile")
    for attribute in ("about", "reputation", "message_count", "last_seen"):
        with pytest.raises(NotLoaded):
            getattr(user, attribute)


async def test_actions_on_a_deleted_message_fail_before_any_request(
    client: hubbub.Client,
) -> None:
    message = client.cache.store_message(message_data())
    client.cache.mark_deleted(message.id)
    assert message.deleted
    for action in (message.edit("x"), message.reply("x"), message.star(), message.delete()):
        with pytest.raises(NotFound) as caught:
            await action
        assert caught.value.code == "message_deleted"
        assert caught.value.details == {"message_id": message.id}


async def test_an_anonymous_client_cannot_act() -> None:
    anon = hubbub.Client("http://127.0.0.1:9")
    try:
        room = anon.room(7)
        message = anon.cache.store_message(message_data())
        webhook = anon.cache.store_webhook(
            WebhookData(id=4, room_id=7, name="w", creator_id=1, token="secret")
        )
        actions = (
            room.send("x"),
            room.join(),
            room.leave(),
            message.react("👍"),
            anon.user_ref(2).befriend(),
            webhook.delete(),
        )
        for action in actions:
            with pytest.raises(Unauthorized) as caught:
                await action
            assert caught.value.code == "anonymous_read_only"
    finally:
        await anon.close()


async def test_members_emojis_webhooks_are_one_per_key(client: hubbub.Client) -> None:
    actor = models.Actor(id=2, handle="bob", display_name="Bob")
    data = models.Member(room_id=7, user=actor, joined_at=NOW)
    member = client.cache.store_member(data)
    assert isinstance(member, Member) and member.id == 2 and member.room_id == 7
    promoted = data.model_copy(update={"role": "moderator"})
    assert client.cache.store_member(promoted) is member and member.role == "moderator"
    elsewhere = client.cache.store_member(data.model_copy(update={"room_id": 8}))
    assert elsewhere is not member and elsewhere != member
    assert member.user is client.user_ref(2) and member.room is client.room(7)

    emoji = client.cache.store_emoji(
        EmojiData(id=3, space_id=1, name="blob", creator_id=1, url="/e/3")
    )
    assert isinstance(emoji, Emoji) and emoji.space is client.space(1)
    assert client.cache.store_emoji(emoji.data.model_copy(update={"name": "b2"})) is emoji
    assert emoji.name == "b2"

    hook = client.cache.store_webhook(
        WebhookData(id=4, room_id=7, name="w", creator_id=1, token="secret")
    )
    assert isinstance(hook, Webhook) and hook.room is client.room(7)
    # A listing carries no token; the one this object knew stays.
    assert client.cache.store_webhook(hook.data.model_copy(update={"token": None})) is hook
    assert hook.token == "secret"

    del member, elsewhere, emoji, hook
    gc.collect()
    assert client.cache.get_member(7, 2) is None and client.cache.get_emoji(3) is None


async def test_the_message_cache_is_bounded() -> None:
    small = hubbub.Client("http://127.0.0.1:9", token="t", max_messages=3)
    try:
        for message_id in range(1, 6):
            small.cache.store_message(message_data(message_id))
        gc.collect()
        assert [small.get_message(i) is not None for i in range(1, 6)] == [
            False,
            False,
            True,
            True,
            True,
        ]
    finally:
        await small.close()


def test_objects_are_typed() -> None:
    # Every object kind shares the base (identity, groups, guarded actions).
    for cls in (Room, User, Message, Member, Emoji, Webhook):
        assert cls.groups
        assert "fetch" in cls._reads and "load" in cls._reads

"""`hubbub.sync` objects against a real server: objects by id without a request, lazy
properties that load their fetch group on first access (errors surfacing there), one
wrapper per object, and the Space / Member / Role / Emoji / Notification wrappers."""

from __future__ import annotations

import base64

import pytest

import hubbub.sync
from hubbub.errors import Forbidden, NotFound
from tests.integration.sdk.test_sync import PASSWORD, ThreadedServer, bob_id, served

__all__ = ["served"]

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def test_lazy_objects_load_on_first_access(served: ThreadedServer) -> None:
    alice_name, alice = served.register()
    bob_name, _ = served.register()
    with hubbub.sync.Client.login(served.url, alice_name, PASSWORD, timeout=15) as chat:
        made = chat.create_room("lazy room", description="about")
        first = made.send("first")
        made.send(f"hi @{bob_name}", reply_to=first)
    bob = hubbub.sync.Client.login(served.url, bob_name, PASSWORD, timeout=15)
    try:
        room = bob.get_room(made.id)  # no request
        assert room is bob.get_room(made.id)
        assert not room.async_object.loaded
        assert room.name == "lazy room" and room.description == "about"
        assert room.async_object.loaded

        message = bob.get_message(first.id)
        assert message.content == "first" and message.room is room
        author = message.author
        assert author is not None and author is bob.get_user(bob_id(alice))
        assert author is message.owner is message.user
        assert author.about == "" and author.message_count == 2  # the profile group
        newest = room.messages()[-1]
        assert newest.reply_to is message

        with pytest.raises(NotFound):
            _ = bob.get_user(987654).handle
        private = notes_room(served, alice_name, bob_id(alice))
        with pytest.raises((NotFound, Forbidden)):
            _ = bob.get_room(private).name

        page = bob.notifications()
        assert isinstance(page, hubbub.sync.objects.SyncNotificationList)
        assert page.unread_count == 1 and not page.has_more
        (notification,) = page
        assert isinstance(notification, hubbub.sync.SyncNotification)
        assert notification.kind == "mention" and notification.room is room
        assert notification.mark_read() is notification and notification.read
    finally:
        bob.close()


def notes_room(served: ThreadedServer, owner: str, owner_id: int) -> int:
    """The owner's DM with themselves (saved notes): nobody else may read it."""
    with hubbub.sync.Client.login(served.url, owner, PASSWORD, timeout=15) as chat:
        room_id: int = chat.open_dm(owner_id).id
        return room_id


def test_space_member_role_emoji_wrappers(served: ThreadedServer) -> None:
    alice_name, alice = served.register()
    bob_name, bob = served.register()
    with hubbub.sync.Client.login(served.url, alice_name, PASSWORD, timeout=15) as chat:
        space = chat.create_space("guild")
        assert isinstance(space, hubbub.sync.SyncSpace) and space.name == "guild"
        assert chat.get_space(space.id) is space
        with pytest.raises(NotFound):
            _ = chat.get_space(987654).name
        role = space.create_role("helpers")
        assert isinstance(role, hubbub.sync.SyncRole) and role.space is space
        emoji = space.create_emoji("blob", PNG, "blob.png")
        assert isinstance(emoji, hubbub.sync.SyncEmoji) and emoji.space is space
        assert space.emojis() == [emoji] and space.emojis()[0] is emoji

        (me,) = space.members()
        assert isinstance(me, hubbub.sync.SyncSpaceMember)
        assert me.space is space and me.user is chat.get_user(bob_id(alice))
        assert me is space.member(bob_id(alice))
        assert me.add_role(role) is me and role.id in me.role_ids

        room = chat.create_room("members")
        with hubbub.sync.Client.login(served.url, bob_name, PASSWORD, timeout=15) as other:
            other.get_room(room.id).join()
        members = room.members()
        assert all(isinstance(m, hubbub.sync.SyncMember) for m in members)
        joined = next(m for m in members if m.id == bob_id(bob))
        assert joined.room is room and joined.user is chat.get_user(bob_id(bob))
        assert joined.role == "member"
        assert next(m for m in room.members() if m.id == bob_id(bob)) is joined

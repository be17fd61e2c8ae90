"""`hubbub.testing` helpers as a bot author uses them: the ten-line bot test from the
module docstring, and what each helper makes (users, bots, staff, rooms, the client)."""

from __future__ import annotations

import pytest

import hubbub
from hubbub.testing import TestServer, hubbub_client

# Bot authors get both fixtures with `pytest_plugins = ["hubbub.testing"]`; here the
# package conftest imports `hubbub_server` and this module `hubbub_client`.
__all__ = ["hubbub_client"]


async def test_ten_line_bot_test(hubbub_server: TestServer) -> None:
    alice = await hubbub_server.user()
    bot = await hubbub_server.bot(owner=alice)
    room = await hubbub_server.room(alice, members=[bot])
    async with bot.client() as client, alice.client() as chat:

        @client.on(hubbub.MessageCreated)
        async def shout(event: hubbub.MessageCreated) -> None:
            if not bot.wrote(event):
                await client.message(event).reply(event.message.content.upper())

        reply = chat.wait_for(hubbub.MessageCreated, check=bot.wrote, timeout=5)
        await alice.send(room, "hi")
        assert (await reply).message.content == "HI"


async def test_helpers_make_what_they_say(hubbub_server: TestServer) -> None:
    alice = await hubbub_server.user("alice")
    assert alice.handle == "alice" and alice.user["id"] == alice.id
    bot = await hubbub_server.bot()  # a fresh owner when none is given
    boss = await hubbub_server.staff()
    bob = await hubbub_server.user()
    room = await hubbub_server.room(alice, "lounge", members=[bob], moderators=[bot], topic="chat")
    assert room["name"] == "lounge" and room["topic"] == "chat"
    members = await alice.request("GET", f"/rooms/{room['id']}/members")
    roles = {m["user"]["id"]: m.get("role") for m in members["members"]}
    assert roles[bot.id] == "moderator" and bob.id in roles
    async with boss.client() as client:
        me = await client.fetch_me()
        assert me.id == boss.id
        assert (await client.fetch_user(bot.id)).id == bot.id
    # The REST helpers raise the SDK's typed errors.
    with pytest.raises(hubbub.NotFound):
        await bob.send(10**9, "nowhere")
    sent = await bob.send(room, "hello")
    assert sent["content"] == "hello"


async def test_client_fixture(hubbub_client: hubbub.Client) -> None:
    assert hubbub_client.is_ready and hubbub_client.user is not None

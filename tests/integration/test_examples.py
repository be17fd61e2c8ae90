"""Each bot in examples/ runs in-process against a TestServer: the module is imported,
`build(client)` registers its handlers on the bot's client, and other users drive it over
REST (a CI check that the examples keep working as the SDK changes)."""

from __future__ import annotations

import re

import pytest
from examples import echo_bot, moderation_bot

import hubbub
from hubbub.testing import TestServer


async def test_echo_bot_replies(lite: TestServer) -> None:
    alice = await lite.user()
    bot = await lite.bot(owner=alice)
    room = await lite.room(alice, members=[bot])
    async with bot.client() as client, alice.client() as chat:
        echo_bot.build(client, rooms={room["id"]})
        reply = chat.wait_for(hubbub.MessageCreated, check=bot.wrote, timeout=5)
        sent = await alice.send(room, "!echo hello there")
        event = await reply
        assert event.message.content == "hello there"
        assert event.message.reply_to is not None and event.message.reply_to.id == sent["id"]
        # Plain chat and the bot's own messages get no answer.
        quiet = chat.wait_for(hubbub.MessageCreated, check=bot.wrote, timeout=0.5)
        await alice.send(room, "just chatting")
        with pytest.raises(TimeoutError):
            await quiet


async def test_moderation_bot_deletes_kick_mutes_and_reports(lite: TestServer) -> None:
    alice = await lite.user()
    bot = await lite.bot(owner=alice)
    bob, carol = await lite.user(), await lite.user()
    room = await lite.room(alice, members=[bob, carol], moderators=[bot])
    async with bot.client() as client, alice.client() as chat:
        moderation_bot.build(client, ["buy now"])

        # A banned phrase: the message is deleted and its author kick-muted for 60 s.
        deleted = chat.wait_for(hubbub.MessageDeleted, timeout=5)
        banned = chat.wait_for(hubbub.RoomBanCreated, timeout=5)
        spam = await carol.send(room, "BUY NOW, cheap watches")
        assert (await deleted).message_id == spam["id"]
        ban = await banned
        assert ban.user_id == carol.id and ban.kind == "kick_mute"
        assert ban.expires_at is not None
        with pytest.raises(hubbub.Forbidden) as refused:
            await carol.send(room, "let me back")
        assert refused.value.code == "banned_from_room"
        await bob.send(room, "ordinary chat is left alone")

        # `!report @user reason detail` files a report and answers with its id.
        answer = chat.wait_for(hubbub.MessageCreated, check=bot.wrote, timeout=5)
        await bob.send(room, f"!report @{carol.handle} spam selling watches")
        text = (await answer).message.content
        found = re.search(r"report #(\d+) filed", text)
        assert found is not None, text
        report = await bot.request("GET", f"/reports/{found.group(1)}")
        assert (report["target_type"], report["target_id"]) == ("user", carol.id)
        assert report["reason"] == "spam" and report["detail"] == "selling watches"
        page = await alice.request("GET", f"/rooms/{room['id']}/messages")
        contents = [m["content"] for m in page["messages"]]
        assert "ordinary chat is left alone" in contents
        assert "BUY NOW, cheap watches" not in contents

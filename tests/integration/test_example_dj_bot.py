"""examples/dj_bot.py runs in-process against a TestServer: a listener joins the music
room, the bot greets them and fills the queue, playback starts, the bot upvotes another
DJ's track, and `!np` is answered with the current track."""

from __future__ import annotations

from examples import dj_bot

import hubbub
from hubbub.testing import TestServer


async def test_dj_bot_feeds_the_queue_greets_and_answers_np(lite: TestServer) -> None:
    alice = await lite.user()
    bot = await lite.bot(owner=alice)
    room = await lite.room(alice, members=[bot], kind="music")
    rid = room["id"]
    listener = await lite.user()
    async with bot.client() as client, listener.client() as chat:
        dj_bot.build(client, rid)
        greeting = chat.wait_for(hubbub.MessageCreated, check=bot.wrote, timeout=10)
        started = chat.wait_for(hubbub.PlaybackStarted, timeout=10)
        last = dj_bot.PLAYLIST[2].title
        fed = chat.wait_for(
            hubbub.QueueItemAdded, check=lambda e: e.track.title == last, timeout=10
        )
        await listener.join(rid)

        first = dj_bot.PLAYLIST[0]
        event = await started
        assert event.dj_id == bot.id and event.track.title == first.title
        text = (await greeting).message.content
        assert text.startswith(f"Welcome @{listener.handle}!") and first.title in text
        await fed
        state = await listener.request("GET", f"/rooms/{rid}/music")
        # Two of the bot's tracks keep waiting behind the one that plays.
        assert [i["track"]["title"] for i in state["queue"]] == [
            dj_bot.PLAYLIST[1].title,
            dj_bot.PLAYLIST[2].title,
        ]

        # Another DJ's track gets the bot's upvote when it starts.
        mine = await listener.request(
            "POST",
            f"/rooms/{rid}/music/queue",
            json={"source": "url", "url": "https://x.example/s", "title": "Mine", "duration_s": 90},
        )
        upvoted = chat.wait_for(
            hubbub.PlaybackVoted, check=lambda e: e.user_id == bot.id, timeout=10
        )
        for _ in range(3):  # skip the bot's tracks (alice owns the room) until ours plays
            now = (await alice.request("GET", f"/rooms/{rid}/music"))["now_playing"]
            if now["item_id"] == mine["id"]:
                break
            await alice.request("POST", f"/rooms/{rid}/music/skip", json={})
        vote = await upvoted
        assert vote.item_id == mine["id"] and vote.vote == "up"

        answer = chat.wait_for(
            hubbub.MessageCreated,
            check=lambda e: bot.wrote(e) and "now playing" in e.message.content,
            timeout=10,
        )
        await listener.send(rid, "!np")
        assert (await answer).message.content == "now playing: Mine (1:30)"

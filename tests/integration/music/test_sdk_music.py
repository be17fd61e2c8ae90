"""The SDK surface of music rooms and feeds over a real server: `room.queue_track`,
`room.music()` (then kept current from events, with before/after on now playing),
`room.vote`, `room.skip`, typed events and typed errors; feeds from `room.create_feed`
to `FeedItemPosted`."""

from __future__ import annotations

import pytest

import hubbub
from hubbub.client.http_feeds import post_feed_item
from hubbub.testing import TestServer
from tests.integration.waiting import expect


async def test_queue_vote_skip_through_the_sdk(lite: TestServer) -> None:
    alice, bob = await lite.user(), await lite.user()
    room_data = await lite.room(alice, members=[bob], kind="music")
    async with alice.client() as a, bob.client() as b:
        room = await a.fetch_room(room_data["id"])
        state = await room.music()
        assert state.now_playing is None and state.queue == [] and state.mode == "shared"

        with pytest.raises(hubbub.Conflict) as nothing:
            await room.vote("up")
        assert nothing.value.code == "nothing_playing"
        with pytest.raises(hubbub.ValidationError) as bad:
            await room.queue_track("https://x.example/a", "A", 0)
        assert bad.value.code == "invalid_duration"

        item, started = await expect(
            a,
            hubbub.PlaybackStarted,
            room.queue_track("https://x.example/a", "Song A", 120, artist="Artist"),
        )
        assert isinstance(item, hubbub.QueueItem) and item.track.title == "Song A"
        assert started.item_id == item.id and started.dj_id == alice.id
        assert started.before is None and started.after is not None
        assert room.now_playing is not None and room.now_playing.item_id == item.id

        broom = await b.fetch_room(room_data["id"])
        second, added = await expect(
            a,
            hubbub.QueueItemAdded,
            broom.queue_track("https://x.example/b", "Song B", 60, source="soundcloud"),
        )
        assert added.item.id == second.id and added.track.source == "soundcloud"
        assert [i.id for i in room.music_state.queue] == [second.id]  # type: ignore[union-attr]

        result, voted = await expect(a, hubbub.PlaybackVoted, broom.vote("up"))
        assert (result.up_count, result.down_count) == (1, 0)
        assert voted.user_id == bob.id and voted.vote == "up" and voted.dubtype == "updub"
        assert room.now_playing.up_count == 1
        with pytest.raises(hubbub.Conflict) as twice:
            await broom.vote("up")
        assert twice.value.code == "already_voted"
        with pytest.raises(hubbub.Forbidden):
            await broom.skip()

        _, nxt = await expect(a, hubbub.PlaybackStarted, room.skip())
        assert nxt.item_id == second.id
        assert nxt.before is not None and nxt.before.item_id == item.id
        assert nxt.after is not None and nxt.after.dj_id == bob.id
        assert room.music_state.queue == []  # type: ignore[union-attr]
        stats = {s.user_id: s for s in await room.music_stats()}
        assert (stats[alice.id].played, stats[alice.id].skipped, stats[alice.id].dubs) == (1, 1, 1)

        _, ended = await expect(a, hubbub.PlaybackEnded, broom.remove_track(second))
        assert ended.reason == "removed" and ended.before is not None
        assert room.now_playing is None


async def test_feed_items_arrive_as_typed_events(lite: TestServer) -> None:
    alice = await lite.user()
    room_data = await lite.room(alice)
    async with alice.client() as a:
        room = await a.fetch_room(room_data["id"])
        feed = await room.create_feed("Releases")
        assert feed.token is not None
        assert [f.id for f in await room.feeds()] == [feed.id]
        assert (await room.feeds())[0].token is None
        _, posted = await expect(
            a,
            hubbub.FeedItemPosted,
            post_feed_item(lite.url, feed.id, feed.token, "v2.0", summary="<em>new</em>"),
        )
        assert posted.feed_id == feed.id and posted.title == "v2.0"
        assert posted.summary_html == "<em>new</em>"
        assert posted.actor is not None and posted.actor.id == -2
        with pytest.raises(hubbub.Unauthorized) as wrong:
            await post_feed_item(lite.url, feed.id, "wrong", "x")
        assert wrong.value.code == "invalid_feed_token"

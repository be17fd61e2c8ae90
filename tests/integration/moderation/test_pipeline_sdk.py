"""The pipeline's SDK surface against a real server: ModerationAPI methods, the typed
events (RoomTimeoutStarted/Ended, ModerationQueued/Resolved) and the Message fields
(censored, original_content, shadowbanned, moderation_state, active), the cache folding a
resolution into a cached message, and typed errors."""

from __future__ import annotations

import pytest

import hubbub
from hubbub.errors import Conflict, Forbidden, RateLimited
from hubbub.testing import TestServer
from tests.integration.waiting import expect
from tests.integration.wire import Api, staff


async def test_moderation_api_and_events(lite: TestServer) -> None:
    owner, member = await Api.register(lite), await Api.register(lite)
    boss = await staff(lite)
    room_data = await owner.room()
    rid = room_data["id"]
    await member.ok("POST", f"/rooms/{rid}/join")
    async with (
        hubbub.Client(lite.url, token=owner.token) as mod,
        hubbub.Client(lite.url, token=member.token) as user,
        hubbub.Client(lite.url, token=boss.token) as admin,
    ):
        user.http.max_rate_limit_wait = 0  # slow mode answers at once
        # word lists
        assert await mod.http.set_word_list(["Frak"], room_id=rid) == ["frak"]
        assert await mod.http.get_word_list(rid) == ["frak"]
        assert await admin.http.set_word_list(["gorram"]) == ["gorram"]
        with pytest.raises(Forbidden) as denied:
            await user.http.set_word_list(["x"], room_id=rid)
        assert denied.value.code == "not_moderator"

        room = await user.fetch_room(rid)
        _, seen = await expect(
            mod, hubbub.MessageCreated, room.send("frak this"), check=lambda e: e.room_id == rid
        )
        assert seen.message.content == "**** this" and seen.message.censored
        cached = mod.get_message(seen.message.id)
        assert cached is not None and cached.original_content == "frak this"
        assert cached.censored and not cached.shadowbanned and cached.active
        mine = user.get_message(seen.message.id) or await user.fetch_message(seen.message.id)
        assert mine.original_content is None and mine.content == "**** this"

        # the freeze
        _, started = await expect(user, hubbub.RoomTimeoutStarted, mod.http.timeout_room(rid, 60))
        assert started.duration_s == 60 and started.actor_id == owner.id and started.ends_at
        with pytest.raises(Forbidden) as frozen:
            await room.send("let me talk")
        assert frozen.value.code == "room_timed_out"
        _, ended = await expect(user, hubbub.RoomTimeoutEnded, mod.http.end_room_timeout(rid))
        assert ended.reason == "lifted"
        with pytest.raises(Conflict):
            await mod.http.end_room_timeout(rid)

        # slow mode
        await mod.http.set_moderation_settings(rid, throttle_seconds=60)
        with pytest.raises(RateLimited) as slow:  # "frak this" was less than 60 s ago
            await room.send("two")
        assert slow.value.code == "slow_mode" and slow.value.retry_after > 0
        await mod.http.set_moderation_settings(rid, throttle_seconds=0, moderation="pre")

        # pre-moderation: queued, then approved; the author's cached copy follows
        _, queued = await expect(mod, hubbub.ModerationQueued, room.send("please"))
        assert queued.reason == "pre_moderation" and queued.message_id == queued.message.id
        pending = user.get_message(queued.message.id) or await user.fetch_message(queued.message.id)
        assert pending.moderation_state == "pending" and not pending.active
        items = await mod.http.moderation_queue(rid)
        assert [i["message"].id for i in items] == [queued.message.id]
        _, resolved = await expect(
            user, hubbub.ModerationResolved, mod.http.approve_message(queued.message.id, "ok")
        )
        assert resolved.state == "approved" and resolved.note == "ok"
        assert resolved.after is not None and resolved.after.moderation_state == "approved"
        assert pending.moderation_state == "approved" and pending.active
        with pytest.raises(Conflict) as twice:
            await mod.http.reject_message(queued.message.id)
        assert twice.value.code == "not_pending"

        # shadowbans
        await mod.http.set_moderation_settings(rid, moderation="none")
        ban = await admin.http.shadowban(member.id, expires_in_s=600, reason="spam")
        assert ban["user_id"] == member.id and ban["room_id"] is None
        _, hidden = await expect(mod, hubbub.MessageCreated, room.send("psst"))
        hidden_copy = mod.get_message(hidden.message.id)
        assert hidden_copy is not None and hidden_copy.shadowbanned
        await admin.http.unshadowban(member.id)
        room_ban = await mod.http.shadowban(member.id, room_id=rid)
        assert room_ban["room_id"] == rid
        await mod.http.unshadowban(member.id, room_id=rid)

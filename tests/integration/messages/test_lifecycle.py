"""Bulk delete, purge, move and embeds over a real server, on SQLite and PostgreSQL:
REST, the event on the gateway, on long-poll and on resume, refusals with nothing written,
and the SDK surface."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

import hubbub
from hubbub.protocol.events_lifecycle import (
    MessageAppended,
    MessagesBulkDeleted,
    MessagesMovedIn,
    MessagesMovedOut,
)
from hubbub.protocol.models import Embed
from hubbub.testing import TestServer
from tests.conftest import database_for
from tests.integration.wire import Api, Gateway, name


@pytest_asyncio.fixture
async def srv(backend: str) -> AsyncIterator[TestServer]:
    # Rate limits off: these tests post more than a burst into one room.
    async with TestServer(database=await database_for(backend), rate_limits=False) as s:
        yield s


async def _room_with(owner: Api, *members: Api, **fields: Any) -> int:
    rid = int((await owner.room(**fields))["id"])
    for m in members:
        await m.ok("POST", f"/rooms/{rid}/join")
    return rid


async def _moderator(owner: Api, rid: int, user: Api) -> None:
    await owner.ok("PATCH", f"/rooms/{rid}/members/{user.id}", json={"role": "moderator"})


async def _history(api: Api, rid: int) -> list[dict[str, Any]]:
    return list((await api.ok("GET", f"/rooms/{rid}/messages"))["messages"])


async def _head(api: Api) -> str:
    return str((await api.ok("GET", "/events"))["cursor"])


async def _polled(api: Api, cursor: str, type_: str) -> list[dict[str, Any]]:
    page = await api.ok("GET", "/events", params={"cursor": cursor, "wait": 5})
    return [e for e in page["events"] if e["type"] == type_]


async def test_bulk_delete_is_all_or_nothing_and_one_event(srv: TestServer) -> None:
    alice, bob = await Api.register(srv), await Api.register(srv)
    rid = await _room_with(alice, bob)
    ids = [(await bob.send(rid, f"m{i}"))["id"] for i in range(4)]
    gw = await Gateway.connect(srv, bob.token)
    cursor = await _head(bob)
    path = f"/rooms/{rid}/messages/bulk-delete"

    await bob.error("POST", path, 403, "not_moderator", json={"message_ids": ids[:1]})
    err = await alice.error(
        "POST", path, 422, "messages_not_in_room", json={"message_ids": [ids[0], 999_999]}
    )
    assert err["details"]["message_ids"] == [999_999]
    await alice.error(
        "POST", path, 422, "too_many_messages", json={"message_ids": list(range(1, 102))}
    )
    await alice.error("POST", path, 422, "message_ids_empty", json={"message_ids": []})
    assert not any(m["deleted"] for m in await _history(alice, rid))  # nothing half-written

    done = await alice.ok("POST", path, json={"message_ids": [ids[2], ids[0], ids[0]]})
    assert done == {"message_ids": [ids[0], ids[2]], "deleted_count": 2}
    ev = await gw.event("message.bulk_deleted")
    assert ev["room_id"] == rid and ev["actor"]["id"] == alice.id
    assert ev["data"] == {
        "room_id": rid,
        "message_ids": [ids[0], ids[2]],
        "reason": "bulk",
        "actor_id": alice.id,
    }
    history = await _history(bob, rid)
    assert [m["deleted"] for m in history] == [True, False, True, False]
    assert history[0]["content"] == "" and history[1]["content"] == "m1"
    # Deleting again changes nothing and says nothing.
    again = await alice.ok("POST", path, json={"message_ids": [ids[0]]})
    assert again == {"message_ids": [], "deleted_count": 0}
    await gw.no_event()

    polled = await _polled(bob, cursor, "message.bulk_deleted")
    assert [e["seq"] for e in polled] == [ev["seq"]]
    async with await Gateway.connect(srv, bob.token, cursor=cursor) as resumed:
        replayed = await resumed.event("message.bulk_deleted")
        assert replayed["seq"] == ev["seq"] and replayed["data"] == ev["data"]


async def test_purge_deletes_one_users_messages_in_the_room(srv: TestServer) -> None:
    owner, mod, bob, carol = [await Api.register(srv) for _ in range(4)]
    rid = await _room_with(owner, mod, bob, carol)
    other = await _room_with(owner, bob)
    await _moderator(owner, rid, mod)
    bobs = [(await bob.send(rid, f"b{i}"))["id"] for i in range(3)]
    kept = (await carol.send(rid, "carol stays"))["id"]
    elsewhere = (await bob.send(other, "other room"))["id"]
    gw = await Gateway.connect(srv, carol.token)
    cursor = await _head(carol)

    path = f"/rooms/{rid}/purge"
    await carol.error("POST", path, 403, "not_moderator", json={"user_id": bob.id})
    await mod.error("POST", path, 404, "user_not_found", json={"user_id": 999_999})
    assert (await mod.ok("POST", path, json={"user_id": bob.id})) == {"deleted_count": 3}
    ev = await gw.event("message.bulk_deleted")
    assert ev["data"] == {
        "room_id": rid,
        "message_ids": bobs,
        "reason": "purge",
        "purged_user_id": bob.id,
        "actor_id": mod.id,
    }
    by_id = {m["id"]: m for m in await _history(owner, rid)}
    assert all(by_id[i]["deleted"] for i in bobs) and not by_id[kept]["deleted"]
    assert not (await bob.ok("GET", f"/messages/{elsewhere}"))["deleted"]
    # Nothing left to purge: no second event.
    assert (await mod.ok("POST", path, json={"user_id": bob.id})) == {"deleted_count": 0}
    await gw.no_event()
    assert [e["seq"] for e in await _polled(carol, cursor, "message.bulk_deleted")] == [ev["seq"]]


async def test_move_needs_a_moderator_of_both_rooms_and_keeps_ids(srv: TestServer) -> None:
    owner, mod, src_only, dst_only = [await Api.register(srv) for _ in range(4)]
    src = await _room_with(owner, mod, src_only)
    dst = await _room_with(owner, mod, dst_only)
    await _moderator(owner, src, mod)
    sent = [(await src_only.send(src, f"m{i}"))["id"] for i in range(3)]
    dst_before = (await dst_only.send(dst, "already here"))["id"]
    gw_src = await Gateway.connect(srv, src_only.token)
    gw_dst = await Gateway.connect(srv, dst_only.token)
    cursor = await _head(owner)
    path = f"/rooms/{src}/messages/move"
    body = {"message_ids": sent[:2], "to_room_id": dst}

    # mod moderates the source only; a plain member moderates neither.
    await mod.error("POST", path, 403, "not_moderator", json=body)
    await src_only.error("POST", path, 403, "not_moderator", json=body)
    await owner.error("POST", path, 422, "same_room", json={**body, "to_room_id": src})
    err = await owner.error(
        "POST",
        path,
        422,
        "messages_not_in_room",
        json={**body, "message_ids": [sent[0], dst_before]},
    )
    assert err["details"]["message_ids"] == [dst_before]
    assert [m["id"] for m in await _history(owner, src)] == sent  # nothing moved

    moved = (await owner.ok("POST", path, json=body))["messages"]
    assert [(m["id"], m["room_id"]) for m in moved] == [(sent[0], dst), (sent[1], dst)]
    out = await gw_src.event("message.moved_out")
    assert out["room_id"] == src and out["data"] == {
        "room_id": src,
        "to_room_id": dst,
        "message_ids": sent[:2],
        "actor_id": owner.id,
    }
    into = await gw_dst.event("message.moved_in")
    assert into["room_id"] == dst and into["data"]["from_room_id"] == src
    assert [(m["id"], m["room_id"], m["content"]) for m in into["data"]["messages"]] == [
        (sent[0], dst, "m0"),
        (sent[1], dst, "m1"),
    ]
    assert into["seq"] == out["seq"] + 1  # one transaction
    await gw_src.no_event()  # src_only is not in the destination: no moved_in for them

    assert [m["id"] for m in await _history(owner, src)] == [sent[2]]
    # Ids are global and keep their place in time: the moved ones sort before dst's own.
    assert [m["id"] for m in await _history(dst_only, dst)] == [sent[0], sent[1], dst_before]
    assert (await dst_only.ok("GET", f"/messages/{sent[0]}"))["room_id"] == dst
    polled = await owner.ok("GET", "/events", params={"cursor": cursor})
    types = [e["type"] for e in polled["events"] if e["type"].startswith("message.moved")]
    assert types == ["message.moved_out", "message.moved_in"]


async def test_embeds_by_the_author_or_a_bot_in_the_room(srv: TestServer) -> None:
    alice, bob = await Api.register(srv), await Api.register(srv)
    rid = await _room_with(alice, bob)
    made = await alice.ok("POST", "/bots", 201, json={"username": name("bot")})
    bot = Api(srv.url, made["token"], made["user"])
    msg = await alice.send(rid, "see https://example.org")
    gw = await Gateway.connect(srv, bob.token)
    cursor = await _head(bob)
    path = f"/messages/{msg['id']}/embeds"
    card = {
        "title": "Example",
        "description": "An example page",
        "url": "https://example.org",
        "image_url": "http://example.org/a.png",
        "colour": 0x3366FF,
        "fields": [{"name": "k", "value": "v", "inline": True}],
    }

    after = await alice.ok("POST", path, json={"embeds": [card]})
    assert after["embeds"] == [card]
    ev = await gw.event("message.appended")
    assert ev["data"] == {"room_id": rid, "message_id": msg["id"], "embeds": [card], "position": 0}
    assert (await bob.ok("GET", f"/messages/{msg['id']}"))["embeds"] == [card]
    assert (await _history(bob, rid))[-1]["embeds"] == [card]
    assert [e["seq"] for e in await _polled(bob, cursor, "message.appended")] == [ev["seq"]]

    # A member who is not the author may not; a bot may once it is in the room.
    await bob.error("POST", path, 403, "cannot_add_embeds", json={"embeds": [{"title": "x"}]})
    await bot.error("POST", path, 403, "cannot_add_embeds", json={"embeds": [{"title": "x"}]})
    await bot.ok("POST", f"/rooms/{rid}/join")
    once = {"embeds": [{"title": "bot"}], "nonce": "card-1"}
    assert len((await bot.ok("POST", path, json=once))["embeds"]) == 2
    # A retry with the same nonce appends nothing and logs no second event.
    assert len((await bot.ok("POST", path, json=once))["embeds"]) == 2
    appended = await _polled(bob, cursor, "message.appended")
    assert [e["data"]["position"] for e in appended] == [0, 1]

    bad = [
        ({"url": "javascript:alert(1)"}, "invalid_embed"),
        ({"image_url": "data:image/png;base64,AAAA"}, "invalid_embed"),
        ({"title": "x" * 257}, "invalid_embed"),
        ({"title": "x", "onclick": "y"}, "invalid_embed"),
        ({"colour": 0x1000000}, "invalid_embed"),
        ({}, "invalid_embed"),
    ]
    for embed, code in bad:
        await alice.error("POST", path, 422, code, json={"embeds": [embed]})
    await alice.error("POST", path, 422, "too_many_embeds", json={"embeds": [{"title": "t"}] * 11})
    await alice.error("POST", path, 422, "too_many_embeds", json={"embeds": [{"title": "t"}] * 9})
    assert len((await alice.ok("GET", f"/messages/{msg['id']}"))["embeds"]) == 2
    await alice.ok("DELETE", f"/messages/{msg['id']}", 204)
    await alice.error("POST", path, 409, "message_deleted", json={"embeds": [{"title": "t"}]})
    assert (await alice.ok("GET", f"/messages/{msg['id']}"))["embeds"] == []  # tombstone


async def test_sdk_surface(srv: TestServer) -> None:
    alice, bob = await Api.register(srv), await Api.register(srv)
    src = await _room_with(alice, bob)
    dst = await _room_with(alice, bob)
    async with hubbub.Client(srv.url, token=alice.token) as client:
        room = await client.fetch_room(src)
        target = await client.fetch_room(dst)
        sent = [await room.send(f"m{i}") for i in range(5)]

        appended = client.wait_for(MessageAppended, timeout=10)
        msg = await sent[0].append_embeds(
            Embed(title="sdk", url="https://example.org"), {"title": "second"}
        )
        assert [e.title for e in msg.embeds] == ["sdk", "second"]
        got = await appended
        assert got.embeds[0].url == "https://example.org"
        # The cache folded it: before/after snapshots, and the live object updated.
        assert got.before is not None and got.before.embeds in ([], msg.embeds)
        assert got.after is not None and [e.title for e in got.after.embeds] == ["sdk", "second"]

        moved_out = client.wait_for(MessagesMovedOut, timeout=10)
        moved_in = client.wait_for(MessagesMovedIn, timeout=10)
        moved = await room.move_messages(sent[:2], target)
        assert [m.room_id for m in moved] == [dst, dst] and moved[0] is sent[0]
        assert (await moved_out).message_ids == [sent[0].id, sent[1].id]
        assert [m.id for m in (await moved_in).messages] == [sent[0].id, sent[1].id]

        bulk = client.wait_for(MessagesBulkDeleted, timeout=10)
        assert await room.bulk_delete([sent[2], sent[3].id]) == [sent[2].id, sent[3].id]
        assert sent[2].deleted
        event = await bulk
        assert event.reason == "bulk" and event.actor_id == alice.id
        assert [m.id for m in event.messages] == [sent[2].id, sent[3].id]  # from the cache
        assert all(not m.deleted for m in event.messages)  # as they were before

        await bob.send(src, "from bob")
        purged = client.wait_for(MessagesBulkDeleted, check=lambda e: e.reason == "purge")
        assert await room.purge(bob.id) == 1
        assert (await purged).purged_user_id == bob.id

        bob_client = hubbub.Client(srv.url, token=bob.token)
        async with bob_client:
            bob_room = await bob_client.fetch_room(src)
            with pytest.raises(hubbub.Forbidden) as refused:
                await bob_room.bulk_delete([sent[4]])
            assert refused.value.code == "not_moderator"

"""Reactions over a real server: add/remove/clear, aggregates on every read, events on the
gateway and on long-poll, and bad input (RX-01…RX-03)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from hubbub.testing import TestServer
from tests.conftest import database_for
from tests.integration.wire import Api, Gateway, private_room

FAMILY = "👨\u200d👩\u200d👧"
SCOTLAND = "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"


def rx(message_id: int, emoji: str) -> str:
    return f"/messages/{message_id}/reactions/{quote(emoji, safe='')}"


async def setup(server: TestServer) -> tuple[Api, Api, dict[str, Any], dict[str, Any]]:
    alice, bob = await Api.register(server), await Api.register(server)
    room = await alice.room()
    await bob.ok("POST", f"/rooms/{room['id']}/join")
    msg = await alice.send(room["id"], "react to me")
    return alice, bob, room, msg


async def long_poll(api: Api, cursor: str) -> list[dict[str, Any]]:
    page = await api.ok("GET", "/events", params={"cursor": cursor})
    return list(page["events"])


async def test_add_remove_with_aggregates_and_events(server: TestServer) -> None:
    alice, bob, room, msg = await setup(server)
    gw = await Gateway.connect(server, alice.token)
    cursor = gw.ready["cursor"]
    mid = msg["id"]

    after = await bob.ok("PUT", rx(mid, "👍"))
    assert after["reactions"] == [{"emoji": "👍", "count": 1, "user_ids": [bob.id], "me": True}]
    added = await gw.event("message.reaction.added")
    assert added["actor"]["id"] == bob.id
    assert added["data"] == {
        "room_id": room["id"],
        "message_id": mid,
        "user_id": bob.id,
        "emoji": "👍",
        "count": 1,
    }
    # Idempotent: the same reaction again changes nothing and emits nothing.
    await bob.ok("PUT", rx(mid, "👍"))
    await alice.ok("PUT", rx(mid, "like"))  # S3's named reaction is 👍 (D.67)
    assert (await gw.event("message.reaction.added"))["data"]["count"] == 2
    await alice.ok("PUT", rx(mid, FAMILY))
    await gw.event("message.reaction.added")

    seen = await alice.ok("GET", f"/messages/{mid}")
    assert seen["reactions"] == [
        {"emoji": "👍", "count": 2, "user_ids": [bob.id, alice.id], "me": True},
        {"emoji": FAMILY, "count": 1, "user_ids": [alice.id], "me": True},
    ]
    page = await bob.ok("GET", f"/rooms/{room['id']}/messages")
    (listed,) = page["messages"]
    assert [(r["emoji"], r["me"]) for r in listed["reactions"]] == [("👍", True), (FAMILY, False)]

    removed = await bob.ok("DELETE", rx(mid, "👍"))
    assert removed["reactions"][0] == {
        "emoji": "👍",
        "count": 1,
        "user_ids": [alice.id],
        "me": False,
    }
    event = await gw.event("message.reaction.removed")
    assert event["data"]["count"] == 1 and event["data"]["user_id"] == bob.id
    await bob.ok("DELETE", rx(mid, "👍"))  # removing twice: no change, no event
    await gw.no_event()

    types = [e["type"] for e in await long_poll(alice, cursor)]
    assert types == ["message.reaction.added"] * 3 + ["message.reaction.removed"]


async def test_emoji_validation(server: TestServer) -> None:
    alice, bob, _room, msg = await setup(server)
    mid = msg["id"]
    for good in ["👍🏽", "🇫🇷", "1️⃣", SCOTLAND, "🏳️\u200d🌈", ":thumbsup:"]:
        await bob.ok("PUT", rx(mid, good))
    # Unqualified spellings fold into the fully-qualified emoji: one aggregate.
    await bob.ok("PUT", rx(mid, "❤"))
    await alice.ok("PUT", rx(mid, "❤️"))
    hearts = [
        r for r in (await bob.ok("GET", f"/messages/{mid}"))["reactions"] if "❤" in r["emoji"]
    ]
    assert hearts == [{"emoji": "❤️", "count": 2, "user_ids": [bob.id, alice.id], "me": True}]
    for bad in ["a", "👍👍", "ok", ":)", "🏻", "#", "x" * 100, ":not_an_emoji:"]:
        await bob.error("PUT", rx(mid, bad), 422, "invalid_emoji")
    await bob.error("DELETE", rx(mid, "nope"), 422, "invalid_emoji")


async def test_permissions_and_deleted_messages(server: TestServer) -> None:
    alice, bob, room, msg = await setup(server)
    eve = await Api.register(server)
    mid = msg["id"]
    # A reader of a public room who has not joined cannot react.
    await eve.error("PUT", rx(mid, "👍"), 403, "not_a_member")
    secret = await private_room(server, alice)
    hidden = await alice.send(secret["id"], "members only")
    await eve.error("PUT", rx(hidden["id"], "👍"), 404, "message_not_found")
    await eve.error("PUT", rx(999_999, "👍"), 404, "message_not_found")
    # Clearing is for moderators.
    await bob.ok("PUT", rx(mid, "🎉"))
    await bob.error("DELETE", f"/messages/{mid}/reactions", 403, "not_moderator")
    await bob.error("DELETE", rx(mid, "🎉"), 403, "not_moderator", params={"all": "true"})
    # A deleted message takes no reactions (409), and nothing is written.
    await alice.ok("DELETE", f"/messages/{mid}", 204)
    await bob.error("PUT", rx(mid, "👀"), 409, "message_deleted")
    await alice.ok("POST", f"/rooms/{room['id']}/messages", 201, json={"content": "next"})


async def test_moderators_clear_one_emoji_or_all(server: TestServer) -> None:
    alice, bob, room, msg = await setup(server)
    carol = await Api.register(server)
    await carol.ok("POST", f"/rooms/{room['id']}/join")
    mid = msg["id"]
    for api in (alice, bob, carol):
        await api.ok("PUT", rx(mid, "👍"))
    await bob.ok("PUT", rx(mid, "🔥"))
    gw = await Gateway.connect(server, bob.token)
    # The owner appoints carol moderator; a moderator clears one emoji for everyone.
    await alice.ok("PATCH", f"/rooms/{room['id']}/members/{carol.id}", json={"role": "moderator"})
    after = await carol.ok("DELETE", rx(mid, "👍"), params={"all": "true"})
    assert [r["emoji"] for r in after["reactions"]] == ["🔥"]
    cleared = await gw.event("message.reaction.cleared")
    assert cleared["data"] == {
        "room_id": room["id"],
        "message_id": mid,
        "emoji": "👍",
        "actor_id": carol.id,
    }
    after = await alice.ok("DELETE", f"/messages/{mid}/reactions")
    assert after["reactions"] == []
    assert (await gw.event("message.reaction.cleared"))["data"]["emoji"] is None
    await alice.ok("DELETE", f"/messages/{mid}/reactions")  # nothing left: no event
    await gw.no_event()


async def test_too_many_different_emojis(backend: str) -> None:
    async with TestServer(database=await database_for(backend), rate_limits=False) as server:
        alice, _bob, _room, msg = await setup(server)
        emojis = "😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙🥲😚🙂"
        assert len(emojis) == 20
        for e in emojis:
            await alice.ok("PUT", rx(msg["id"], e))
        await alice.error("PUT", rx(msg["id"], "🤗"), 409, "too_many_reactions")
        await alice.ok("PUT", rx(msg["id"], "😀"))  # an existing emoji is still fine

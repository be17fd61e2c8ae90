"""Shadowbans over a real server (MD-12, D.70): the author sees a normal message, the
moderators see it marked, everyone else never gets it (live, long-poll, history, GET);
global (staff) and per-room (its moderators) bans, expiry on the clock, lifting, audit,
and the refusals."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio

from hubbub.server.clock import ManualClock
from hubbub.testing import TestServer
from tests.conftest import database_for
from tests.integration.wire import Api, Gateway, staff


@pytest_asyncio.fixture
async def clocked(backend: str) -> AsyncIterator[tuple[TestServer, ManualClock]]:
    clock = ManualClock()
    async with TestServer(database=await database_for(backend), clock=clock) as srv:
        yield srv, clock


async def _room_with(owner: Api, *members: Api, **fields: Any) -> dict[str, Any]:
    room = await owner.room(**fields)
    for api in members:
        await api.ok("POST", f"/rooms/{room['id']}/join")
    return room


async def test_only_the_author_and_moderators_receive_it(
    clocked: tuple[TestServer, ManualClock],
) -> None:
    server, clock = clocked
    owner, troll, reader = [await Api.register(server) for _ in range(3)]
    boss = await staff(server)
    room = await _room_with(owner, troll, reader)
    rid = room["id"]
    cursor = (await Gateway.connect(server, reader.token)).ready["cursor"]
    gw_owner = await Gateway.connect(server, owner.token)
    gw_troll = await Gateway.connect(server, troll.token)
    gw_reader = await Gateway.connect(server, reader.token)

    # refusals: nothing written
    await owner.error("PUT", f"/admin/users/{troll.id}/shadowban", 403, "not_staff", json={})
    body = {"expires_in_s": 0}
    await boss.error("PUT", f"/admin/users/{troll.id}/shadowban", 422, "invalid_expiry", json=body)
    await boss.error("PUT", "/admin/users/999999/shadowban", 404, "user_not_found", json={})
    await boss.error("DELETE", f"/admin/users/{troll.id}/shadowban", 404, "shadowban_not_found")

    ban = await boss.ok(
        "PUT", f"/admin/users/{troll.id}/shadowban", json={"expires_in_s": 3600, "reason": "spam"}
    )
    assert ban["user_id"] == troll.id and ban["room_id"] is None and ban["expires_at"]
    got = await boss.ok("GET", f"/admin/users/{troll.id}/shadowban")
    assert got["shadowban"]["id"] == ban["id"]

    sent = await troll.send(rid, "buy my stuff")
    assert "shadowbanned" not in sent and sent["active"] is True  # looks normal to them
    mine = (await gw_troll.event("message.created"))["data"]["message"]
    assert mine["id"] == sent["id"] and "shadowbanned" not in mine
    mods = (await gw_owner.event("message.created"))["data"]["message"]
    assert mods["id"] == sent["id"] and mods["shadowbanned"] is True
    await gw_reader.no_event()

    # nor on reads: history, GET, long-poll; the author still has it
    assert (await reader.ok("GET", f"/rooms/{rid}/messages"))["messages"] == []
    await reader.error("GET", f"/messages/{sent['id']}", 404, "message_not_found")
    polled = await reader.ok("GET", "/events", params={"cursor": cursor, "wait": 0})
    assert not [e for e in polled["events"] if e["type"] == "message.created"]
    assert [m["id"] for m in (await troll.ok("GET", f"/rooms/{rid}/messages"))["messages"]] == [
        sent["id"]
    ]
    page = await owner.ok("GET", f"/rooms/{rid}/messages")
    assert page["messages"][0]["shadowbanned"] is True
    found = await reader.ok("GET", "/search", params={"q": "stuff"})
    assert found["results"] == []
    found = await troll.ok("GET", "/search", params={"q": "stuff"})
    assert [r["message"]["id"] for r in found["results"]] == [sent["id"]]

    # the expiry passes on the clock: the next message is public again
    clock.advance(3601)
    public = await troll.send(rid, "hello again")
    assert (await gw_reader.event("message.created"))["data"]["message"]["id"] == public["id"]
    assert [m["id"] for m in (await reader.ok("GET", f"/rooms/{rid}/messages"))["messages"]] == [
        public["id"]
    ]


async def test_room_shadowbans_belong_to_the_room(server: TestServer) -> None:
    owner, troll, reader = [await Api.register(server) for _ in range(3)]
    room = await _room_with(owner, troll, reader)
    other = await _room_with(owner, troll, reader)
    rid = room["id"]
    path = f"/rooms/{rid}/shadowbans/{troll.id}"
    await reader.error("PUT", path, 403, "not_moderator", json={})
    await owner.error("PUT", f"/rooms/{rid}/shadowbans/{owner.id}", 422, "cannot_shadowban_self")
    ban = await owner.ok("PUT", path, json={"reason": "noise"})
    assert ban["room_id"] == rid and ban["expires_at"] is None

    gw_reader = await Gateway.connect(server, reader.token)
    await troll.send(rid, "hidden")
    await gw_reader.no_event()
    shown = await troll.send(other["id"], "elsewhere it is fine")
    assert (await gw_reader.event("message.created"))["data"]["message"]["id"] == shown["id"]

    audit = await owner.ok("GET", f"/rooms/{rid}/audit", params={"action": "user."})
    assert audit["entries"][0]["action"] == "user.shadowbanned"
    assert audit["entries"][0]["target"] == {"type": "user", "id": troll.id}

    await owner.ok("DELETE", path, 204)
    await owner.error("DELETE", path, 404, "shadowban_not_found")
    back = await troll.send(rid, "visible")
    assert (await gw_reader.event("message.created"))["data"]["message"]["id"] == back["id"]

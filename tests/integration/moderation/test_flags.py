"""Flags over a real server (MD-05; D.5, D.6, D.14, D.17): spam/offensive counts to
trusted users and moderators, mod_attention to moderators only, flaggers anonymous; one
flag per user; the reputation gate; retract and clear; the net threshold deleting the
message and suspending its author; staff setting reputation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio

from hubbub.testing import TestServer
from tests.integration.wire import Api, Gateway, staff

TRUSTED = 10_000  # the default flag_review_min_reputation
FLAGGER = 15  # the default flag_min_reputation


@pytest_asyncio.fixture
async def strict() -> AsyncIterator[TestServer]:
    """SQLite, with a net count of 2 removing a message."""
    async with TestServer(flag_delete_threshold=2) as srv:
        yield srv


async def _rep(boss: Api, user: Api, value: int) -> dict[str, Any]:
    user_obj: dict[str, Any] = await boss.ok(
        "PUT", f"/admin/users/{user.id}/reputation", json={"value": value}
    )
    return user_obj


async def _flag(api: Api, message_id: int, kind: str) -> dict[str, Any]:
    state: dict[str, Any] = await api.ok(
        "PUT", f"/messages/{message_id}/flags", json={"kind": kind}
    )
    return state


async def _setup(server: TestServer) -> tuple[Api, ...]:
    alice, bob, trusted, plain, plain2, newbie = [await Api.register(server) for _ in range(6)]
    boss = await staff(server)
    for api, value in ((trusted, TRUSTED), (plain, FLAGGER), (plain2, FLAGGER)):
        await _rep(boss, api, value)
    return alice, bob, trusted, plain, plain2, newbie, boss


async def test_flags_reach_trusted_and_moderators_only(server: TestServer) -> None:
    alice, bob, trusted, plain, plain2, newbie, _boss = await _setup(server)
    room = await alice.room()
    rid = room["id"]
    for api in (bob, trusted, plain, plain2, newbie):
        await api.ok("POST", f"/rooms/{rid}/join")
    msg = await bob.send(rid, "cheap pills")
    mid = msg["id"]
    gw_mod = await Gateway.connect(server, alice.token)
    gw_trusted = await Gateway.connect(server, trusted.token)
    gw_plain = await Gateway.connect(server, plain.token)
    gw_author = await Gateway.connect(server, bob.token)

    state = await _flag(plain, mid, "spam")
    assert state == {"message_id": mid, "room_id": rid, "flag": "spam"}
    for gw in (gw_mod, gw_trusted):
        ev = await gw.event("message.flagged")
        assert ev["actor"] is None and ev["room_id"] == rid
        assert ev["data"] == {
            "room_id": rid,
            "message_id": mid,
            "flag_type": "spam",
            "change": "added",
            "flag_count": 1,
            "counts": {"spam": 1, "offensive": 0},
            "net": 1,
        }
    await gw_plain.no_event()
    await gw_author.no_event()

    # Moderator attention: the moderators alone, with every count.
    await _flag(plain2, mid, "mod_attention")
    ev = await gw_mod.event("message.flagged")
    assert ev["data"]["counts"] == {"spam": 1, "offensive": 0, "mod_attention": 1}
    assert ev["data"]["flag_type"] == "mod_attention" and ev["data"]["net"] == 1
    await gw_trusted.no_event()
    await gw_plain.no_event()

    # What each one reads.
    assert await plain.ok("GET", f"/messages/{mid}/flags") == {
        "message_id": mid,
        "room_id": rid,
        "flag": "spam",
    }
    seen = await trusted.ok("GET", f"/messages/{mid}/flags")
    assert seen["counts"] == {"spam": 1, "offensive": 0} and seen["net"] == 1
    assert seen["flag"] is None
    mod_view = await alice.ok("GET", f"/messages/{mid}/flags")
    assert mod_view["counts"] == {"spam": 1, "offensive": 0, "mod_attention": 1}

    # Retracting logs the change; the flagger is never named.
    await plain.ok("DELETE", f"/messages/{mid}/flags")
    ev = await gw_trusted.event("message.flagged")
    assert ev["data"]["change"] == "retracted" and ev["data"]["counts"]["spam"] == 0
    assert (await gw_mod.event("message.flagged"))["data"]["net"] == 0
    assert ev["actor"] is None and "user_id" not in ev["data"]

    # A moderator clears the rest (audited); others may not.
    await trusted.error("DELETE", f"/messages/{mid}/flags?all=true", 403, "not_moderator")
    cleared = await alice.ok("DELETE", f"/messages/{mid}/flags?all=true")
    assert cleared["counts"] == {"spam": 0, "offensive": 0, "mod_attention": 0}
    ev = await gw_mod.event("message.flagged")
    assert ev["data"]["change"] == "cleared" and ev["data"]["counts"]["mod_attention"] == 0
    await gw_trusted.no_event()  # no spam/offensive flags were left to clear
    audit = await alice.ok("GET", f"/rooms/{rid}/audit", params={"action": "message.flags."})
    assert audit["entries"][0]["before"] == {"spam": 0, "offensive": 0, "mod_attention": 1}


async def test_flag_refusals(lite: TestServer) -> None:
    alice, bob, trusted, plain, _plain2, newbie, _boss = await _setup(lite)
    room = await alice.room()
    rid = room["id"]
    for api in (bob, plain, newbie):
        await api.ok("POST", f"/rooms/{rid}/join")
    msg = await bob.send(rid, "hello")
    mid = msg["id"]
    path = f"/messages/{mid}/flags"

    await bob.error("PUT", path, 400, "cannot_flag_own_message", json={"kind": "spam"})
    err = await newbie.error("PUT", path, 403, "reputation_too_low", json={"kind": "spam"})
    assert err["details"] == {"required": FLAGGER, "reputation": 1}
    await plain.error("PUT", path, 422, "invalid_flag_kind", json={"kind": "rude"})
    await plain.error("DELETE", path, 404, "flag_not_found")
    await _flag(plain, mid, "offensive")
    err = await plain.error("PUT", path, 409, "already_flagged", json={"kind": "spam"})
    assert err["details"] == {"kind": "offensive"}
    # The room's owner flags whatever their reputation.
    await _flag(alice, mid, "spam")
    await plain.error(
        "PUT", "/messages/999999/flags", 404, "message_not_found", json={"kind": "spam"}
    )
    seen = await alice.ok("GET", path)
    assert seen["counts"] == {"spam": 1, "offensive": 1, "mod_attention": 0}

    # Reputation: staff only, bounded, and a plain user's change is seen by observers.
    await alice.error(
        "PUT", f"/admin/users/{bob.id}/reputation", 403, "not_global_moderator", json={"value": 5}
    )
    boss = await staff(lite)
    await boss.error(
        "PUT", f"/admin/users/{bob.id}/reputation", 422, "invalid_reputation", json={"value": -1}
    )
    await boss.error(
        "PUT", "/admin/users/999999/reputation", 404, "user_not_found", json={"value": 5}
    )
    gw_alice = await Gateway.connect(lite, alice.token)
    user = await _rep(boss, bob, 42)
    assert user["reputation"] == 42
    ev = await gw_alice.event("user.updated")
    assert ev["data"]["changes"] == {"reputation": 42} and ev["data"]["user_id"] == bob.id
    assert (await bob.ok("GET", f"/users/{bob.id}"))["reputation"] == 42
    assert trusted.id  # (trusted's reputation was set by _setup)


async def test_net_threshold_deletes_and_suspends(strict: TestServer) -> None:
    alice, bob, _trusted, plain, plain2, _newbie, boss = await _setup(strict)
    room = await alice.room()
    rid = room["id"]
    for api in (bob, plain, plain2):
        await api.ok("POST", f"/rooms/{rid}/join")
    msg = await bob.send(rid, "spam spam spam")
    mid = msg["id"]
    gw_author = await Gateway.connect(strict, bob.token)
    gw_boss = await Gateway.connect(strict, boss.token)

    await _flag(plain, mid, "spam")
    await _flag(plain2, mid, "offensive")
    deleted = await gw_author.event("message.deleted")
    assert deleted["data"] == {
        "room_id": rid,
        "message_id": mid,
        "actor_id": None,
        "by_moderator": True,
        "reason": "flags",
    }
    suspended = await gw_author.event("user.suspended")
    assert suspended["data"]["user_id"] == bob.id
    assert (await gw_boss.event("user.suspended"))["data"]["user_id"] == bob.id
    got = await alice.ok("GET", f"/messages/{mid}")
    assert got["deleted"] is True
    await bob.error("POST", f"/rooms/{rid}/messages", 403, "suspended", json={"content": "hi"})
    audit = await alice.ok("GET", f"/rooms/{rid}/audit", params={"action": "message.deleted"})
    assert audit["entries"][0]["reason"] == "flags"
    # A tombstone takes no more flags.
    await alice.error(
        "PUT", f"/messages/{mid}/flags", 409, "message_deleted", json={"kind": "spam"}
    )


async def test_long_poll_and_resume_keep_the_audiences(lite: TestServer) -> None:
    alice, bob, trusted, plain, plain2, _newbie, _boss = await _setup(lite)
    room = await alice.room()
    rid = room["id"]
    for api in (bob, trusted, plain, plain2):
        await api.ok("POST", f"/rooms/{rid}/join")
    msg = await bob.send(rid, "flag me")
    gw = await Gateway.connect(lite, trusted.token)
    cursor = gw.ready["cursor"]
    await gw.close()

    await _flag(plain, msg["id"], "offensive")
    await _flag(plain2, msg["id"], "mod_attention")
    report = await _report_message(plain, msg["id"])

    def flagged(api_events: list[dict[str, Any]]) -> list[str | None]:
        return [e["data"]["flag_type"] for e in api_events if e["type"] == "message.flagged"]

    async def feed(api: Api) -> list[dict[str, Any]]:
        page = await api.ok("GET", "/events", params={"cursor": cursor, "limit": 1000})
        events: list[dict[str, Any]] = page["events"]
        return events

    assert flagged(await feed(trusted)) == ["offensive"]
    assert flagged(await feed(alice)) == ["offensive", "mod_attention"]
    assert flagged(await feed(plain)) == []
    reports = [e for e in await feed(bob) if e["type"].startswith("report.")]
    assert reports == []
    mine = [e for e in await feed(plain) if e["type"] == "report.created"]
    assert [e["data"]["report"]["id"] for e in mine] == [report["id"]]

    # Resuming the gateway from the same cursor replays the same selection.
    resumed = await Gateway.connect(lite, trusted.token, cursor)
    first = await resumed.event("message.flagged")
    assert first["data"]["flag_type"] == "offensive"
    done = await resumed.recv()
    assert done["op"] == "resumed" and done["replayed"] == 1


async def _report_message(api: Api, message_id: int) -> dict[str, Any]:
    body = {"target_type": "message", "target_id": message_id, "reason": "spam"}
    report: dict[str, Any] = await api.ok("POST", "/reports", 201, json=body)
    return report

"""Platform suspensions (MD-11, D.14, EVENTS.md #15–16) over a real server: set, extend,
clear and expire (on the injected clock, the ticker run explicitly), each event to the
user and staff only; a suspended user reads but does not write (REST, gateway typing and
commands); bad input with stable codes and nothing written; the audit entries; the SDK."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

import hubbub
from hubbub.server.clock import ManualClock
from hubbub.server.services import suspensions
from hubbub.testing import TestServer
from tests.integration.wire import Api, Gateway, staff


@pytest_asyncio.fixture
async def clocked() -> AsyncIterator[TestServer]:
    async with TestServer(clock=ManualClock()) as srv:
        yield srv


async def _error_frame(gw: Gateway) -> dict[str, Any]:
    while True:  # past the events of the calls before (settings, read marks)
        frame = await gw.recv()
        if frame["op"] == "error":
            return frame


def _path(user: Api) -> str:
    return f"/admin/users/{user.id}/suspension"


async def _audit_actions(staff: Api, user_id: int) -> list[str]:
    """The user's own audit log (GET /admin/users/{id}/audit), oldest first."""
    page = await staff.ok("GET", f"/admin/users/{user_id}/audit")
    return [e["action"] for e in reversed(page["entries"])]


async def test_set_extend_clear_expire_reach_the_user_and_staff_only(
    clocked: TestServer,
) -> None:
    boss, bob, carol = (
        await staff(clocked),
        await Api.register(clocked),
        await Api.register(clocked),
    )
    room = await carol.room()
    await bob.ok("POST", f"/rooms/{room['id']}/join")  # carol observes bob: no copy for her
    gw_boss = await Gateway.connect(clocked, boss.token)
    gw_bob = await Gateway.connect(clocked, bob.token)
    gw_carol = await Gateway.connect(clocked, carol.token)

    done = await boss.ok("PUT", _path(bob), json={"duration_s": 3600, "reason": "spam"})
    assert done["previous_expires_at"] is None and done["reason"] == "spam"
    for gw in (gw_bob, gw_boss):
        data = (await gw.event("user.suspended"))["data"]
        assert data == {
            "user_id": bob.id,
            "suspension_id": done["id"],
            "previous_expires_at": None,
            "expires_at": done["expires_at"],
            "reason": "spam",
        }
    assert (await gw_boss.event("audit.entry.created"))["data"]["entry"]["scope"] == "user"
    me = await bob.ok("GET", "/users/me")
    assert "suspended" in me["flags"]

    # Extend: the same suspension, old and new expiry.
    extended = await boss.ok("PUT", _path(bob), json={"duration_s": 7200})
    assert extended["id"] == done["id"] and extended["previous_expires_at"] == done["expires_at"]
    data = (await gw_bob.event("user.suspended"))["data"]
    assert data["previous_expires_at"] == done["expires_at"]
    assert data["expires_at"] == extended["expires_at"] and data["reason"] == "spam"
    await gw_boss.event("user.suspended")

    # Clear.
    cleared = await boss.ok("DELETE", _path(bob))
    assert cleared["cleared_at"] is not None
    for gw in (gw_bob, gw_boss):
        data = (await gw.event("user.unsuspended"))["data"]
        assert data == {
            "user_id": bob.id,
            "suspension_id": done["id"],
            "previous_expires_at": extended["expires_at"],
            "reason": "lifted",
        }
    assert "suspended" not in (await bob.ok("GET", "/users/me"))["flags"]
    await boss.error("DELETE", _path(bob), 404, "suspension_not_found")

    # Expire: once, on the clock.
    again = await boss.ok("PUT", _path(bob), json={"duration_s": 60})
    await gw_bob.event("user.suspended")
    clocked.clock.advance(59)  # type: ignore[union-attr]
    assert await suspensions.expire_due(clocked.core) == 0
    clocked.clock.advance(2)  # type: ignore[union-attr]
    await suspensions.expire_due(clocked.core)  # the app's ticker may have done it already
    data = (await gw_bob.event("user.unsuspended"))["data"]
    assert (data["suspension_id"], data["reason"]) == (again["id"], "expired")
    assert (await gw_boss.event("user.unsuspended"))["data"]["reason"] == "expired"
    assert await suspensions.expire_due(clocked.core) == 0
    await gw_bob.no_event(0.3)
    await bob.send(room["id"], "free again")
    # Carol, who sees bob everywhere, heard none of it.
    frames = await gw_carol.events_until(lambda f: f["type"] == "message.created")
    assert not any("suspended" in f["type"] for f in frames)
    state = await bob.ok("GET", _path(bob))
    assert state["suspension"] is None and len(state["history"]) == 2
    assert await _audit_actions(boss, bob.id) == [
        "user.suspended",
        "user.suspended",
        "user.unsuspended",
        "user.suspended",
        "user.unsuspended",
    ]


async def test_a_suspended_user_reads_but_does_not_write(lite: TestServer) -> None:
    boss, bob, carol = await staff(lite), await Api.register(lite), await Api.register(lite)
    room = await carol.room()
    rid = room["id"]
    await bob.ok("POST", f"/rooms/{rid}/join")
    message = await carol.send(rid, "hello")
    gw = await Gateway.connect(lite, bob.token)  # connected before: its Ctx is older
    done = await boss.ok("PUT", _path(bob), json={"duration_s": 600})

    # Reads work.
    assert (await bob.ok("GET", f"/rooms/{rid}/messages"))["messages"][0]["id"] == message["id"]
    await bob.ok("GET", f"/rooms/{rid}")
    # Writes are refused with the expiry.
    err = await bob.error("POST", f"/rooms/{rid}/messages", 403, "suspended", json={"content": "x"})
    assert err["details"]["expires_at"] == done["expires_at"]
    await bob.error("PUT", f"/messages/{message['id']}/reactions/👍", 403, "suspended")
    await bob.error("PUT", f"/messages/{message['id']}/star", 403, "suspended")
    await bob.error("POST", "/rooms", 403, "suspended", json={"name": "mine"})
    await bob.error("PATCH", "/users/me", 403, "suspended", json={"about": "x"})
    # The few writes about oneself still work.
    await bob.ok("PATCH", "/users/me/settings", json={"changes": {"theme": "dark"}})
    await bob.ok("POST", f"/rooms/{rid}/ack", json={"message_id": message["id"]})
    # Commands: /help runs, the rest is refused (REST: typed 403).
    await bob.ok("POST", f"/rooms/{rid}/commands", json={"command": "/help"})
    await bob.error("POST", f"/rooms/{rid}/commands", 403, "suspended", json={"command": "/shrug"})
    # Gateway: typing refused with an error frame; a command answers ok: false.
    await gw.send({"op": "typing", "room_id": rid})
    assert (await _error_frame(gw))["code"] == "suspended"
    await gw.send({"op": "command", "room_id": rid, "command": "/me waves", "id": 1})
    answer = (await gw.event("command.completed"))["data"]
    assert (answer["ok"], answer["error"]["code"], answer["op"]) == (False, "suspended", "me")
    assert answer["error"]["details"]["expires_at"] == done["expires_at"]
    assert (await bob.ok("GET", f"/rooms/{rid}/messages"))["messages"][-1]["id"] == message["id"]
    # Cleared: writes work again at once (the cached token was dropped).
    await boss.ok("DELETE", _path(bob))
    await bob.send(rid, "back")
    await gw.events_until(lambda f: f["type"] == "message.created")  # past user.unsuspended
    await gw.send({"op": "typing", "room_id": rid})
    await gw.no_event(0.3)  # no error frame: typing works again (others see it)


async def test_bad_input_and_rights(server: TestServer) -> None:
    boss, other_staff = await staff(server), await staff(server)
    bob, carol = await Api.register(server), await Api.register(server)
    await carol.error("PUT", _path(bob), 403, "not_staff", json={"duration_s": 60})
    await carol.error("DELETE", _path(bob), 403, "not_staff")
    await carol.error("GET", _path(bob), 403, "not_staff")
    await boss.error("PUT", _path(boss), 409, "cannot_suspend_self", json={"duration_s": 60})
    await boss.error(
        "PUT", _path(other_staff), 403, "cannot_suspend_staff", json={"duration_s": 60}
    )
    await boss.error(
        "PUT", "/admin/users/999999/suspension", 404, "user_not_found", json={"duration_s": 60}
    )
    await boss.error("PUT", _path(bob), 422, "invalid_suspension_expiry", json={})
    await boss.error(
        "PUT",
        _path(bob),
        422,
        "invalid_suspension_expiry",
        json={"duration_s": 60, "expires_at": "2030-01-01T00:00:00Z"},
    )
    await boss.error("PUT", _path(bob), 422, "invalid_duration", json={"duration_s": 0})
    await boss.error(
        "PUT", _path(bob), 422, "expiry_in_past", json={"expires_at": "2001-01-01T00:00:00Z"}
    )
    await boss.error("PUT", _path(bob), 422, "invalid_expires_at", json={"expires_at": "soon"})
    await boss.error(
        "PUT", _path(bob), 422, "reason_too_long", json={"duration_s": 60, "reason": "x" * 600}
    )
    # Nothing was written.
    assert (await boss.ok("GET", _path(bob))) == {"suspension": None, "history": []}
    assert await _audit_actions(boss, bob.id) == []
    # An absolute expiry works too.
    done = await boss.ok("PUT", _path(bob), json={"expires_at": "2030-01-01T00:00:00Z"})
    assert done["expires_at"] == "2030-01-01T00:00:00.000Z"


async def test_sdk_suspend_and_events(lite: TestServer) -> None:
    boss = await staff(lite)
    bob_auth = await lite.register("bob_susp")
    async with (
        hubbub.Client(lite.url, token=boss.token) as admin,
        hubbub.Client(lite.url, token=bob_auth["token"]) as bob,
    ):
        target = await admin.fetch_user(int(bob_auth["user"]["id"]))
        waiting = bob.wait_for(hubbub.UserSuspended, timeout=10)
        suspension = await target.suspend(duration_s=120, reason="cool off")
        assert isinstance(suspension, hubbub.Suspension)
        event = await waiting
        assert isinstance(event, hubbub.SuspensionEvent)
        assert (event.user_id, event.suspension_id) == (target.id, suspension.id)
        assert event.expires_at == suspension.expires_at and event.reason == "cool off"
        room = await admin.create_room("readers")
        bob_room = await bob.fetch_room(room.id)
        with pytest.raises(hubbub.Forbidden) as refused:
            await bob_room.send("hi")
        assert refused.value.code == "suspended" and refused.value.details["expires_at"]
        waiting_un = bob.wait_for(hubbub.UserUnsuspended, timeout=10)
        await target.unsuspend()
        gone = await waiting_un
        assert gone.reason == "lifted" and gone.previous_expires_at == suspension.expires_at
        state = await admin.http.suspension(target.id)
        assert state.suspension is None and [s.id for s in state.history] == [suspension.id]


async def test_only_staff_read_a_users_audit_log(lite: TestServer) -> None:
    boss, bob = await staff(lite), await Api.register(lite)
    await boss.ok("PUT", _path(bob), json={"duration_s": 60, "reason": "spam"})
    await bob.error("GET", f"/admin/users/{bob.id}/audit", 403, "not_staff")
    (entry,) = (await boss.ok("GET", f"/admin/users/{bob.id}/audit"))["entries"]
    assert entry["action"] == "user.suspended" and entry["reason"] == "spam"

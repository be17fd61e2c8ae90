"""The per-user settings document (ST-01, D.21, D.44): partial updates with per-key
timestamps, clearing, limits checked before any write, `user.settings.updated` to the
user's sessions only, and the `muted_users` key silencing mentions and replies."""

from __future__ import annotations

from hubbub.server.clock import ManualClock, iso_ms
from hubbub.testing import TestServer
from tests.conftest import database_for
from tests.integration.wire import Api, Gateway


async def test_partial_updates_clears_and_timestamps(backend: str) -> None:
    clock = ManualClock()
    async with TestServer(clock=clock, database=await database_for(backend)) as server:
        alice, bob = await Api.register(server), await Api.register(server)
        assert await alice.ok("GET", "/users/me/settings") == {"settings": {}}
        other_session = await Gateway.connect(server, alice.token)
        bob_gw = await Gateway.connect(server, bob.token)

        t1 = iso_ms(clock.now_ms())
        patch = {"theme": "dark", "ui.sidebar": {"width": 240, "pinned": [1, 2]}}
        changed = await alice.ok("PATCH", "/users/me/settings", json=patch)
        assert changed == {"changes": patch, "cleared": [], "updated_at": t1}
        event = await other_session.event("user.settings.updated")
        assert event["data"] == changed and event["seq"] is not None
        await bob_gw.no_event(0.2)

        clock.advance(60)
        t2 = iso_ms(clock.now_ms())
        changed = await alice.ok(
            "PATCH", "/users/me/settings", json={"theme": None, "lang": "fr", "gone": None}
        )
        assert changed == {"changes": {"lang": "fr"}, "cleared": ["theme"], "updated_at": t2}
        assert (await other_session.event("user.settings.updated"))["data"] == changed
        assert await alice.ok("GET", "/users/me/settings") == {
            "settings": {
                "lang": {"value": "fr", "updated_at": t2},
                "ui.sidebar": {"value": patch["ui.sidebar"], "updated_at": t1},
            }
        }
        only = await alice.ok("GET", "/users/me/settings", params={"keys": "lang,nope"})
        assert only == {"settings": {"lang": {"value": "fr", "updated_at": t2}}}
        assert await bob.ok("GET", "/users/me/settings") == {"settings": {}}

        # Clearing what is not there changes nothing and logs nothing.
        nothing = await alice.ok("PATCH", "/users/me/settings", json={"gone": None})
        assert nothing["changes"] == {} and nothing["cleared"] == []
        await other_session.no_event(0.2)
        # Long-poll and resume carry it to the user only.
        page = await bob.ok("GET", "/events", params={"cursor": "0", "limit": 1000})
        assert not [e for e in page["events"] if e["type"] == "user.settings.updated"]
        page = await alice.ok("GET", "/events", params={"cursor": "0", "limit": 1000})
        kinds = [e["type"] for e in page["events"] if e["type"] == "user.settings.updated"]
        assert kinds == ["user.settings.updated"] * 2


async def test_bad_input_writes_nothing() -> None:
    async with TestServer(max_setting_bytes=1024) as server:
        alice = await Api.register(server)
        await alice.ok("PATCH", "/users/me/settings", json={"keep": 1})
        before = await alice.ok("GET", "/users/me/settings")
        cases = [
            ({"ok": 1, "Bad": 2}, 422, "invalid_setting_key"),
            ({"ok": 1, "sp ace": 2}, 422, "invalid_setting_key"),
            ({"ok": 1, "x" * 65: 2}, 422, "invalid_setting_key"),
            ({"ok": 1, "big": "x" * 1100}, 413, "setting_too_large"),
            ({"keep": None, "muted_users": "bob"}, 422, "invalid_muted_users"),
            ({"muted_users": [1, 1]}, 422, "invalid_muted_users"),
            ({"muted_users": [True]}, 422, "invalid_muted_users"),
            ({"muted_users": [999999]}, 422, "invalid_muted_users"),
        ]
        for patch, status, code in cases:
            await alice.error("PATCH", "/users/me/settings", status, code, json=patch)
        await alice.error("PATCH", "/users/me/settings", 422, "validation_failed", json=[1])
        await alice.error(
            "GET", "/users/me/settings", 422, "invalid_setting_key", params={"keys": "A"}
        )
        many = {f"k{i}": i for i in range(200)}
        await alice.error("PATCH", "/users/me/settings", 422, "too_many_settings", json=many)
        assert await alice.ok("GET", "/users/me/settings") == before
        del many["k0"]  # 199 new keys + `keep` = 200: allowed
        await alice.ok("PATCH", "/users/me/settings", json=many)
        # Exactly the limit encoded (a JSON string of 1022 characters plus its quotes).
        await alice.ok("PATCH", "/users/me/settings", json={"k1": "x" * 1022})

        bot = await alice.ok("POST", "/bots", 201, json={"username": "settingsbot"})
        bot_api = Api(server.url, bot["token"], bot["user"])
        await bot_api.error("GET", "/users/me/settings", 403, "bot_no_settings")
        await bot_api.error("PATCH", "/users/me/settings", 403, "bot_no_settings", json={"a": 1})


async def test_muted_users_get_no_mention_or_reply_notifications() -> None:
    async with TestServer() as server:
        alice, bob, carol = [await Api.register(server) for _ in range(3)]
        room = await alice.room()
        for api in (bob, carol):
            await api.ok("POST", f"/rooms/{room['id']}/join")
        mine = await alice.send(room["id"], "hello all")
        await alice.ok("PATCH", "/users/me/settings", json={"muted_users": [bob.id]})
        await bob.send(room["id"], f"@{alice.user['handle']} look")
        await bob.send(room["id"], "a reply", reply_to=mine["id"])
        await carol.send(room["id"], f"@{alice.user['handle']} from carol")
        inbox = await alice.ok("GET", "/notifications")
        assert [n["actor"]["id"] for n in inbox["notifications"]] == [carol.id]
        # The messages themselves still arrive (D.69: the SDK hides them).
        page = await alice.ok("GET", f"/rooms/{room['id']}/messages")
        assert len(page["messages"]) == 4
        await alice.ok("PATCH", "/users/me/settings", json={"muted_users": None})
        await bob.send(room["id"], f"@{alice.user['handle']} again")
        inbox = await alice.ok("GET", "/notifications")
        assert [n["actor"]["id"] for n in inbox["notifications"]] == [bob.id, carol.id]

"""The SDK's presence and settings surface against a real server (SQLite): typed events,
the cache (presences, the settings document with before/after, D.49), typed errors."""

from __future__ import annotations

import pytest

import hubbub
from hubbub.testing import TestServer
from tests.integration.wire import Api


async def test_presence_and_settings_through_the_sdk() -> None:
    async with TestServer() as server:
        alice_api, bob_api = await Api.register(server), await Api.register(server)
        room = await alice_api.room()
        await bob_api.ok("POST", f"/rooms/{room['id']}/join")
        alice = hubbub.Client(server.url, token=alice_api.token)
        bob = hubbub.Client(server.url, token=bob_api.token)
        bob_phone = hubbub.Client(server.url, token=bob_api.token)
        async with alice:
            arrived = alice.wait_for(
                hubbub.PresenceUpdated, check=lambda e: e.user_id == bob_api.id, timeout=10
            )
            await bob_phone.start()
            online = await arrived
            await bob.start()  # a second device: no transition
            assert online.status == "online" and online.before is None
            bob_user = await alice.fetch_user(bob_api.id)
            assert bob_user.presence == "online"

            busy = alice.wait_for(hubbub.PresenceUpdated, timeout=10)
            own = bob_phone.wait_for(hubbub.PresenceUpdated, check=lambda e: e.own, timeout=10)
            mine = await bob.set_presence("busy")
            assert mine.status == "busy" and mine.chosen == "busy"
            event = await busy
            assert (event.status, event.before) == ("busy", "online")
            assert (await own).status == "busy"
            assert (await bob_user.fetch_presence()).status == "busy"
            found = await alice.fetch_presence([bob_api.id, alice_api.id])
            assert set(found) == {bob_api.id, alice_api.id}

            here = await alice.room_presence(room["id"])
            assert sorted(u.id for u in here.current_users) == sorted([alice_api.id, bob_api.id])
            assert await bob.mute_room(room["id"]) is True
            here = await alice.room_presence(room["id"])
            assert bob_api.id not in [u.id for u in here.pingable_users]

            with pytest.raises(hubbub.BadRequest) as bad:
                await bob.set_presence("away")
            assert bad.value.code == "invalid_presence_status"

            # Settings: the phone holds the document, so its event has before/after.
            assert await bob_phone.settings() == {}
            synced = bob_phone.wait_for(hubbub.UserSettingsUpdated, timeout=10)
            change = await bob.update_settings(theme="dark", **{"ui.density": 2})
            assert change.changes == {"theme": "dark", "ui.density": 2}
            event = await synced
            assert event.before == {} and event.after == {"theme": "dark", "ui.density": 2}
            assert bob_phone.cache.settings == {"theme": "dark", "ui.density": 2}
            synced = bob_phone.wait_for(hubbub.UserSettingsUpdated, timeout=10)
            cleared = await bob.clear_settings(["theme"])
            assert cleared.cleared == ["theme"]
            event = await synced
            assert event.after == {"ui.density": 2} and event.before is not None
            assert await bob.settings() == {"ui.density": 2}
            with pytest.raises(hubbub.PayloadTooLarge) as too_big:
                await bob.update_settings({"big": "x" * (70 * 1024)})
            assert too_big.value.code == "setting_too_large"

            gone = alice.wait_for(hubbub.PresenceUpdated, timeout=10)
            await bob.set_presence("invisible")
            assert (await gone).status == "offline"
            await bob.close()
            await bob_phone.close()

"""The SDK's sessions and anonymous surface against a real server (SQLite only: the SQL is
covered by test_sessions.py / test_anonymous.py on both backends)."""

from __future__ import annotations

import pytest

import hubbub
from hubbub.testing import TestServer
from tests.integration.wire import Api, private_room

PASSWORD = "correct horse battery"


async def test_sessions_list_rename_and_revoke_others() -> None:
    async with TestServer() as server:
        alice = await Api.register(server)
        handle = alice.user["handle"]
        main = await hubbub.Client.login(server.url, handle, PASSWORD)
        async with main:
            created = main.wait_for(hubbub.SessionCreated, timeout=10)
            phone = hubbub.Client(server.url)
            result = await phone.http.login(handle, PASSWORD, session_name="Pixel", client="app")
            phone.http.token = result.token
            await phone.start()
            assert (await created).session.name == "Pixel"

            listed = await main.http.sessions()
            assert [s.current for s in listed] == [False, True, False]
            assert isinstance(listed[0], hubbub.Session) and listed[0].ip == "127.0.0.1"
            pixel = listed[-1]
            assert (pixel.name, pixel.client) == ("Pixel", "app")

            updated = main.wait_for(hubbub.SessionUpdated, timeout=10)
            renamed = await main.http.rename_session(pixel.id, "Old Pixel")
            assert renamed.name == "Old Pixel" == (await updated).session.name
            with pytest.raises(hubbub.NotFound) as missing:
                await main.http.revoke_session(999_999_999)
            assert missing.value.code == "session_not_found"

            logged_out = phone.wait_for(hubbub.SessionLoggedOut, timeout=10)
            gone = phone.wait_for(
                hubbub.Disconnected, check=lambda e: not e.will_reconnect, timeout=10
            )
            all_but = main.wait_for(hubbub.SessionDeletedAll, timeout=10)
            assert await main.http.revoke_other_sessions() == 2
            event = await logged_out
            assert (event.session_id, event.reason) == (pixel.id, "revoked")
            assert (await gone).code == 4001  # and no reconnect
            with pytest.raises(hubbub.Unauthorized):
                await phone.wait_closed()
            await phone.close()
            assert (await all_but).exclude_session_id == listed[1].id
            assert [s.id for s in await main.http.sessions()] == [listed[1].id]


async def test_anonymous_client_reads_public_rooms_and_cannot_write() -> None:
    async with TestServer() as server:
        alice = await Api.register(server)
        public = await alice.room()
        private = await private_room(server, alice)
        await alice.send(public["id"], "earlier")
        anon = hubbub.Client(server.url)
        seen: list[int] = []

        @anon.on(hubbub.MessageCreated)
        async def record(event: hubbub.MessageCreated) -> None:
            seen.append(event.room_id)

        async with anon:
            assert anon.user is None
            assert [r.id for r in anon.rooms] == [public["id"]]
            page = await anon.http.list_messages(public["id"])
            assert [m.content for m in page.messages] == ["earlier"]
            created = anon.wait_for(hubbub.MessageCreated, timeout=10)
            await alice.send(private["id"], "hidden")
            await alice.send(public["id"], "live")
            assert (await created).message.content == "live"
            assert seen == [public["id"]]  # the private message, sent first, never came
            with pytest.raises(hubbub.Unauthorized) as refused:
                await anon.http.create_message(public["id"], "anonymous graffiti")
            assert refused.value.code == "token_missing"
            with pytest.raises(hubbub.Unauthorized):
                await anon.http.list_messages(private["id"])

"""The content area through the SDK (typed events, object methods) and the CLI's
`--can-import`, over a real server."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

import hubbub
from hubbub.testing import TestServer
from tests.integration.test_cli import hubbub as run_cli
from tests.integration.wire import name


async def test_sdk_types_quotes_revisions_and_notifications(server: TestServer) -> None:
    alice_auth = await server.register(name("alice"))
    bob_auth = await server.register(name("bob"))
    async with (
        hubbub.Client(server.url, token=alice_auth["token"]) as alice,
        hubbub.Client(server.url, token=bob_auth["token"]) as bob,
    ):
        room = await alice.create_room(name("room"))
        await (await bob.fetch_room(room.id)).join()
        bob_room = await bob.fetch_room(room.id)
        assert room.allow_actions is True and room.edit_window_s == 0

        hello = await bob_room.send("hello")
        mentioned = bob.wait_for(hubbub.NotificationCreated, timeout=10)
        quoted = await room.send(
            f"@{bob_auth['user']['handle']} well said",
            quote_of=hello,
            custom_field1="f1",
            custom_tags=["t1"],
        )
        assert quoted.type == "quote" and quoted.quote_of is not None
        assert (quoted.quote_of.id, quoted.quote_of.custom_tags) == (hello.id, ["t1"])
        assert quoted.mentions == [bob_auth["user"]["id"]]
        assert quoted.parent_id == hello.id and not quoted.show_parent
        event = await mentioned
        assert event.kind == "reply" and event.notification.message_id == quoted.id

        goal = await room.send(type="custom", custom_type="goal", custom_payload={"score": 1})
        assert (goal.type, goal.custom_type, goal.custom_payload) == (
            "custom",
            "goal",
            {"score": 1},
        )
        action = await room.send("/me cheers")
        assert (action.type, action.content) == ("action", "cheers")
        with pytest.raises(hubbub.PayloadTooLarge) as too_big:
            await room.send("x", custom_payload={"x": "y" * 20_000})
        assert too_big.value.code == "custom_payload_too_large"
        with pytest.raises(hubbub.Forbidden) as not_mod:
            await bob_room.send(
                "buy", ad={"img": "https://a.example/i", "link": "https://a.example"}
            )
        assert not_mod.value.code == "not_moderator"
        with pytest.raises(hubbub.Forbidden) as no_import:
            await room.send("old", created_at=datetime(2020, 1, 1, tzinfo=UTC))
        assert no_import.value.code == "import_permission_required"

        edited = await quoted.edit("well said indeed")
        assert edited is quoted and quoted.edit_count == 1 and not quoted.edited_by_moderator
        versions = await quoted.revisions()
        assert [v.content for v in versions][-1] == "well said indeed"
        assert [v.current for v in versions] == [False, True]
        with pytest.raises(hubbub.Forbidden):
            await (await bob.fetch_message(quoted.id)).revisions()

        inbox = await bob.notifications()
        assert len(inbox) == 1 and inbox.unread_count == 1 and not inbox.has_more
        note = inbox[0]
        assert (note.kind, note.message_id, note.room_name) == ("reply", quoted.id, room.name)
        assert note.actor is not None and note.actor.id == alice_auth["user"]["id"]
        read = bob.wait_for(hubbub.NotificationRead, timeout=10)
        assert (await note.mark_read()).read is True
        assert (await read).covers(note.id)
        assert (await bob.notifications(unread=True)).unread_count == 0
        assert await bob.mark_all_notifications_read() == 0

        updated = await room.edit(allow_actions=False, edit_window_s=30)
        assert (updated.allow_actions, updated.edit_window_s) == (False, 30)
        with pytest.raises(hubbub.Forbidden) as off:
            await room.send("/me waves")
        assert off.value.code == "actions_disabled"
        await asyncio.sleep(0)


@pytest.mark.slow
async def test_cli_create_bot_can_import(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'import.db'}"
    plain = await run_cli("admin", "create-bot", name("plainbot"), "--database", db)
    importer = await run_cli(
        "admin", "create-bot", name("importbot"), "--can-import", "--database", db
    )
    assert plain.code == 0 and importer.code == 0, (plain, importer)
    async with TestServer(database=db) as server:
        owner = await server.register(name("owner"))
        async with hubbub.Client(server.url, token=owner["token"]) as client:
            room = await client.create_room(name("imports"))
        for result, allowed in ((plain, False), (importer, True)):
            async with hubbub.Client(server.url, token=result.out.strip()) as bot:
                bot_room = await bot.fetch_room(room.id)
                await bot_room.join()
                when = datetime(2021, 3, 4, 5, 6, 7, tzinfo=UTC)
                if allowed:
                    sent = await bot_room.send("from the archive", created_at=when)
                    assert sent.created_at == when
                    assert sent.data.ts > int(when.timestamp() * 1000)
                else:
                    with pytest.raises(hubbub.Forbidden) as denied:
                        await bot_room.send("from the archive", created_at=when)
                    assert denied.value.code == "import_permission_required"

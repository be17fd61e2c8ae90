"""Chat commands (MS-17) over a real server, on SQLite and PostgreSQL: REST
`POST /rooms/{id}/commands`, the gateway's `command` op answered to the issuing connection
alone, each command's effect and its ordinary events, refusals as typed 4xx with nothing
written, the send path's `use_command` refusal and `//` escape, and the SDK."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

import hubbub
from hubbub.protocol.events import parse_event
from hubbub.testing import TestServer
from tests.conftest import database_for
from tests.integration.wire import Api, Gateway, private_room

SHRUG_TEXT = "¯\\_(ツ)_/¯"


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


async def _cmd(api: Api, rid: int, command: str, **kw: Any) -> dict[str, Any]:
    done: dict[str, Any] = await api.ok(
        "POST", f"/rooms/{rid}/commands", json={"command": command, **kw}
    )
    assert done["kind"] == "command_result" and done["ok"] is True, done
    assert isinstance(done["message"], str) and done["message"]
    return done


async def _refused(api: Api, rid: int, command: str, status: int, code: str) -> Any:
    return await api.error(
        "POST", f"/rooms/{rid}/commands", status, code, json={"command": command}
    )


async def _history(api: Api, rid: int) -> list[dict[str, Any]]:
    return list((await api.ok("GET", f"/rooms/{rid}/messages"))["messages"])


async def _head(api: Api) -> str:
    return str((await api.ok("GET", "/events"))["cursor"])


async def _polled(api: Api, cursor: str) -> list[dict[str, Any]]:
    page = await api.ok("GET", "/events", params={"cursor": cursor, "wait": 0})
    return list(page["events"])


# The moderator commands of D.78 (services.commands_mod), in /help's order.
MODERATOR_COMMANDS = ["ban", "kick", "unban", "delete", "open", "close", "timeout"]


def _names(done: dict[str, Any]) -> list[str]:
    return [c["name"] for c in done["result"]["commands"]]


async def test_help_lists_only_what_the_caller_may_run(srv: TestServer) -> None:
    owner, mod, member, outsider = [await Api.register(srv) for _ in range(4)]
    rid = await _room_with(owner, mod, member)
    await owner.ok("PATCH", f"/rooms/{rid}/members/{mod.id}", json={"role": "moderator"})

    done = await _cmd(owner, rid, "/help")
    assert done["op"] == "help"
    assert _names(done) == ["help", "me", "shrug", "topic", "purge", *MODERATOR_COMMANDS]
    purge = done["result"]["commands"][4]
    assert purge["usage"] == "/purge @handle" and purge["summary"]
    assert "/purge @handle" in done["message"]
    # /topic goes through rooms.update, which only the owner may call.
    assert _names(await _cmd(mod, rid, "/HELP")) == [
        "help",
        "me",
        "shrug",
        "purge",
        *MODERATOR_COMMANDS,
    ]
    assert _names(await _cmd(member, rid, "  /help  ")) == ["help", "me", "shrug"]
    assert _names(await _cmd(outsider, rid, "/help")) == ["help"]  # a public room's visitor
    await owner.ok("PATCH", f"/rooms/{rid}", json={"allow_actions": False})
    assert _names(await _cmd(member, rid, "/help")) == ["help", "shrug"]

    err = await _refused(member, rid, "/frobnicate now", 422, "unknown_command")
    assert err["details"] == {"command": "frobnicate", "available": ["help", "shrug"]}
    assert "/shrug" in err["message"]
    await _refused(member, rid, "help", 422, "invalid_command")
    await _refused(member, rid, "//help", 422, "invalid_command")
    err = await _refused(member, rid, "/help me", 422, "invalid_command_arguments")
    assert err["details"] == {"command": "help", "usage": "/help"}
    private = int((await private_room(srv, owner))["id"])
    await _refused(outsider, private, "/help", 404, "room_not_found")
    await _refused(outsider, private, "/nope", 404, "room_not_found")


async def test_me_and_shrug_post_messages_with_their_events(srv: TestServer) -> None:
    alice, bob, outsider = [await Api.register(srv) for _ in range(3)]
    rid = await _room_with(alice, bob)
    gw = await Gateway.connect(srv, bob.token)
    cursor = await _head(bob)

    done = await _cmd(alice, rid, "/me waves *hello*", nonce="me-1")
    action = done["result"]["action"]
    assert done["op"] == "me"
    assert (action["type"], action["content"]) == ("action", "waves *hello*")
    ev = await gw.event("message.created")
    assert ev["data"]["message"]["id"] == action["id"]
    assert ev["data"]["message"]["type"] == "action"
    again = await _cmd(alice, rid, "/me waves *hello*", nonce="me-1")  # a retry posts once
    assert again["result"]["action"]["id"] == action["id"]

    shrug = (await _cmd(alice, rid, "/shrug no idea"))["result"]["speech"]
    assert shrug["type"] == "speech" and shrug["content_text"] == f"no idea {SHRUG_TEXT}"
    assert (await gw.event("message.created"))["data"]["message"]["id"] == shrug["id"]
    bare = (await _cmd(alice, rid, "/shrug"))["result"]["speech"]
    assert bare["content_text"] == SHRUG_TEXT
    # Text that looks like a command is posted as text, never run.
    sneaky = (await _cmd(alice, rid, "/shrug /purge @x"))["result"]["speech"]
    assert sneaky["content_text"] == f"/purge @x {SHRUG_TEXT}"
    await gw.event("message.created")
    await gw.event("message.created")
    polled = [e for e in await _polled(bob, cursor) if e["type"] == "message.created"]
    assert [e["data"]["message"]["id"] for e in polled] == [
        action["id"],
        shrug["id"],
        bare["id"],
        sneaky["id"],
    ]
    assert not any(e["type"] == "command.completed" for e in await _polled(alice, cursor))

    count = len(await _history(alice, rid))
    await _refused(alice, rid, "/me", 422, "invalid_command_arguments")
    await _refused(outsider, rid, "/shrug", 403, "not_a_member")
    await alice.ok("PATCH", f"/rooms/{rid}", json={"allow_actions": False})
    await _refused(alice, rid, "/me waves", 403, "actions_disabled")
    assert len(await _history(alice, rid)) == count  # nothing half-written


async def test_topic_goes_through_the_room_rules(srv: TestServer) -> None:
    owner, mod, member = [await Api.register(srv) for _ in range(3)]
    rid = await _room_with(owner, mod, member)
    await owner.ok("PATCH", f"/rooms/{rid}/members/{mod.id}", json={"role": "moderator"})
    gw = await Gateway.connect(srv, member.token)

    done = await _cmd(owner, rid, "/topic  Friday: release day ")
    assert done["op"] == "topic" and done["result"]["room"]["topic"] == "Friday: release day"
    ev = await gw.event("room.updated")
    assert ev["data"]["changes"] == {"topic": "Friday: release day"}
    assert (await member.ok("GET", f"/rooms/{rid}"))["topic"] == "Friday: release day"

    await _refused(mod, rid, "/topic mine now", 403, "not_room_owner")
    await _refused(member, rid, "/topic mine now", 403, "not_room_owner")
    await _refused(owner, rid, "/topic", 422, "invalid_command_arguments")
    await _refused(owner, rid, "/topic " + "x" * 501, 422, "topic_too_long")
    assert (await member.ok("GET", f"/rooms/{rid}"))["topic"] == "Friday: release day"
    await gw.no_event()


async def test_purge_by_handle_for_moderators(srv: TestServer) -> None:
    owner, mod, bob, carol = [await Api.register(srv) for _ in range(4)]
    rid = await _room_with(owner, mod, bob, carol)
    await owner.ok("PATCH", f"/rooms/{rid}/members/{mod.id}", json={"role": "moderator"})
    bobs = [(await bob.send(rid, f"b{i}"))["id"] for i in range(3)]
    kept = (await carol.send(rid, "carol stays"))["id"]
    gw = await Gateway.connect(srv, carol.token)
    handle = bob.user["handle"]

    # Rights before the handle: a member learns nothing about which handles exist.
    await _refused(carol, rid, f"/purge @{handle}", 403, "not_moderator")
    await _refused(carol, rid, "/purge @nobody_here", 403, "not_moderator")
    err = await _refused(mod, rid, "/purge @nobody_here", 404, "user_not_found")
    assert err["details"] == {"handle": "nobody_here"}
    for bad in ("/purge", f"/purge @{handle} @{handle}", "/purge @!bad!"):
        err = await _refused(mod, rid, bad, 422, "invalid_command_arguments")
        assert err["details"]["usage"] == "/purge @handle"
    assert not any(m["deleted"] for m in await _history(owner, rid))  # nothing written

    done = await _cmd(mod, rid, f"/purge @{handle.upper()}")
    assert done["op"] == "purge"
    assert done["result"]["deleted_count"] == 3 and done["result"]["user"]["id"] == bob.id
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
    again = await _cmd(owner, rid, f"/purge {handle}")  # the @ is optional
    assert again["result"]["deleted_count"] == 0
    await gw.no_event()


async def test_the_send_path_refuses_commands_and_unescapes_double_slash(
    srv: TestServer,
) -> None:
    alice, bob = await Api.register(srv), await Api.register(srv)
    rid = await _room_with(alice, bob)
    path = f"/rooms/{rid}/messages"
    commands = (("/purge @bob", "purge"), ("/HELP", "help"), ("/topic x", "topic"))
    for text, name in (*commands, ("/ban bob", "ban"), ("/close", "close")):
        err = await alice.error("POST", path, 422, "use_command", json={"content": text})
        assert err["details"] == {"command": name}
    assert await _history(alice, rid) == []  # nothing posted

    literal = await alice.send(rid, "//purge @bob")
    assert (literal["type"], literal["content"]) == ("speech", "/purge @bob")
    assert (await alice.send(rid, "//me too"))["content"] == "/me too"
    action = await alice.send(rid, "/me still works")
    assert (action["type"], action["content"]) == ("action", "still works")
    # Not commands here: posted as they are.
    assert (await alice.send(rid, "/helpme please"))["content"] == "/helpme please"
    assert (await alice.send(rid, "/banish bob"))["content"] == "/banish bob"


async def test_gateway_command_answers_only_the_issuing_connection(srv: TestServer) -> None:
    alice, bob = await Api.register(srv), await Api.register(srv)
    rid = await _room_with(alice, bob)
    cursor = await _head(alice)
    issuer = await Gateway.connect(srv, alice.token)
    same_user = await Gateway.connect(srv, alice.token)
    other = await Gateway.connect(srv, bob.token)

    await issuer.send({"op": "command", "room_id": rid, "command": "/help", "id": "c-1"})
    frame = await issuer.event("command.completed")
    assert frame["seq"] is None and frame["room_id"] == rid
    assert frame["actor"]["id"] == alice.id
    data = frame["data"]
    assert (data["room_id"], data["op"], data["ok"], data["id"]) == (rid, "help", True, "c-1")
    assert [c["name"] for c in data["result"]["commands"]][:3] == ["help", "me", "shrug"]
    event = parse_event(frame)
    assert isinstance(event, hubbub.CommandCompleted)
    assert (event.op, event.id, event.room_id, event.ephemeral) == ("help", "c-1", rid, True)
    assert event.command_result.result == data["result"]

    # A command with effects: everyone gets its message, only the issuer the answer.
    await issuer.send({"op": "command", "room_id": rid, "command": "/me waves", "id": 7})
    created = await issuer.event("message.created")
    done = await issuer.event("command.completed")
    assert done["data"]["id"] == 7
    assert done["data"]["result"]["action"]["id"] == created["data"]["message"]["id"]
    assert (await same_user.event("message.created"))["seq"] == created["seq"]
    assert (await other.event("message.created"))["seq"] == created["seq"]
    await same_user.no_event()
    await other.no_event()

    # Refusals answer `command.completed {ok: false, error}`; the connection stays open.
    await issuer.send({"op": "command", "room_id": rid, "command": "/nope", "id": "c-3"})
    refused = (await issuer.event("command.completed"))["data"]
    assert (refused["op"], refused["ok"], refused["id"]) == ("nope", False, "c-3")
    assert (refused["error"]["code"], refused["error"]["status"]) == ("unknown_command", 422)
    owned = ["help", "me", "shrug", "topic", "purge", *MODERATOR_COMMANDS]
    assert refused["error"]["details"]["available"] == owned
    # A frame that is no command at all is still an error frame.
    await issuer.send({"op": "command", "room_id": "x", "command": "/help"})
    err = await issuer.recv()
    assert (err["op"], err["code"], err["id"]) == ("error", "invalid_room_id", None)
    await issuer.send({"op": "command", "room_id": rid, "command": "/purge @nobody_here"})
    missing = await issuer.event("command.completed")
    assert missing["data"]["error"]["code"] == "user_not_found"
    event = parse_event(missing)
    assert isinstance(event, hubbub.CommandCompleted) and event.ok is False
    with pytest.raises(hubbub.NotFound):
        event.raise_for_error()
    await issuer.send({"op": "ping"})
    assert (await issuer.recv())["op"] == "pong"
    await same_user.no_event()

    polled = await _polled(alice, cursor)
    assert not any(e["type"] == "command.completed" for e in polled)


async def test_sdk_room_command(srv: TestServer) -> None:
    alice_auth = await srv.register("alice_cmd")
    bob_auth = await srv.register("bob_cmd")
    async with (
        hubbub.Client(srv.url, token=alice_auth["token"]) as alice,
        hubbub.Client(srv.url, token=bob_auth["token"]) as bob,
    ):
        room = await alice.create_room("commands")
        bob_room = await bob.fetch_room(room.id)
        await bob_room.join()
        await bob_room.send("one")
        await bob_room.send("two")

        helped = await room.command("/help")
        assert isinstance(helped, hubbub.CommandResult)
        assert (helped.op, helped.ok) == ("help", True)
        assert "/purge @handle" in helped.message

        topic = await room.command("/topic new topic")
        assert topic.result["room"]["topic"] == "new topic" and room.topic == "new topic"

        acted = await room.command("/me cheers")
        action = await alice.fetch_message(acted.result["action"]["id"])
        assert action.type == "action"

        purged = await room.command("/purge @Bob_Cmd")
        assert purged.result["deleted_count"] == 2 and "2 messages" in purged.message

        with pytest.raises(hubbub.ValidationError) as unknown:
            await bob_room.command("/frobnicate @alice_cmd")
        assert unknown.value.code == "unknown_command"
        assert unknown.value.details["available"] == ["help", "me", "shrug"]
        with pytest.raises(hubbub.Forbidden) as no_rights:
            await bob_room.command("/ban @alice_cmd")
        assert no_rights.value.code == "missing_permission"
        with pytest.raises(hubbub.Forbidden) as refused:
            await bob_room.command("/purge @alice_cmd")
        assert refused.value.code == "not_moderator"
        with pytest.raises(hubbub.ValidationError) as use_command:
            await bob_room.send("/purge @alice_cmd")
        assert use_command.value.code == "use_command"

"""`python -m hubbub.repl` as a user runs it: a subprocess logged in from the environment
against a real server, statements (with top-level `await`) fed on stdin; missing
variables and refused logins exit with status 2 and say why."""

from __future__ import annotations

import asyncio
import os
import sys

import pytest

from hubbub.testing import TestServer, TestUser

SCRIPT = """\
print("ME", me.handle, me.id)
room = await client.create_room("repl room")
seen = client.wait_for(hubbub.MessageCreated, timeout=10)
sent = await room.send("hello from the repl")
print("SEEN", (await seen).message.id == sent.id)
print("SENT", sent.content, sent.room_id == room.id)
import hubbub
print("TYPES", isinstance(client, hubbub.Client), isinstance(events[-1], hubbub.Event))
print("RAISES", await client.fetch_room(999999))
print("STILL", (await client.fetch_room(room.id)).name)
second = await send(room.id, "via the helper")
print("HELPER", second.content)
show(50)
"""


async def _repl(env: dict[str, str], stdin: str = "", timeout: float = 60) -> tuple[int, str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HUBBUB_")}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "hubbub.repl",
        env={**clean, **env},
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(stdin.encode()), timeout)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def _messages(user: TestUser, room_id: int) -> list[str]:
    page = await user.request("GET", f"/rooms/{room_id}/messages")
    return [m["content"] for m in page["messages"]]


async def test_repl_with_a_token_runs_awaited_statements(lite: TestServer) -> None:
    alice = await lite.user()
    code, out, err = await _repl({"HUBBUB_URL": lite.url, "HUBBUB_TOKEN": alice.token}, SCRIPT)
    assert code == 0, err
    assert f"at {lite.url} as {alice.handle} (user {alice.id})" in err  # the banner
    assert f"ME {alice.handle} {alice.id}" in out
    assert "SENT hello from the repl True" in out and "SEEN True" in out
    assert "TYPES True True" in out
    # An error is a traceback in the console, which keeps going.
    assert "hubbub.errors.NotFound" in err and "STILL repl room" in out
    assert "HELPER via the helper" in out
    # show(): one line per event, the messages among them.
    assert "message.created" in out and "'hello from the repl'" in out
    rooms = await alice.request("GET", "/rooms?joined=true")
    (room,) = [r for r in rooms["rooms"] if r["name"] == "repl room"]
    assert await _messages(alice, room["id"]) == ["hello from the repl", "via the helper"]


async def test_repl_logs_in_with_username_and_password(lite: TestServer) -> None:
    bob = await lite.user()
    env = {
        "HUBBUB_URL": lite.url,
        "HUBBUB_USERNAME": bob.handle,
        "HUBBUB_PASSWORD": "correct horse battery",
    }
    code, out, err = await _repl(env, "print('WHO', me.handle)\n")
    assert code == 0, err
    assert f"WHO {bob.handle}" in out


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({}, "HUBBUB_URL is not set"),
        ({"HUBBUB_URL": "{url}"}, "neither HUBBUB_TOKEN nor both"),
        ({"HUBBUB_URL": "{url}", "HUBBUB_USERNAME": "someone"}, "neither HUBBUB_TOKEN nor both"),
        ({"HUBBUB_URL": "{url}", "HUBBUB_TOKEN": "not-a-token"}, "could not log in"),
        (
            {"HUBBUB_URL": "{url}", "HUBBUB_USERNAME": "nobody_here", "HUBBUB_PASSWORD": "wrong"},
            "could not log in",
        ),
    ],
)
async def test_repl_refuses_missing_or_wrong_credentials(
    lite: TestServer, env: dict[str, str], says: str
) -> None:
    filled = {k: v.format(url=lite.url) for k, v in env.items()}
    code, out, err = await _repl(filled, "print('SHOULD NOT RUN')\n")
    assert code == 2
    assert says in err and "SHOULD NOT RUN" not in out
    assert "Traceback" not in err

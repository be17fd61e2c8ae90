"""The `hubbub` command, run for real: `python -m hubbub …` subprocesses against real
servers (an in-process TestServer, or a `serve` process). Every wait has a timeout."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from hubbub.client.http import default_tls
from hubbub.testing import TestServer, free_port
from tests.integration.wire import Api, name

PASSWORD = "correct horse battery"


def _env(**extra: str) -> dict[str, str]:
    # No HUBBUB_* from the caller's shell, and no PYTHONUNBUFFERED: the CLI must flush itself.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("HUBBUB_") and k != "PYTHONUNBUFFERED"
    }
    env["HUBBUB_CONFIG"] = "/nonexistent/hubbub.toml"
    return {**env, **extra}


@dataclass
class Result:
    code: int
    out: str
    err: str

    def readable_failure(self, code: str, exit_code: int = 1) -> None:
        """Failed with exit code `exit_code` and one readable `code: message` line."""
        assert self.code == exit_code, self
        assert "Traceback" not in self.err and "Traceback" not in self.out, self.err
        lines = self.err.strip().splitlines()
        assert len(lines) == 1, self.err
        assert lines[0].startswith(f"{code}: ") and len(lines[0]) > len(code) + 4, self.err
        assert self.out == "", self.out


async def hubbub(*args: str, timeout: float = 20, **env: str) -> Result:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "hubbub", *args,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=_env(**env),
    )  # fmt: skip
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except TimeoutError:
        await _stop(proc)
        raise
    assert proc.returncode is not None
    return Result(proc.returncode, out.decode(), err.decode())


async def _stop(proc: asyncio.subprocess.Process) -> tuple[bytes, bytes]:
    """Terminate (then kill) and reap, draining the pipes so nothing is left open."""
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            proc.terminate()
    try:
        return await asyncio.wait_for(proc.communicate(), 10)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        return await asyncio.wait_for(proc.communicate(), 10)


# --- help ------------------------------------------------------------------------------


async def test_help_of_every_command_names_its_options() -> None:
    expected = {
        (): ["serve", "admin", "send", "tail"],
        ("admin",): ["create-user", "create-bot", "set-moderator"],
        ("serve",): ["--host", "--port", "--database", "--bus", "--workers", "HUBBUB_DATABASE"],
        ("admin", "create-user"): ["USERNAME", "--password", "--display-name", "--database"],
        ("admin", "create-bot"): ["USERNAME", "--display-name", "--database"],
        ("admin", "set-moderator"): ["USERNAME", "--revoke", "--database"],
        ("send",): ["ROOM", "TEXT", "--url", "--token", "HUBBUB_URL", "HUBBUB_TOKEN", "room name"],
        ("tail",): ["ROOM", "--url", "--token", "--cursor", "HUBBUB_TOKEN"],
    }
    results = await asyncio.gather(*(hubbub(*cmd, "--help") for cmd in expected))
    for (cmd, words), result in zip(expected.items(), results, strict=True):
        assert result.code == 0, (cmd, result)
        assert "Usage: hubbub" in result.out, (cmd, result.out)
        for word in words:
            assert word.lower() in result.out.lower(), (cmd, word, result.out)
    # `hubbub admin create-user --help` keeps its help text whole (no markup eaten).
    assert "default: the username" in results[3].out


# --- admin -----------------------------------------------------------------------------


async def test_admin_tokens_work_against_a_server_on_the_same_database(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'hubbub.db'}"
    alice, bot = name("alice"), name("bot")
    user = await hubbub("admin", "create-user", alice, "--password", PASSWORD, "--database", db)
    assert user.code == 0, user
    # The bot's database comes from the environment this time.
    made_bot = await hubbub("admin", "create-bot", bot, HUBBUB_DATABASE=db)
    assert made_bot.code == 0, made_bot
    user_token, bot_token = user.out.strip(), made_bot.out.strip()
    assert user_token and "\n" not in user_token and " " not in user_token
    assert bot_token and bot_token != user_token
    assert f"created user {alice}" in user.err and f"created bot {bot}" in made_bot.err

    dup = await hubbub("admin", "create-bot", alice, "--database", db)
    dup.readable_failure("username_taken")
    assert alice in dup.err

    async with TestServer(database=db) as server:
        for token, handle, is_bot in ((user_token, alice, False), (bot_token, bot, True)):
            api = Api(server.url, token, {})
            me = await api.ok("GET", "/users/me")
            assert me["handle"] == handle and me["bot"] is is_bot
        # ... and the user's password logs in.
        async with httpx.AsyncClient(verify=default_tls(), base_url=server.url) as http:
            resp = await http.post(
                "/api/v1/auth/login", json={"username": alice, "password": PASSWORD}
            )
            assert resp.status_code == 200, resp.text


async def test_admin_set_moderator_grants_staff_rights(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'hubbub.db'}"
    alice = name("alice")
    made = await hubbub("admin", "create-user", alice, "--password", PASSWORD, "--database", db)
    granted = await hubbub("admin", "set-moderator", alice, "--database", db)
    assert granted.code == 0 and "now a global moderator" in granted.err, granted
    async with TestServer(database=db) as server:
        api = Api(server.url, made.out.strip(), {})
        assert (await api.ok("GET", "/users/me"))["is_moderator"] is True
        await api.ok("POST", "/rooms", 201, json={"name": "staff", "access_mode": "private"})
    revoked = await hubbub("admin", "set-moderator", alice, "--revoke", "--database", db)
    assert revoked.code == 0 and "no longer" in revoked.err, revoked
    missing = await hubbub("admin", "set-moderator", "nobody-here", "--database", db)
    missing.readable_failure("user_not_found")


async def test_admin_with_an_unusable_database_fails_readably(tmp_path: Path) -> None:
    missing_dir = f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}"
    bad = await hubbub("admin", "create-bot", name("bot"), "--database", missing_dir)
    bad.readable_failure("database_error")


# --- send ------------------------------------------------------------------------------


async def test_send_by_id_and_by_name_posts_and_prints_the_id() -> None:
    async with TestServer() as server:
        alice = await Api.register(server)
        bob = await Api.register(server)  # not a member: `send` joins the public room
        room = await alice.room()
        by_env, by_flags, by_name = await asyncio.gather(
            hubbub(
                "send", str(room["id"]), "by id, env",
                HUBBUB_URL=server.url, HUBBUB_TOKEN=alice.token,
            ),
            hubbub("send", str(room["id"]), "by id, flags", "--url", server.url,
                   "--token", alice.token),
            hubbub("send", room["name"], "by name, **bob**", "--url", server.url + "/",
                   HUBBUB_TOKEN=bob.token),
        )  # fmt: skip
        for result in (by_env, by_flags, by_name):
            assert result.code == 0, result
            assert "Traceback" not in result.err
        page = await alice.ok("GET", f"/rooms/{room['id']}/messages", params={"limit": 50})
        posted = {m["content"]: m for m in page["messages"]}
        assert set(posted) == {"by id, env", "by id, flags", "by name, **bob**"}
        assert by_env.out == f"{posted['by id, env']['id']}\n"
        assert by_flags.out == f"{posted['by id, flags']['id']}\n"
        assert by_name.out == f"{posted['by name, **bob**']['id']}\n"
        assert posted["by name, **bob**"]["author"]["id"] == bob.id
        assert posted["by id, env"]["author"]["id"] == alice.id


async def test_send_failures_are_one_readable_line() -> None:
    async with TestServer() as server:
        alice = await Api.register(server)
        room = await alice.room()
        rid = str(room["id"])
        results = await asyncio.gather(
            hubbub("send", rid, "x", "--url", server.url, "--token", "hbb_not_a_real_token"),
            hubbub("send", rid, "x", "--url", server.url),
            hubbub("send", "no-such-room", "x", "--url", server.url, "--token", alice.token),
            hubbub("send", rid, "x", "--url", f"http://127.0.0.1:{free_port()}",
                   "--token", alice.token),
            hubbub("send", rid, "x", "--url", "127.0.0.1:8080", "--token", alice.token),
        )  # fmt: skip
        bad_token, no_token, no_name, unreachable, no_scheme = results
        bad_token.readable_failure("token_invalid")
        no_token.readable_failure("token_missing")
        no_name.readable_failure("room_not_found")
        unreachable.readable_failure("server_unreachable")
        no_scheme.readable_failure("invalid_url")
        page = await alice.ok("GET", f"/rooms/{room['id']}/messages")
        assert page["messages"] == []


# --- tail ------------------------------------------------------------------------------


async def _line(stream: asyncio.StreamReader, timeout: float = 10) -> str:
    raw = await asyncio.wait_for(stream.readline(), timeout)
    assert raw, "tail exited"
    return raw.decode().rstrip("\n")


def _spawn_tail(*args: str, **env: str) -> Any:
    return asyncio.create_subprocess_exec(
        sys.executable, "-m", "hubbub", "tail", *args,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=_env(**env),
    )  # fmt: skip


async def _until_live(proc: asyncio.subprocess.Process, api: Api, room_id: int) -> None:
    """Until tail is live nothing it could print exists yet: probe until a line shows,
    then drain the other probes."""
    assert proc.stdout is not None
    deadline = time.monotonic() + 15
    while True:
        assert time.monotonic() < deadline, "tail never printed a probe"
        assert proc.returncode is None, await _stop(proc)
        await api.send(room_id, "probe")
        try:
            first = await _line(proc.stdout, 0.5)
            break
        except TimeoutError:
            continue
    assert "probe" in first, first
    while True:
        try:
            assert "probe" in await _line(proc.stdout, 0.3)
        except TimeoutError:
            return


async def test_tail_prints_live_events_one_flushed_line_each() -> None:
    async with TestServer() as server:
        alice = await Api.register(server)
        bob = await Api.register(server)
        room = await alice.room()
        other = await alice.room()
        proc = await _spawn_tail(room["name"], HUBBUB_URL=server.url, HUBBUB_TOKEN=bob.token)
        assert proc.stdout is not None
        try:
            await _until_live(proc, alice, room["id"])
            await alice.send(other["id"], "elsewhere")  # another room: not shown
            long_text = "y" * 300
            m1 = await alice.send(room["id"], "hello *there*\nsecond line")
            m2 = await alice.send(room["id"], long_text)
            await alice.ok("PATCH", f"/messages/{m1['id']}", json={"content": "edited text"})
            await alice.ok("DELETE", f"/messages/{m2['id']}", 204)

            lines = [await _line(proc.stdout) for _ in range(4)]
            created1, created2, edited, deleted = lines
            handle = alice.user["handle"]
            assert f"#{m1['id']} <{handle}> hello there ↵ second line" in created1, lines
            assert created2.endswith(f"#{m2['id']} <{handle}> {long_text}"), lines  # unwrapped
            assert f"#{m1['id']} edited by {handle}: edited text" in edited, lines
            assert f"#{m2['id']} deleted by {handle}" in deleted, lines
            assert not any("elsewhere" in line for line in lines)
        finally:
            _out, err = await _stop(proc)
        assert "Traceback" not in err.decode(), err.decode()


async def test_tail_replays_from_a_cursor_and_refuses_a_bad_token() -> None:
    async with TestServer() as server:
        alice = await Api.register(server)
        room = await alice.room()
        sent = [await alice.send(room["id"], f"old {i}") for i in range(3)]
        proc = await _spawn_tail(
            str(room["id"]), "--cursor", "0", "--url", server.url, "--token", alice.token
        )
        assert proc.stdout is not None
        try:
            seen: list[str] = []
            while not any(f"#{sent[-1]['id']} " in line for line in seen):
                seen.append(await _line(proc.stdout))
            shown = [line for line in seen if " <" in line]
            assert [line.split(" ", 1)[1] for line in shown] == [
                f"#{m['id']} <{alice.user['handle']}> old {i}" for i, m in enumerate(sent)
            ], seen
        finally:
            await _stop(proc)
        bad, unreachable = await asyncio.gather(
            hubbub("tail", str(room["id"]), "--url", server.url, "--token", "hbb_nope"),
            hubbub("tail", "1", "--url", f"http://127.0.0.1:{free_port()}", "--token", "t"),
        )
        bad.readable_failure("token_invalid")
        unreachable.readable_failure("server_unreachable")


async def test_tail_heartbeats_and_resumes_after_a_dropped_connection() -> None:
    # A short idle timeout: without heartbeats the server would close tail's socket.
    async with TestServer(idle_timeout_s=0.6) as server:
        alice = await Api.register(server)
        room = await alice.room()
        proc = await _spawn_tail(str(room["id"]), HUBBUB_URL=server.url, HUBBUB_TOKEN=alice.token)
        assert proc.stdout is not None and proc.stderr is not None
        try:
            await _until_live(proc, alice, room["id"])
            await asyncio.sleep(1.5)  # 2.5 idle timeouts
            quiet = await alice.send(room["id"], "after a quiet spell")
            assert f"#{quiet['id']} " in await _line(proc.stdout)

            assert server.drop_connections() >= 1
            missed = [await alice.send(room["id"], f"while away {i}") for i in range(3)]
            lines = [await _line(proc.stdout) for _ in missed]
            for message, line in zip(missed, lines, strict=True):
                assert f"#{message['id']} " in line and message["content"] in line, lines
            after = await alice.send(room["id"], "back again")
            assert f"#{after['id']} " in await _line(proc.stdout)  # nothing repeated
        finally:
            _out, err = await _stop(proc)
        assert "reconnecting" in err.decode() and "Traceback" not in err.decode(), err.decode()
        assert err.decode().count("connection") == 1, err.decode()  # the drop, not idling


# --- serve -----------------------------------------------------------------------------


async def test_python_m_hubbub_serve_serves_healthz(tmp_path: Path) -> None:
    port = free_port()
    db = f"sqlite:///{tmp_path / 'served.db'}"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "hubbub", "serve", "--port", str(port), "--database", db,
        "--log-level", "warning",
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=_env(),
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        async with httpx.AsyncClient(
            verify=default_tls(), base_url=f"http://127.0.0.1:{port}", timeout=2
        ) as http:
            while True:
                assert proc.returncode is None, await _stop(proc)
                assert time.monotonic() < deadline, "serve did not answer /healthz"
                try:
                    resp = await http.get("/healthz")
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
            assert resp.status_code == 200 and resp.json()["status"] == "ok", resp.text
            reg = await http.post(
                "/api/v1/auth/register", json={"username": name(), "password": PASSWORD}
            )
            assert reg.status_code == 201, reg.text
    finally:
        _out, err = await _stop(proc)
    # uvicorn shuts down gracefully, then re-raises SIGTERM (so -15) or exits 0.
    assert proc.returncode in (0, -signal.SIGTERM), err.decode()
    assert "Traceback" not in err.decode(), err.decode()
    assert (tmp_path / "served.db").is_file()


async def test_serve_with_workers_needs_a_redis_bus(tmp_path: Path) -> None:
    result = await hubbub("serve", "--workers", "2", "--database", f"sqlite:///{tmp_path / 'w.db'}")
    result.readable_failure("bus_required", exit_code=2)
    assert "--bus redis://" in result.err


async def test_serve_with_a_bad_setting_fails_readably() -> None:
    result = await hubbub("serve", "--port", str(free_port()), HUBBUB_GAP_POLL_S="soon")
    result.readable_failure("invalid_setting", exit_code=2)

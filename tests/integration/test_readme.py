"""The README's promises, run as written: its two commands exist, and its bot works."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from hubbub.testing import TestServer
from tests.integration.wire import Api

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def test_readme_opens_with_the_two_commands() -> None:
    first_block = re.search(r"```sh\n(.*?)```", README, re.S)
    assert first_block is not None
    commands = [line.split("#")[0].strip() for line in first_block.group(1).strip().splitlines()]
    assert commands == ["make serve", "make test"]
    assert README.index("```sh") < README.index("\n## ")
    assert (ROOT / ".ci" / "run").read_text().strip().endswith("make test")


@pytest.mark.slow
async def test_the_readme_bot_answers_ping(tmp_path: Path) -> None:
    code = re.search(r"```python\n(.*?)```", README, re.S)
    assert code is not None
    script = tmp_path / "pingbot.py"
    script.write_text(code.group(1))
    async with TestServer() as server:
        alice = await Api.register(server)
        room = await alice.room("lobby")
        bot = await alice.ok("POST", "/bots", 201, json={"username": "pingbot"})
        env = {
            **os.environ,
            "HUBBUB_URL": server.url,
            "HUBBUB_TOKEN": bot["token"],
            "HUBBUB_ROOM": str(room["id"]),
        }
        proc = await asyncio.create_subprocess_exec(
            sys.executable, str(script), env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            for _ in range(100):  # wait until the bot has joined
                members = await alice.ok("GET", f"/rooms/{room['id']}/members")
                if len(members["members"]) == 2:
                    break
                await asyncio.sleep(0.1)
            ping = await alice.send(room["id"], "!ping")
            for _ in range(100):
                page = await alice.ok("GET", f"/rooms/{room['id']}/messages")
                replies = [m for m in page["messages"] if m["content"] == "pong"]
                if replies:
                    break
                await asyncio.sleep(0.1)
            assert replies, "the bot did not answer"
            assert replies[0]["reply_to"]["id"] == ping["id"]
            assert replies[0]["author"]["handle"] == "pingbot"
        finally:
            proc.terminate()
            await proc.communicate()


def test_the_screenshots_are_committed_and_linked() -> None:
    # `make screenshots` writes one file per view of hubbub.tools.screenshots.SHOTS; the
    # README and docs/web.md show them, so each must exist and each must be linked.
    from hubbub.tools.screenshots import SHOTS

    shots = ROOT / "docs" / "screenshots"
    web = (ROOT / "docs" / "web.md").read_text()
    for name in SHOTS:
        assert (shots / name).is_file(), name
        assert f"screenshots/{name}" in web, name
    for link in re.findall(r"\((docs/screenshots/[^)]+)\)", README):
        assert (ROOT / link).is_file(), link
    assert len(set(re.findall(r"docs/screenshots/([\w.-]+)", README))) >= 6

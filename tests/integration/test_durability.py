"""A message whose send returned 201 survives kill -9 of the server (SQLite, WAL)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.integration.procs import ServeProcess
from tests.integration.wire import Api

pytestmark = pytest.mark.slow


async def test_acknowledged_messages_survive_sigkill(tmp_path: Path) -> None:
    node = ServeProcess(f"sqlite:///{tmp_path / 'hubbub.db'}", "memory://", "--no-rate-limits")
    await node.start()
    try:
        alice = await Api.register(node.url)
        room = await alice.room()
        acked: list[dict[str, object]] = []
        # Ten concurrent senders, so acknowledgements come out of group commits.
        for start in range(0, 300, 10):
            acked += await asyncio.gather(
                *(alice.send(room["id"], f"m{i}") for i in range(start, start + 10))
            )
        node.kill()
        await node.start()
        stored: list[dict[str, object]] = []
        after = 0
        while True:
            page = await alice.ok(
                "GET", f"/rooms/{room['id']}/messages", params={"after": after, "limit": 100}
            )
            stored += page["messages"]
            if not page["has_more"]:
                break
            after = page["messages"][-1]["id"]
        assert len(stored) == 300
        assert [m["id"] for m in stored] == sorted(m["id"] for m in acked)  # type: ignore[type-var]
        assert {m["content"] for m in stored} == {f"m{i}" for i in range(300)}
        # And the log survived with them: every message.created is there, in order.
        events = await alice.ok("GET", "/events", params={"cursor": "0", "limit": 1000})
        created = [e for e in events["events"] if e["type"] == "message.created"]
        assert [e["data"]["message"]["id"] for e in created] == [m["id"] for m in stored]
    finally:
        node.stop()

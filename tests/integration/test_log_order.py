"""The log's promise: commit order equals seq order, so a reader polling `seq > cursor`
never sees a lower seq after a higher one and ends with every event, 1..N."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest

from hubbub.testing import TestServer
from tests.conftest import database_for
from tests.integration.wire import Api

# Enough writers and messages that commits really interleave (and, on PostgreSQL, two
# nodes race for seqs), without turning a correctness test into a benchmark.
WRITERS, MESSAGES, READERS = 16, 40, 3


@contextlib.asynccontextmanager
async def nodes(backend: str) -> AsyncIterator[list[TestServer]]:
    """SQLite: one node. PostgreSQL: two nodes on one database, so two log writers really
    race for seq numbers under the advisory lock."""
    db = await database_for(backend)
    count = 2 if backend == "postgres" else 1
    async with contextlib.AsyncExitStack() as stack:
        yield [
            await stack.enter_async_context(TestServer(database=db, rate_limits=False))
            for _ in range(count)
        ]


@pytest.mark.slow
async def test_concurrent_writers_and_pollers_see_one_gapless_order(backend: str) -> None:
    async with nodes(backend) as servers:
        owner = await Api.register(servers[0])
        room = await owner.room()
        writers = [await Api.register(servers[i % len(servers)]) for i in range(WRITERS)]
        readers = [await Api.register(servers[i % len(servers)]) for i in range(READERS)]
        for api in writers + readers:
            await api.ok("POST", f"/rooms/{room['id']}/join")
        start = int((await owner.ok("GET", "/events"))["cursor"])
        done = asyncio.Event()

        async def write(api: Api) -> None:
            for i in range(MESSAGES):
                await api.send(room["id"], f"{api.id}:{i}", nonce=f"n{i}")

        async def read(api: Api) -> list[int]:
            seen: list[int] = []
            cursor = str(start)
            while True:
                finished = done.is_set()
                params = {"cursor": cursor, "limit": 500, "wait": 0 if finished else 0.2}
                page = await api.ok("GET", "/events", params=params)
                for ev in page["events"]:
                    # Never a lower (or equal) seq after a higher one.
                    assert not seen or ev["seq"] > seen[-1], (seen[-1], ev["seq"])
                    seen.append(ev["seq"])
                cursor = page["cursor"]
                if finished and not page["more"]:
                    return seen

        reading = [asyncio.create_task(read(api)) for api in readers]
        await asyncio.gather(*(write(api) for api in writers))
        done.set()
        results = await asyncio.gather(*reading)
        total = WRITERS * MESSAGES
        expected = list(range(start + 1, start + total + 1))
        for seen in results:
            assert seen == expected
        # Every message is there once, and each writer's messages in the order sent.
        page = await owner.ok("GET", "/events", params={"cursor": str(start), "limit": 1000})
        assert page["events"][0]["seq"] == start + 1

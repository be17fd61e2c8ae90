"""The presence list of a big room: statuses are asked for the connected members only
(one room presence request, not one per hundred members), the members come a page of
200 at a time ("Show more people"), and a long group draws its first hundred people with
a button for the rest."""

from __future__ import annotations

import asyncio
from typing import Any

from playwright.async_api import expect

from hubbub.testing import TestServer
from tests.e2e.conftest import OpenPage

MEMBERS = 260


async def test_a_big_room_asks_for_the_connected_and_folds_long_groups(
    lite: TestServer, open_page: OpenPage
) -> None:
    alice, bob = await lite.user(), await lite.user()
    room = await lite.room(alice, "stadium", members=[bob])
    # A few at a time: a loaded CI machine must not time the requests out.
    gate = asyncio.Semaphore(8)

    async def member() -> None:
        async with gate:
            await (await lite.user()).join(room)

    await asyncio.gather(*(member() for _ in range(MEMBERS)))
    async with bob.client():  # connected: the one other person online
        requests: list[str] = []
        a = await open_page(alice)
        a.page.on("request", lambda r: requests.append(r.url))
        await a.page.evaluate("rid => { location.hash = `#/rooms/${rid}`; }", room["id"])

        online = a.page.locator("[data-testid=presence-group][data-status=online]")
        await expect(online.get_by_test_id("presence-member")).to_have_count(2)
        await expect(online.locator(f'[data-user-id="{bob.id}"]')).to_have_count(1)
        # The first page: 200 members, alice and bob among them (the lowest user ids).
        offline = a.page.locator("[data-testid=presence-group][data-status=offline]")
        await expect(offline.get_by_test_id("presence-count")).to_have_text("198+")
        await expect(offline.get_by_test_id("presence-member")).to_have_count(100)
        show_all = offline.get_by_test_id("presence-show-all")
        await expect(show_all).to_have_text("Show all 198")
        more = a.page.get_by_test_id("presence-more")
        await more.click()
        await expect(offline.get_by_test_id("presence-count")).to_have_text(str(MEMBERS))
        await expect(more).to_be_hidden()
        await expect(show_all).to_have_text(f"Show all {MEMBERS}")
        await show_all.click()
        await expect(offline.get_by_test_id("presence-member")).to_have_count(MEMBERS)
        shown = await offline.get_by_test_id("presence-member").evaluate_all(
            "rows => rows.map(r => r.dataset.userId)"
        )
        assert len(set(shown)) == MEMBERS
        await expect(online.get_by_test_id("presence-member")).to_have_count(2)

        # Statuses were asked for the connected ones, not for the whole crowd.
        status_reads: list[Any] = [u for u in requests if "/api/v1/presence?" in u]
        assert len(status_reads) <= 2, status_reads
        assert sum(u.count(",") + 1 for u in status_reads) <= 10
        # The members were asked a page at a time, never all at once.
        member_reads = [u for u in requests if f"/rooms/{room['id']}/members" in u]
        assert member_reads and all("limit=200" in u for u in member_reads)
        assert any("after=" in u for u in member_reads)
        assert a.scripts_ran() == []

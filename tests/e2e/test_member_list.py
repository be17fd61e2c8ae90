"""A room of 130 members in the browser: the members panel shows a page of 100 and
"Show more" brings the rest, each member once; `@` completion asks the server for the
members matching what was typed and offers one far past the first page."""

from __future__ import annotations

import asyncio
from typing import Any

from playwright.async_api import expect

from hubbub.testing import TestServer
from tests.e2e.conftest import OpenPage

CROWD = 130


async def test_members_page_by_page_and_completion_asks_the_server(
    lite: TestServer, open_page: OpenPage
) -> None:
    alice = await lite.user()
    room = await lite.room(alice, "arena")
    # A few at a time: a loaded CI machine must not time the requests out.
    gate = asyncio.Semaphore(8)

    async def member() -> None:
        async with gate:
            await (await lite.user()).join(room)

    await asyncio.gather(*(member() for _ in range(CROWD)))
    # The newest account has the highest user id: the last page holds it.
    last = await lite.user("zqlast")
    await last.join(room)
    everyone = CROWD + 2

    a = await open_page(alice, room)
    await a.page.get_by_test_id("members-button").click()
    panel = a.page.get_by_test_id("panel-dialog")
    rows = panel.get_by_test_id("panel-member")
    await expect(rows).to_have_count(100)
    await expect(panel.locator(f'[data-user-id="{last.id}"]')).to_have_count(0)
    more = panel.get_by_test_id("members-more")
    await more.click()
    await expect(rows).to_have_count(everyone)
    await expect(more).to_have_count(0)
    ids = await rows.evaluate_all("rows => rows.map(r => r.dataset.userId)")
    assert len(set(ids)) == everyone
    await expect(panel.locator(f'[data-user-id="{last.id}"]')).to_contain_text("@zqlast")
    await panel.get_by_test_id("panel-close").click()

    # "@zq" is answered by the server with the member it names; Alice picks it.
    box = a.page.get_by_test_id("composer-input")
    await box.click()

    def searched(response: Any) -> bool:
        return f"/rooms/{room['id']}/members?" in response.url and "q=zq" in response.url

    async with a.page.expect_response(searched) as answer:
        await box.press_sequentially("hi @zq")
    found = await (await answer.value).json()
    assert [m["user"]["id"] for m in found["members"]] == [last.id]
    options = a.page.get_by_test_id("mention-option")
    await expect(options).to_have_count(1)
    await expect(options.first).to_have_attribute("data-handle", "zqlast")
    await box.press("Enter")
    await expect(box).to_have_value("hi @zqlast ")
    assert a.scripts_ran() == []

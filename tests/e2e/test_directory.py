"""The room directory ("Browse rooms") of a server with 60 rooms to join: it opens with
the focus in its search field and the first 50 rooms, "Show more" brings the other 10
(each room once, none already joined); a few letters of a room's name ask the server and
find it, a search finding nothing says so, and joining the room found opens it; Escape
clears the search, then closes the dialog."""

from __future__ import annotations

import asyncio
from typing import Any

from playwright.async_api import expect

from hubbub.testing import TestServer
from tests.e2e.conftest import OpenPage

FILLERS = 59  # with "Quasar lounge", 60 rooms: a page of 50 and 10 more


async def test_browse_page_search_and_join(lite: TestServer, open_page: OpenPage) -> None:
    owners = [await lite.user() for _ in range(3)]
    bob = await lite.user()
    own = await lite.room(bob, "bobs den")

    # Over REST, each owner's rooms in turn (well within each one's write budget).
    async def make(owner: Any, first: int) -> None:
        for i in range(first, FILLERS, len(owners)):
            await lite.room(owner, f"hall {i:02d}", topic="a filler")

    await asyncio.gather(*(make(owner, n) for n, owner in enumerate(owners)))
    # The newest room has the highest id: it is on the second page.
    quasar = await lite.room(owners[0], "Quasar lounge", topic="stars and coffee")

    b = await open_page(bob, own)
    page = b.page
    await page.get_by_test_id("directory-button").click()
    dialog = page.get_by_test_id("directory-dialog")
    await expect(dialog).to_be_visible()
    search = page.get_by_test_id("directory-search")
    await expect(search).to_be_focused()
    rows = dialog.get_by_test_id("directory-room")
    await expect(rows).to_have_count(50)
    found = dialog.locator(f'[data-testid=directory-room][data-room-id="{quasar["id"]}"]')
    await expect(found).to_have_count(0)
    more = dialog.get_by_test_id("directory-more")
    await more.click()
    await expect(rows).to_have_count(FILLERS + 1)
    await expect(more).to_have_count(0)
    ids = await rows.evaluate_all("rows => rows.map(r => Number(r.dataset.roomId))")
    assert len(set(ids)) == FILLERS + 1 and own["id"] not in ids
    await expect(found).to_contain_text("Quasar lounge")

    # A few letters ask the server (the rooms one may join, matching them).
    def asked(text: str) -> Any:
        return lambda r: "/api/v1/rooms?" in r.url and f"q={text}" in r.url

    async with page.expect_response(asked("quas")) as answer:
        await search.press_sequentially("quas")
    body = await (await answer.value).json()
    assert [r["id"] for r in body["rooms"]] == [quasar["id"]]
    assert "not_joined=true" in (await answer.value).url
    await expect(rows).to_have_count(1)
    await expect(found).to_be_visible()

    # Nothing matching says so; a later word of the name finds it again.
    await search.fill("nebula")
    await expect(dialog.get_by_text("No rooms match “nebula”.")).to_be_visible()
    await expect(rows).to_have_count(0)
    await search.fill("LOUNGE")
    await expect(rows).to_have_count(1)
    await expect(found).to_contain_text("stars and coffee")

    # Joining it opens it and puts it in the sidebar; it leaves the directory.
    await found.get_by_test_id("directory-join").click()
    await expect(dialog).to_be_hidden()
    await expect(page.get_by_test_id("room-name")).to_have_text("# Quasar lounge")
    link = page.locator(f'[data-testid=room-link][data-room-id="{quasar["id"]}"]')
    await expect(link).to_have_count(1)
    await expect(page.get_by_test_id("composer-input")).to_be_enabled()

    # Opened again: an empty search field with the focus, the whole first page, and the
    # joined room no longer there to find.
    await page.get_by_test_id("directory-button").click()
    await expect(search).to_be_focused()
    await expect(search).to_have_value("")
    await expect(rows).to_have_count(50)
    await search.fill("quasar")
    await expect(dialog.get_by_text("No rooms match “quasar”.")).to_be_visible()
    # Escape clears the search field (the whole list again), a second one closes.
    await page.keyboard.press("Escape")
    await expect(search).to_have_value("")
    await expect(rows).to_have_count(50)
    await page.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()
    await expect(page.get_by_test_id("directory-button")).to_be_focused()
    assert b.scripts_ran() == []

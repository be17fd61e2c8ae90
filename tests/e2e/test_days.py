"""A history dated by day: dividers ("Today", "Yesterday", the date before that) above
the first message of each day, once each however the pages load, and each message's
full date and time on its time's tooltip. The server runs on a clock the test moves, so
the messages are days apart."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest_asyncio
from playwright.async_api import expect

from hubbub.server.clock import ManualClock
from hubbub.testing import TestServer
from tests.e2e.conftest import OpenPage
from tests.e2e.test_messages import seed

DAY_S = 24 * 3600


@pytest_asyncio.fixture
async def lite() -> AsyncIterator[TestServer]:
    """This module's server: on a clock started three days ago (open_page uses it)."""
    clock = ManualClock(start_ms=int((time.time() - 3 * DAY_S) * 1000))
    async with TestServer(clock=clock) as srv:
        yield srv


async def test_days_divide_the_history(lite: TestServer, open_page: OpenPage) -> None:
    clock = lite.clock
    assert isinstance(clock, ManualClock)
    alice = await lite.user()
    room = await lite.room(alice, "dated")
    await seed(lite, alice, room["id"], [f"three days ago {i}" for i in range(60)])
    clock.advance(2 * DAY_S)
    await seed(lite, alice, room["id"], [f"yesterday {i}" for i in range(60)])
    clock.advance(DAY_S)
    today = await seed(lite, alice, room["id"], [f"today {i}" for i in range(10)])
    a = await open_page(alice, room)
    page = a.page
    days = page.get_by_test_id("day-divider")

    # The newest page: yesterday's tail and today.
    await expect(days).to_have_text(["Yesterday", "Today"])
    first_today = page.locator(f'[data-testid=message][data-message-id="{today[0]}"]')
    above = first_today.locator("xpath=preceding-sibling::li[1]")
    await expect(above).to_have_attribute("data-testid", "day-divider")
    await expect(above).to_have_attribute("role", "separator")

    # Scrolled to the oldest: each day once, in order, the oldest with its date.
    messages = page.get_by_test_id("message")
    listed = page.get_by_test_id("message-list")
    while (count := await messages.count()) < 130:
        await listed.evaluate("(list) => { list.scrollTop = 0; }")
        await expect(messages).not_to_have_count(count)  # one more page came
    await expect(messages).to_have_count(130)
    await expect(days).to_have_count(3)
    await expect(days.nth(1)).to_have_text("Yesterday")
    await expect(days.nth(2)).to_have_text("Today")
    oldest = await days.first.text_content()
    assert oldest not in ("Today", "Yesterday", None)
    shown = time.gmtime(time.time() - 3 * DAY_S)
    assert str(shown.tm_mday) in oldest
    first = messages.first
    await expect(first).to_contain_text("three days ago 0")
    stamp = await first.locator("time").get_attribute("title")
    assert stamp and str(shown.tm_mday) in stamp

    # A live message today adds no divider.
    await alice.send(room, "today, live")
    await expect(messages.filter(has_text="today, live")).to_have_count(1)
    await expect(days).to_have_count(3)
    assert a.scripts_ran() == [], a.incidents

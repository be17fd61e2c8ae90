"""A dropped gateway connection resumes from the client's cursor: what was sent while
it was down shows exactly once, in order, with nothing before it lost or repeated."""

from __future__ import annotations

import re

from playwright.async_api import expect

from hubbub.testing import TestServer
from tests.e2e.conftest import OpenPage


async def test_dropped_connection_resumes_without_loss_or_duplicates(
    lite: TestServer, open_page: OpenPage
) -> None:
    alice, bob = await lite.user(), await lite.user()
    room = await lite.room(alice, "e2e resume", members=[bob])
    for i in range(3):
        await bob.send(room, f"before {i}")
    a = await open_page(alice, room)
    messages = a.page.get_by_test_id("message")
    await expect(messages).to_have_count(3)

    # Offline keeps the client from reconnecting at once, so what Bob sends next lands
    # in the log while Alice's page has no connection and must come by the resume.
    await a.context.set_offline(True)
    assert lite.drop_connections() >= 1
    banner = a.page.get_by_test_id("connection-banner")
    await expect(banner).to_have_attribute("data-state", "reconnecting")
    for i in range(5):
        await bob.send(room, f"while down {i}")
    # Still offline: none of them reached the page (they must come by the resume).
    assert await messages.count() == 3
    await a.context.set_offline(False)
    await expect(banner).to_have_attribute("data-state", "connected")
    await expect(banner).to_be_hidden()

    expected = [f"before {i}" for i in range(3)] + [f"while down {i}" for i in range(5)]
    await expect(messages.get_by_test_id("message-body")).to_have_text(expected)

    # And live delivery goes on over the new connection.
    await bob.send(room, "after")
    await expect(messages.get_by_test_id("message-body")).to_have_text([*expected, "after"])
    ids = await messages.evaluate_all("els => els.map(e => e.dataset.messageId)")
    assert len(ids) == len(set(ids)) == 9
    assert a.scripts_ran() == [], a.incidents


async def test_retry_now_and_the_network_coming_back_reconnect_at_once(
    lite: TestServer, open_page: OpenPage
) -> None:
    alice = await lite.user()
    room = await lite.room(alice, "wifi")
    a = await open_page(alice, room)
    page = a.page
    banner = page.get_by_test_id("connection-banner")
    retry = page.get_by_test_id("connection-retry")
    await expect(banner).to_have_attribute("data-state", "connected")

    # Offline, each "Retry now" tries at once, fails, and the wait before the next try
    # doubles, up to 15–30 s.
    await a.context.set_offline(True)
    assert lite.drop_connections() >= 1
    for _ in range(8):
        await expect(retry).to_be_visible()
        await retry.click()
    await expect(banner).to_contain_text(re.compile(r"Reconnecting in (1[5-9]|2\d|30) s"))

    # The network comes back: no waiting out those seconds.
    await a.context.set_offline(False)
    await expect(banner).to_have_attribute("data-state", "connected", timeout=10_000)
    await expect(banner).to_be_hidden()
    await alice.send(room, "after the wifi came back")
    await expect(page.get_by_test_id("message").filter(has_text="came back")).to_have_count(1)
    assert a.scripts_ran() == [], a.incidents

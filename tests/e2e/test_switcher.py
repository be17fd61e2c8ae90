"""The quick switcher: Ctrl+K anywhere, type to narrow the rooms, DMs and groups, the
arrows to move, Enter to open; with nothing typed what waits to be read comes first;
Escape gives the focus back."""

from __future__ import annotations

from playwright.async_api import expect

from hubbub.testing import TestServer
from tests.e2e.conftest import OpenPage


async def test_ctrl_k_finds_and_opens_a_room_or_a_conversation(
    lite: TestServer, open_page: OpenPage
) -> None:
    alice, bob = await lite.user(), await lite.user()
    design = await lite.room(alice, "design", members=[bob])
    await lite.room(alice, "general", members=[bob])
    await lite.room(alice, "dev-ops corner", members=[bob])
    await alice.request("POST", f"/users/{bob.id}/dm")
    a = await open_page(alice, design)
    page = a.page
    dialog = page.get_by_test_id("switcher-dialog")
    field = page.get_by_test_id("switcher-input")
    options = page.get_by_test_id("switcher-option")

    # From the composer: Ctrl+K, a name's start, Enter.
    await expect(page.get_by_test_id("composer-input")).to_be_focused()
    await page.keyboard.press("Control+k")
    await expect(dialog).to_be_visible()
    await expect(field).to_be_focused()
    await field.fill("gen")
    await expect(options).to_have_count(1)
    await expect(options.first).to_have_attribute("aria-selected", "true")
    await page.keyboard.press("Enter")
    await expect(dialog).to_be_hidden()
    await expect(page.get_by_test_id("room-name")).to_have_text("# general")
    await expect(page.get_by_test_id("composer-input")).to_be_focused()

    # A later word matches too; the arrows move; the DM is found by the person's name.
    await page.keyboard.press("Control+k")
    await field.fill("ops")
    await expect(options).to_have_text(["# dev-ops corner"])
    await field.fill(bob.handle[:6])
    await expect(options.filter(has_text=bob.handle)).to_have_count(1)
    dm = options.filter(has_text=bob.handle)
    while await dm.get_attribute("aria-selected") != "true":
        await page.keyboard.press("ArrowDown")
    await page.keyboard.press("Enter")
    await expect(page.get_by_test_id("room-name")).to_contain_text(bob.handle)

    # Nothing typed: the room with a mention first; Escape returns the focus.
    await bob.send(design, f"@{alice.handle} a look at the mockups?")
    design_link = page.locator(f'[data-testid=room-link][data-room-id="{design["id"]}"]')
    await expect(design_link.get_by_test_id("mention-badge")).to_have_text("@1")
    await page.get_by_test_id("composer-input").focus()
    await page.keyboard.press("Control+k")
    await expect(options.first).to_have_attribute("data-room-id", str(design["id"]))
    await expect(options.first).to_contain_text("@1")
    await field.fill("zzz nothing")
    await expect(options).to_have_count(0)
    await expect(page.get_by_test_id("switcher-list")).to_contain_text("Nothing matches.")
    await page.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()
    await expect(page.get_by_test_id("composer-input")).to_be_focused()
    assert a.scripts_ran() == [], a.incidents

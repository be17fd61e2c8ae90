"""The emoji picker and the tab title, two users in two browser contexts: a reaction
found by searching "rocket" from the keyboard only, seen and toggled live by the other
user; the recently used row; a space's custom emoji offered in its room and used as a
reaction both see as its image; the composer's emoji button inserting at the caret; the
tab title counting a mention in another room and clearing once it is read."""

from __future__ import annotations

import struct
import zlib

import httpx
from playwright.async_api import expect

from hubbub.testing import TestServer
from tests.e2e.conftest import OpenPage


def _png() -> bytes:
    """A real 1×1 PNG (the browser draws it; the server sniffs it)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x80\x00\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


async def test_picker_reactions_custom_emoji_composer_and_tab_title(
    lite: TestServer, open_page: OpenPage
) -> None:
    alice, bob = await lite.user(), await lite.user()
    space = await alice.request("POST", "/spaces", json={"name": "Guild", "open": True})
    await bob.request("POST", f"/spaces/{space['id']}/join")
    room = await alice.request(
        "POST", "/rooms", json={"name": "launchpad", "space_id": space["id"]}
    )
    other = await lite.room(alice, "elsewhere", members=[bob])
    headers = {"Authorization": f"Bearer {alice.token}"}
    async with httpx.AsyncClient(base_url=lite.url + "/api/v1", headers=headers) as http:
        got = await http.post(
            f"/spaces/{space['id']}/emojis",
            files={"file": ("parrot.png", _png(), "image/png")},
            data={"name": "party_parrot"},
        )
        got.raise_for_status()
        parrot = got.json()
    await bob.send(room, "launch time")

    a = await open_page(alice, room)
    b = await open_page(bob, room)
    from_bob = a.page.get_by_test_id("message").filter(has_text="launch time")
    bobs_own = b.page.get_by_test_id("message").filter(has_text="launch time")

    # Alice, keyboard only: the message, then Tab to its "Add reaction".
    await from_bob.focus()
    add = from_bob.get_by_test_id("message-react-picker")
    for _ in range(10):
        if await add.evaluate("(node) => node === document.activeElement"):
            break
        await a.page.keyboard.press("Tab")
    await expect(add).to_be_focused()
    await a.page.keyboard.press("Enter")
    picker = a.page.get_by_test_id("emoji-picker")
    await expect(picker).to_have_attribute("role", "dialog")
    search = picker.get_by_test_id("emoji-search")
    await expect(search).to_be_focused()
    # Escape closes it with the focus back on its opener; Enter opens it again.
    await a.page.keyboard.press("Escape")
    await expect(picker).to_have_count(0)
    await expect(add).to_be_focused()
    await a.page.keyboard.press("Enter")
    # Tab stays inside: to the category buttons and back to the search.
    await a.page.keyboard.press("Tab")
    await expect(picker.get_by_test_id("emoji-category").first).to_be_focused()
    await a.page.keyboard.press("Shift+Tab")
    await expect(search).to_be_focused()
    await a.page.keyboard.type("rocket")
    results = picker.get_by_test_id("emoji-results").get_by_test_id("emoji-option")
    await expect(results.first).to_have_attribute("data-emoji", "🚀")
    await expect(results.first).to_have_attribute("aria-selected", "true")
    await a.page.keyboard.press("Enter")
    await expect(picker).to_have_count(0)

    # Bob sees 🚀 1 live and adds his: 🚀 2 for both.
    rocket_b = bobs_own.locator('[data-testid=reaction][data-emoji="🚀"]')
    await expect(rocket_b).to_have_text("🚀 1")
    await expect(rocket_b).to_have_attribute("aria-pressed", "false")
    await rocket_b.click()
    await expect(rocket_b).to_have_text("🚀 2")
    rocket_a = from_bob.locator('[data-testid=reaction][data-emoji="🚀"]')
    await expect(rocket_a).to_have_text("🚀 2")
    await expect(rocket_a).to_have_attribute("aria-pressed", "true")

    # The "+" of the reaction bar: recently used holds 🚀, the space's emoji is offered;
    # Alice reacts with it and both see its image named :party_parrot:.
    await from_bob.get_by_test_id("reaction-add").click()
    await expect(
        picker.get_by_test_id("emoji-recent").get_by_test_id("emoji-option").first
    ).to_have_attribute("data-emoji", "🚀")
    custom = picker.get_by_test_id("emoji-custom").get_by_test_id("emoji-option")
    await expect(custom).to_have_count(1)
    await expect(custom.locator("img")).to_have_attribute("alt", ":party_parrot:")
    await custom.click()
    await expect(picker).to_have_count(0)
    for message in (from_bob, bobs_own):
        chip = message.locator(f'[data-testid=reaction][data-emoji="{parrot["id"]}"]')
        await expect(chip).to_have_text(" 1")
        await expect(chip.locator("img")).to_have_attribute("alt", ":party_parrot:")
        await expect(chip.locator("img")).to_have_attribute(
            "src", f"/api/v1/emojis/{parrot['id']}/image"
        )
    # Picking the same again takes it back (a toggle); a click outside closes the picker.
    await from_bob.get_by_test_id("reaction-add").click()
    await picker.get_by_test_id("emoji-custom").get_by_test_id("emoji-option").click()
    await expect(
        bobs_own.locator(f'[data-testid=reaction][data-emoji="{parrot["id"]}"]')
    ).to_have_count(0)
    await from_bob.get_by_test_id("reaction-add").click()
    await expect(picker).to_be_visible()
    await a.page.get_by_test_id("room-name").click()
    await expect(picker).to_have_count(0)

    # The composer's button inserts at the caret.
    box = a.page.get_by_test_id("composer-input")
    await box.fill("ab")
    await box.press("Home")
    await box.press("ArrowRight")
    await a.page.get_by_test_id("composer-emoji").click()
    await a.page.keyboard.type("thumbs up")
    await a.page.keyboard.press("Enter")
    await expect(box).to_have_value("a👍b")
    await expect(box).to_be_focused()

    # The tab title: a mention in a room Alice is not looking at, then read.
    await expect(a.page).to_have_title("hubbub")
    await a.page.goto(f"{lite.url}/#/rooms/{other['id']}")
    await expect(a.page.get_by_test_id("room-name")).to_have_text("# elsewhere")
    await bob.send(room, f"@{alice.handle} look up")
    await expect(a.page).to_have_title("(1) hubbub")
    await b.page.get_by_test_id("composer-input").fill("no mention")
    await b.page.get_by_test_id("composer-input").press("Enter")
    # Heard (launchpad's unread badge counts it), yet a plain room message adds nothing.
    launchpad = a.page.get_by_test_id("room-link").filter(has_text="launchpad")
    await expect(launchpad.get_by_test_id("unread-badge")).to_have_text("2")
    await expect(a.page).to_have_title("(1) hubbub")
    await launchpad.click()
    await expect(a.page.get_by_test_id("message").filter(has_text="look up")).to_be_visible()
    await expect(a.page).to_have_title("hubbub")

    for person in (a, b):
        assert person.scripts_ran() == []

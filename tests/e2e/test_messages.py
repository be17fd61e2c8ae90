"""The message view and the composer in Chromium: infinite scroll keeps the reader's
place, a live message does not yank a reader who scrolled up, a search hit opens its
room scrolled to the message; uploads with progress, image previews both users see,
`@handle` completion and the mention highlight, quotes and the "New messages" marker."""

from __future__ import annotations

import asyncio
import re
import struct
import zlib
from typing import Any

import httpx
from playwright.async_api import expect

from hubbub.testing import TestServer, TestUser
from tests.e2e.actions import open_actions
from tests.e2e.conftest import OpenPage

# Pastes one image into the composer and drops another on the message list, as the
# browser would hand them over (DataTransfer files).
PASTE_AND_DROP = """() => {
  const files = (name) => {
    const data = new DataTransfer();
    const magic = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]);
    data.items.add(new File([magic], name, { type: "image/png" }));
    return data;
  };
  const how = { bubbles: true, cancelable: true };
  const input = document.getElementById("composer-input");
  input.dispatchEvent(new ClipboardEvent("paste", { clipboardData: files("pasted.png"), ...how }));
  const list = document.getElementById("message-list");
  list.dispatchEvent(new DragEvent("dragover", { dataTransfer: files("dropped.png"), ...how }));
  list.dispatchEvent(new DragEvent("drop", { dataTransfer: files("dropped.png"), ...how }));
}"""


def shown(user: TestUser) -> str:
    return str(user.user.get("display_name") or user.handle)


def png(padding: int = 0) -> bytes:
    """A valid 1×1 PNG, with `padding` bytes after IEND (browsers ignore them) so the
    upload is large enough to report progress."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x80\x00")
    image = (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )
    return image + b"\x00" * padding


async def seed(lite: TestServer, user: TestUser, room_id: int, texts: list[str]) -> list[int]:
    """Posts `texts` in order over one HTTP connection, rate limit off; their ids."""
    lite.core.rate_limiter.enabled = False
    ids = []
    try:
        headers = {"Authorization": f"Bearer {user.token}"}
        async with httpx.AsyncClient(base_url=lite.url + "/api/v1", headers=headers) as http:
            for text in texts:
                got = await http.post(f"/rooms/{room_id}/messages", json={"content": text})
                got.raise_for_status()
                ids.append(int(got.json()["id"]))
    finally:
        lite.core.rate_limiter.enabled = True
    return ids


async def top_of(page: Any, message_id: int) -> float:
    box = await page.locator(
        f'[data-testid=message][data-message-id="{message_id}"]'
    ).bounding_box()
    assert box is not None
    return float(box["y"])


async def expect_jumped_to(page: Any, message_id: int) -> None:
    """The view opened at `message_id`: highlighted as the jump's target, on screen."""
    target = page.locator(f'[data-testid=message][data-message-id="{message_id}"]')
    await expect(target).to_have_class(re.compile(r"\bjumped\b"))
    await expect(target).to_be_in_viewport()


async def test_scroll_keeps_the_readers_place_and_a_search_hit_jumps_to_its_message(
    lite: TestServer, open_page: OpenPage
) -> None:
    alice, bob = await lite.user(), await lite.user()
    room = await lite.room(alice, "e2e scroll", members=[bob])
    texts = [f"message {i}" + (" needle" if i == 3 else "") for i in range(150)]
    ids = await seed(lite, alice, room["id"], texts)
    b = await open_page(bob, room)
    page = b.page
    messages = page.get_by_test_id("message")
    await expect(messages).to_have_count(50)
    await expect(messages.last).to_contain_text("message 149")
    await expect(messages.last).to_be_in_viewport()

    # Scrolled to the top, older pages load above; the message at the top stays put.
    for loaded in (100, 150):
        oldest = int(await messages.first.get_attribute("data-message-id") or 0)
        before = await page.evaluate(
            """(id) => {
              const list = document.getElementById("message-list");
              list.scrollTop = 0;
              const li = list.querySelector(`[data-message-id="${id}"]`);
              return li.getBoundingClientRect().top;
            }""",
            oldest,
        )
        await expect(messages).to_have_count(loaded)
        assert abs(await top_of(page, oldest) - before) <= 3
    await expect(messages.first).to_contain_text("message 0")

    # Reading in the middle: a new message arrives at the end, the view does not move.
    await page.locator(f'[data-message-id="{ids[60]}"]').scroll_into_view_if_needed()
    reading = await top_of(page, ids[60])
    scroll_top = await page.get_by_test_id("message-list").evaluate("l => l.scrollTop")
    await seed(lite, alice, room["id"], ["a live one"])
    await expect(messages).to_have_count(151)
    await expect(messages.last).to_contain_text("a live one")
    await expect(messages.last).not_to_be_in_viewport()
    assert abs(await top_of(page, ids[60]) - reading) <= 3
    assert await page.get_by_test_id("message-list").evaluate("l => l.scrollTop") == scroll_top

    # A fresh page shows the newest 50; a search hit far above opens scrolled to it,
    # highlighted, with the page around it loaded (not the whole history).
    await alice.request("PUT", f"/messages/{ids[60]}/pin")
    await page.reload()
    await expect(messages).to_have_count(50)
    # The pinned list's "Jump" loads the page around the pinned message.
    await page.get_by_test_id("pins-button").click()
    pinned = page.get_by_test_id("panel-message")
    await expect(pinned).to_have_count(1)
    await pinned.get_by_test_id("panel-jump").click()
    await expect(page.get_by_test_id("panel-dialog")).to_be_hidden()
    await expect_jumped_to(page, ids[60])
    await expect(page.locator(f'[data-message-id="{ids[3]}"]')).to_have_count(0)
    await page.get_by_test_id("search-input").fill("needle")
    await page.get_by_test_id("search-input").press("Enter")
    hit = page.get_by_test_id("search-result")
    await expect(hit).to_have_count(1)
    await hit.get_by_test_id("search-open").click()
    await expect(page.get_by_test_id("search-dialog")).to_be_hidden()
    await expect_jumped_to(page, ids[3])
    assert await messages.count() < 100
    await expect(page.get_by_test_id("jump-latest")).to_be_visible()
    # Scrolling down from there brings the newer pages, up to the live one.
    listing = page.get_by_test_id("message-list")
    for _ in range(8):
        shown_now = await messages.count()
        if shown_now == 151:
            break
        await listing.evaluate("l => { l.scrollTop = l.scrollHeight; }")
        await page.wait_for_function(
            "n => document.querySelectorAll('[data-testid=message]').length > n", arg=shown_now
        )
    await expect(messages).to_have_count(151)
    await expect(messages.last).to_contain_text("a live one")
    await expect(page.get_by_test_id("jump-latest")).to_be_hidden()
    assert b.scripts_ran() == [], b.incidents


async def test_upload_quote_mention_and_read_marker(lite: TestServer, open_page: OpenPage) -> None:
    alice, bob = await lite.user(), await lite.user()
    carol = await lite.user("zoecarol")  # a third member for the completion's list
    room = await lite.room(alice, "e2e composer", members=[bob, carol])
    rid = room["id"]
    read = await seed(lite, alice, rid, ["seen one", "seen two"])
    await bob.request("POST", f"/rooms/{rid}/ack", json={"message_id": read[-1]})
    unread = await seed(lite, alice, rid, ["unread one", "unread two"])

    # Bob opens the room: the "New messages" divider sits above the first unread one.
    b = await open_page(bob, room)
    divider = b.page.get_by_test_id("unread-divider")
    await expect(divider).to_have_count(1)
    await expect(divider).to_have_text("New messages")
    after = await divider.evaluate("d => d.nextElementSibling.dataset.messageId")
    assert int(after) == unread[0]
    a = await open_page(alice, room)
    await expect(a.page.get_by_test_id("unread-divider")).to_have_count(0)

    # Alice uploads an image: a progress bar follows the bytes; both see the preview.
    image = png(padding=2_000_000)
    await a.page.get_by_test_id("attach-input").set_input_files(
        {"name": "dot.png", "mimeType": "image/png", "buffer": image}
    )
    upload = a.page.get_by_test_id("upload")
    await expect(upload).to_have_attribute("data-state", "done")
    progress = upload.get_by_test_id("upload-progress")
    # The bar's maximum is the multipart body the browser reported, larger than the file.
    total = float(await progress.evaluate("p => p.max"))
    assert total > len(image)
    assert float(await progress.evaluate("p => p.value")) == total
    await a.page.get_by_test_id("composer-input").fill("a picture")
    await a.page.get_by_test_id("composer-input").press("Enter")
    await expect(upload).to_have_count(0)
    for person in (a, b):
        sent = person.page.get_by_test_id("message").filter(has_text="a picture")
        preview = sent.get_by_test_id("attachment-preview")
        await expect(preview).to_have_attribute("src", re.compile(r"^blob:"))
        await expect(preview).to_have_js_property("naturalWidth", 1)
    # Bob opens it larger; Escape closes.
    await b.page.get_by_test_id("attachment-image").click()
    viewer = b.page.get_by_test_id("attachment-dialog")
    await expect(viewer).to_be_visible()
    await expect(viewer.get_by_test_id("attachment-full")).to_have_attribute(
        "src", re.compile("^blob:")
    )
    await b.page.keyboard.press("Escape")
    await expect(viewer).to_be_hidden()

    # A pasted screenshot and a dropped file become uploads too.
    await a.page.evaluate(PASTE_AND_DROP)
    await expect(upload).to_have_count(2)
    await expect(upload.filter(has_text="pasted.png")).to_have_count(1)
    await expect(upload.filter(has_text="dropped.png")).to_have_count(1)
    for _ in range(2):
        await upload.first.get_by_test_id("upload-cancel").click()
    await expect(upload).to_have_count(0)

    # An author's name opens their profile (the people feature's dialog).
    await (
        b.page.get_by_test_id("message")
        .filter(has_text="a picture")
        .get_by_test_id("message-author")
        .click()
    )
    await expect(b.page.get_by_test_id("profile-handle")).to_contain_text(alice.handle)
    await b.page.keyboard.press("Escape")
    await expect(b.page.get_by_test_id("profile-handle")).to_be_hidden()

    # A type the server refuses: its reason is shown, and the upload can be removed.
    await a.page.get_by_test_id("attach-input").set_input_files(
        {"name": "page.html", "mimeType": "text/html", "buffer": b"<p>hi</p>"}
    )
    await expect(upload).to_have_attribute("data-state", "failed")
    await expect(upload.get_by_test_id("upload-error")).to_contain_text("not accepted")
    await upload.get_by_test_id("upload-cancel").click()
    await expect(upload).to_have_count(0)

    # Bob mentions Alice with the completion: "@" offers the room's people but Bob
    # himself, by handle; the arrows move and wrap.
    box = b.page.get_by_test_id("composer-input")
    await box.press_sequentially("hey @")
    options = b.page.get_by_test_id("mention-option")
    await expect(b.page.get_by_test_id("mention-list")).to_have_attribute("role", "listbox")
    await expect(options).to_have_count(2)
    await expect(options.nth(1)).to_have_attribute("data-handle", carol.handle)
    await expect(box).to_have_attribute("aria-activedescendant", "mention-option-0")
    await box.press("ArrowDown")
    await expect(box).to_have_attribute("aria-activedescendant", "mention-option-1")
    await expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    await box.press("ArrowDown")
    await expect(box).to_have_attribute("aria-activedescendant", "mention-option-0")
    await box.press("ArrowUp")
    await expect(box).to_have_attribute("aria-activedescendant", "mention-option-1")
    # The start of her handle leaves only Alice, selected.
    await box.press_sequentially(alice.handle[:5])
    await expect(options).to_have_count(1)
    await expect(options.first).to_have_attribute("data-handle", alice.handle)
    await expect(options.first).to_have_attribute("aria-selected", "true")
    await expect(box).to_have_attribute("aria-activedescendant", "mention-option-0")
    # Enter takes the option (and does not send).
    await box.press("Enter")
    await expect(box).to_have_value(f"hey @{alice.handle} ")
    await expect(b.page.get_by_test_id("mention-list")).to_be_hidden()
    await box.press_sequentially("look up")
    await box.press("Enter")
    mention = a.page.get_by_test_id("message").filter(has_text="look up")
    await expect(mention).to_have_class(re.compile(r"\bmentioned\b"))
    # Her handle in it is painted (a CSS highlight over the body's text, no element).
    painted = await mention.get_by_test_id("message-body").evaluate(
        """body => [...(CSS.highlights.get("mention-me") || [])]
          .filter(r => body.contains(r.startContainer)).map(r => r.toString())"""
    )
    assert painted == [f"@{alice.handle}"]

    # Alice quotes Bob's message and answers: both see the quote with his name and text.
    await open_actions(mention)  # the action is in the More menu
    await mention.get_by_test_id("message-quote").click()
    await expect(a.page.get_by_test_id("quote-bar")).to_contain_text(shown(bob))
    await a.page.get_by_test_id("composer-input").fill("agreed")
    await a.page.get_by_test_id("composer-input").press("Enter")
    await expect(a.page.get_by_test_id("quote-bar")).to_be_hidden()
    for person in (a, b):
        answer = person.page.get_by_test_id("message").filter(has_text="agreed")
        quote = answer.get_by_test_id("message-quote-ref")
        await expect(quote).to_contain_text(shown(bob))
        await expect(quote).to_contain_text("look up")

    for person in (a, b):
        assert person.scripts_ran() == [], person.incidents


async def test_live_changes_heard_while_a_page_of_history_loads_are_kept(
    lite: TestServer, open_page: OpenPage
) -> None:
    alice, bob = await lite.user(), await lite.user()
    lobby = await lite.room(alice, "lobby", members=[bob])
    busy = await lite.room(alice, "busy", members=[bob])
    earlier = await bob.send(busy, "the plan, first draft")
    a = await open_page(alice, lobby)
    page = a.page

    # Opening "busy": its history is read now but reaches the page only after Bob has
    # edited the message, reacted to it, given it an embed and written a new one.
    held, release = asyncio.Event(), asyncio.Event()

    async def hold(route: Any) -> None:
        response = await route.fetch()
        held.set()
        await release.wait()
        await route.fulfill(response=response)

    def history(url: str) -> bool:
        return f"/api/v1/rooms/{busy['id']}/messages?limit=" in url

    await page.route(history, hold)
    await page.locator(f'[data-testid=room-link][data-room-id="{busy["id"]}"]').click()
    await asyncio.wait_for(held.wait(), 15)
    path = f"/messages/{earlier['id']}"
    await bob.request("PATCH", path, json={"content": "the plan, final"})
    await bob.request("PUT", f"{path}/reactions/👍")
    card = {"title": "The plan", "url": "https://example.org/plan"}
    await bob.request("POST", f"{path}/embeds", json={"embeds": [card]})
    await bob.send(busy, "and a new message")
    release.set()

    message = page.locator(f'[data-testid=message][data-message-id="{earlier["id"]}"]')
    await expect(message.get_by_test_id("message-body")).to_have_text("the plan, final")
    await expect(message.get_by_test_id("reaction")).to_have_text(re.compile(r"👍\s*1"))
    await expect(message.get_by_test_id("message-embed")).to_have_count(1)
    messages = page.get_by_test_id("message")
    await expect(messages.filter(has_text="and a new message")).to_have_count(1)
    await expect(messages).to_have_count(2)
    await page.unroute(history)
    assert a.scripts_ran() == [], a.incidents

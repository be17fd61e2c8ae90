"""People in the browser: the room's presence list, one's own status, profiles (seen and
edited, avatar included) followed live by another user, and the inbox paged past 50."""

from __future__ import annotations

import asyncio
import re
import struct
import zlib
from typing import Any

import httpx
from playwright.async_api import expect

from hubbub.testing import TestServer, TestUser
from tests.e2e.conftest import OpenPage


def shown(user: TestUser) -> str:
    return str(user.user.get("display_name") or user.handle)


def png(width: int = 4, height: int = 4) -> bytes:
    """A small valid PNG (solid colour)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x30\x60\x90" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


async def test_presence_status_and_profiles_follow_live(
    lite: TestServer, open_page: OpenPage
) -> None:
    alice, bob = await lite.user(), await lite.user()
    room = await lite.room(alice, "people", members=[bob])
    await alice.send(room, "hi from alice")
    b = await open_page(bob, room)
    a = await open_page(alice, room)

    # Bob sees Alice arrive in the room's presence list, online.
    row = b.page.locator(f'[data-testid=presence-member][data-user-id="{alice.id}"]')
    await expect(row).to_have_attribute("data-status", "online")
    online = b.page.locator("[data-testid=presence-group][data-status=online]")
    await expect(online.get_by_test_id("presence-count")).to_have_text("2")
    await expect(row.get_by_test_id("presence-name")).to_have_text(shown(alice))

    # Someone joining shows up live (offline: no gateway connection); leaving removes them.
    carol = await lite.user()
    await carol.join(room)
    offline = b.page.locator("[data-testid=presence-group][data-status=offline]")
    joined = offline.locator(f'[data-user-id="{carol.id}"]').get_by_test_id("presence-name")
    await expect(joined).to_have_text(shown(carol))
    await carol.request("POST", f"/rooms/{room['id']}/leave")
    await expect(
        b.page.locator(f'[data-testid=presence-member][data-user-id="{carol.id}"]')
    ).to_have_count(0)

    # Alice goes "do not disturb" with a status text; Bob sees both live.
    await a.page.get_by_test_id("my-status-button").click()
    await expect(a.page.get_by_test_id("my-status-select")).to_be_focused()
    await a.page.get_by_test_id("my-status-select").select_option("busy")
    await a.page.get_by_test_id("my-status-text").fill("in a meeting")
    await a.page.get_by_test_id("my-status-save").click()
    await expect(a.page.get_by_test_id("my-status-dialog")).not_to_be_visible()
    await expect(a.page.get_by_test_id("my-status-button")).to_have_attribute("data-status", "busy")
    busy = b.page.locator("[data-testid=presence-group][data-status=busy]")
    await expect(busy.locator(f'[data-user-id="{alice.id}"]')).to_have_count(1)
    await expect(row).to_have_attribute("data-status", "busy")
    await expect(row.get_by_test_id("presence-status-text")).to_have_text("in a meeting")
    await expect(online.get_by_test_id("presence-count")).to_have_text("1")

    # Bob opens Alice's profile from the list.
    await row.get_by_test_id("presence-name").click()
    card = b.page.get_by_test_id("profile-dialog")
    await expect(card).to_be_visible()
    await expect(card.get_by_test_id("profile-name")).to_have_text(shown(alice))
    await expect(card.get_by_test_id("profile-handle")).to_have_text(f"@{alice.handle}")
    await expect(card.get_by_test_id("profile-status")).to_have_text("Do not disturb")
    await expect(card.get_by_test_id("profile-status-text")).to_have_text("in a meeting")
    await expect(card.get_by_test_id("profile-stats")).to_contain_text("1 message ·")
    await expect(card.get_by_test_id("profile-message")).to_be_focused()

    # Alice edits her profile; a refused handle shows the server's error, keeps her input.
    await a.page.get_by_test_id("profile-button").click()
    await a.page.get_by_test_id("profile-edit").click()
    await expect(a.page.get_by_test_id("profile-edit-display-name")).to_be_focused()
    await a.page.get_by_test_id("profile-edit-display-name").fill("Alice Liddell")
    await a.page.get_by_test_id("profile-edit-about").fill("Down the rabbit hole.")
    await a.page.get_by_test_id("profile-edit-handle").fill("not a handle!")
    await a.page.get_by_test_id("profile-edit-save").click()
    await expect(a.page.get_by_test_id("profile-edit-error")).not_to_have_text("")
    await expect(a.page.get_by_test_id("profile-edit-display-name")).to_have_value("Alice Liddell")
    await a.page.get_by_test_id("profile-edit-handle").fill(alice.handle)
    await a.page.get_by_test_id("profile-edit-save").click()
    await expect(a.page.get_by_test_id("profile-edit-dialog")).not_to_be_visible()
    await expect(a.page.get_by_test_id("me-name")).to_have_text("Alice Liddell")

    # Bob's open profile dialog and presence list follow (user.updated).
    await expect(card.get_by_test_id("profile-name")).to_have_text("Alice Liddell")
    await expect(card.get_by_test_id("profile-about")).to_have_text("Down the rabbit hole.")
    await expect(row.get_by_test_id("presence-name")).to_have_text("Alice Liddell")
    said = b.page.get_by_test_id("message").filter(has_text="hi from alice")
    await expect(said.get_by_test_id("message-author")).to_have_text("Alice Liddell")

    # The avatar: a wrong file is refused in place; a PNG shows a preview, then uploads.
    await a.page.get_by_test_id("profile-button").click()
    await a.page.get_by_test_id("profile-edit").click()
    chooser = a.page.get_by_test_id("profile-edit-avatar-input")
    await chooser.set_input_files(
        files=[{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"hello"}]
    )
    await expect(a.page.get_by_test_id("profile-edit-avatar-error")).to_contain_text("PNG")
    # One that claims to be a PNG but is not: the server's refusal shows, the file stays.
    await chooser.set_input_files(
        files=[{"name": "fake.png", "mimeType": "image/png", "buffer": b"not an image"}]
    )
    await expect(a.page.get_by_test_id("profile-edit-avatar-error")).to_have_text("")
    await a.page.get_by_test_id("profile-edit-avatar-upload").click()
    await expect(a.page.get_by_test_id("profile-edit-avatar-error")).not_to_have_text("")
    await expect(a.page.get_by_test_id("profile-edit-avatar-preview")).to_have_attribute(
        "src", re.compile(r"^blob:")
    )
    await expect(a.page.get_by_test_id("profile-edit-avatar-upload")).to_be_enabled()
    await chooser.set_input_files(
        files=[{"name": "me.png", "mimeType": "image/png", "buffer": png()}]
    )
    preview = a.page.get_by_test_id("profile-edit-avatar-preview")
    await expect(preview).to_be_visible()
    await expect(preview).to_have_attribute("src", re.compile(r"^blob:"))
    await a.page.get_by_test_id("profile-edit-avatar-upload").click()
    await expect(preview).to_be_hidden()
    avatar_src = re.compile(rf"^/api/v1/users/{alice.id}/avatar/[0-9a-f]{{32}}$")
    await expect(a.page.get_by_test_id("profile-edit-avatar-current")).to_have_attribute(
        "src", avatar_src
    )
    await expect(card.get_by_test_id("profile-avatar")).to_have_attribute("src", avatar_src)
    await expect(row.get_by_test_id("presence-avatar")).to_have_attribute("src", avatar_src)
    # The image really loads (public URL, allowed by the CSP).
    loaded = await card.get_by_test_id("profile-avatar").evaluate(
        "img => img.decode().then(() => img.naturalWidth)"
    )
    assert loaded == 4

    # Removal: Bob's list falls back to the initial.
    await a.page.get_by_test_id("profile-edit-avatar-remove").click()
    await expect(row.locator("span[data-testid=presence-avatar]")).to_have_text("A")
    await a.page.keyboard.press("Escape")
    await expect(a.page.get_by_test_id("profile-edit-dialog")).not_to_be_visible()

    # "Message" opens the DM with Alice.
    await card.get_by_test_id("profile-message").click()
    await expect(card).not_to_be_visible()
    await expect(b.page.get_by_test_id("room-name")).to_have_text("Alice Liddell")

    # At phone width the list folds behind the "People" toggle of the room header.
    await b.page.set_viewport_size({"width": 360, "height": 700})
    in_dm = b.page.locator(f'[data-testid=presence-member][data-user-id="{alice.id}"]')
    toggle = b.page.get_by_test_id("presence-toggle")
    await expect(in_dm).to_be_hidden()
    await expect(toggle).to_have_attribute("aria-expanded", "false")
    # The room's tools themselves fold behind one header button on a phone.
    await expect(toggle).to_be_hidden()
    await b.page.get_by_test_id("tools-button").click()
    await toggle.click()
    await expect(in_dm).to_be_visible()
    await expect(toggle).to_have_attribute("aria-expanded", "true")

    for person in (a, b):
        assert person.scripts_ran() == [], person.incidents


async def test_inbox_pages_past_50_and_follows_live(lite: TestServer, open_page: OpenPage) -> None:
    # 53 mentions of Alice, sent over REST by six people (each within the server's burst
    # of messages per user, so none waits for its rate limit), oldest first.
    alice = await lite.user()
    senders = [await lite.user() for _ in range(6)]
    room = await lite.room(senders[0], "mentions", members=[alice, *senders[1:]])
    clients = [
        httpx.AsyncClient(
            base_url=f"{lite.url}/api/v1", headers={"Authorization": f"Bearer {u.token}"}
        )
        for u in senders
    ]
    try:
        for i in range(53):
            body = {"content": f"@{alice.handle} ping {i}"}
            sent = await clients[i % len(clients)].post(f"/rooms/{room['id']}/messages", json=body)
            sent.raise_for_status()
    finally:
        for http in clients:
            await http.aclose()
    a = await open_page(alice)
    await expect(a.page.get_by_test_id("inbox-count")).to_have_text("53")

    await a.page.get_by_test_id("inbox-button").click()
    items = a.page.get_by_test_id("notification")
    await expect(items).to_have_count(50)
    await expect(items.first).to_contain_text("ping 52")
    await expect(items.first.get_by_test_id("notification-kind")).to_have_text("Mention")
    await expect(items.first).to_have_attribute("data-kind", "mention")
    more = a.page.get_by_test_id("inbox-more")
    await more.click()
    await expect(items).to_have_count(53)
    await expect(items.last).to_contain_text("ping 0")
    await expect(more).to_be_hidden()

    # A new one arrives while the list is open: on top, the older pages kept.
    await senders[-1].send(room, f"@{alice.handle} one more")
    await expect(items).to_have_count(54)
    await expect(items.first).to_contain_text("one more")
    await expect(a.page.get_by_test_id("inbox-count")).to_have_text("54")

    # Opening one marks it read and jumps to its message (the oldest: "ping 0", a page
    # and more back from the newest), highlighted.
    await items.last.get_by_test_id("notification-open").click()
    await expect(a.page.get_by_test_id("room-name")).to_have_text("# mentions")
    jumped = a.page.locator("[data-testid=message].jumped")
    await expect(jumped).to_have_count(1)
    await expect(jumped.get_by_test_id("message-body")).to_have_text(f"@{alice.handle} ping 0")
    await expect(a.page.get_by_test_id("inbox-count")).to_have_text("53")

    # "Mark all read" keeps the pages loaded and marks each row read in place.
    await a.page.get_by_test_id("inbox-button").click()
    await expect(items).to_have_count(50)
    await a.page.get_by_test_id("inbox-more").click()
    await expect(items).to_have_count(54)
    await a.page.get_by_test_id("inbox-read-all").click()
    await expect(a.page.get_by_test_id("inbox-count")).to_be_hidden()
    await expect(items).to_have_count(54)
    await expect(a.page.locator("[data-testid=notification].unread")).to_have_count(0)

    assert a.scripts_ran() == [], a.incidents


async def test_a_stale_unread_count_does_not_undo_a_live_notification(
    lite: TestServer, open_page: OpenPage
) -> None:
    alice, bob = await lite.user(), await lite.user()
    room = await lite.room(alice, "counted", members=[bob])
    a = await open_page(alice, room)
    page = a.page
    count = page.get_by_test_id("inbox-count")

    # The count asked for on a (re)connection is held on the network: its answer (0)
    # is computed before Bob's mention and arrives after it.
    held, release = asyncio.Event(), asyncio.Event()

    async def hold(route: Any) -> None:
        if held.is_set():
            await route.continue_()
            return
        response = await route.fetch()  # the server's count now: before the mention
        held.set()
        await release.wait()
        await route.fulfill(response=response)

    def unread_count(url: str) -> bool:
        return url.endswith("/api/v1/notifications/unread_count")

    await page.route(unread_count, hold)
    assert lite.drop_connections() >= 1  # the page reconnects: a `ready`, a recount
    await asyncio.wait_for(held.wait(), 15)
    await bob.send(room, f"@{alice.handle} while you were counting")
    await expect(count).to_have_text("1")
    async with page.expect_event("requestfinished", lambda r: unread_count(r.url)):
        release.set()

    # The stale 0 was dropped: the next mention makes 2, and the server agrees.
    await bob.send(room, f"@{alice.handle} and again")
    await expect(count).to_have_text("2")
    await expect(page.get_by_test_id("inbox-button")).to_have_attribute(
        "aria-label", "Notifications, 2 unread"
    )
    await page.unroute(unread_count)
    assert a.scripts_ran() == [], a.incidents

"""Desktop notifications, opt-in from the inbox: a mention heard live while another room
is open is shown on the desktop, and clicking it opens the room at the message. The
page's `Notification` is the browser's API; the test records what the client asks of
it (a headless browser has no desktop to show it on)."""

from __future__ import annotations

from typing import Any

from playwright.async_api import expect

from hubbub.testing import TestServer
from tests.e2e.conftest import OpenPage

_RECORD = """
(() => {
  window.__shown = [];
  class Recorded {
    // The browser remembers a site's permission: so does this, across reloads.
    static get permission() { return localStorage.getItem("test.permission") || "default"; }
    static async requestPermission() {
      localStorage.setItem("test.permission", "granted");
      return "granted";
    }
    constructor(title, options) {
      this.title = title;
      this.options = options || {};
      this.onclick = null;
      window.__shown.push(this);
    }
    close() { this.closed = true; }
  }
  window.Notification = Recorded;
})();
"""


async def shown(page: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = await page.evaluate(
        "() => window.__shown.map(n => ({title: n.title, body: n.options.body}))"
    )
    return found


async def flip_desktop(page: Any, was: bool) -> None:
    """Turns desktop notifications over in the inbox, from `was` to the other state."""
    await page.get_by_test_id("inbox-button").click()
    toggle = page.get_by_test_id("inbox-desktop")
    await expect(toggle).to_have_attribute("aria-pressed", str(was).lower())
    await toggle.click()
    await expect(toggle).to_have_attribute("aria-pressed", str(not was).lower())
    await page.keyboard.press("Escape")


async def test_a_mention_elsewhere_reaches_the_desktop_and_opens_its_message(
    lite: TestServer, open_page: OpenPage
) -> None:
    alice, bob = await lite.user(), await lite.user()
    lobby = await lite.room(alice, "lobby", members=[bob])
    other = await lite.room(bob, "elsewhere", members=[alice])
    a = await open_page(alice, lobby)
    await a.context.add_init_script(_RECORD)
    await a.page.reload()
    page = a.page
    await expect(page.get_by_test_id("composer-input")).to_be_enabled()

    # Off until asked for: nothing shows.
    await bob.send(other, f"@{alice.handle} first, unheard")
    await expect(page.get_by_test_id("inbox-count")).to_have_text("1")
    assert await shown(page) == []

    # Turned on in the inbox: the browser's permission is asked, the choice kept.
    await flip_desktop(page, was=False)

    # A mention in the room on screen, window focused: no desktop notification needed.
    await bob.send(lobby, f"@{alice.handle} right here")
    await expect(page.get_by_test_id("inbox-count")).to_have_text("2")
    assert await shown(page) == []

    # A mention in another room: on the desktop, with who, where and the words.
    sent = await bob.send(other, f"@{alice.handle} look at this")
    await expect(page.get_by_test_id("inbox-count")).to_have_text("3")
    await page.wait_for_function("() => window.__shown.length === 1")
    [note] = await shown(page)
    assert note["title"] == f"Mention · {bob.handle} in elsewhere"
    assert note["body"] == f"@{alice.handle} look at this"

    # Clicking it opens that room at that message, and reads it.
    await page.evaluate("() => window.__shown[0].onclick()")
    await expect(page.get_by_test_id("room-name")).to_have_text("# elsewhere")
    jumped = page.locator("[data-testid=message].jumped")
    await expect(jumped).to_have_attribute("data-message-id", str(sent["id"]))
    await expect(page.get_by_test_id("inbox-count")).to_have_text("2")
    assert await page.evaluate("() => window.__shown[0].closed === true")

    # The choice survives a reload; turned off, nothing more shows.
    await page.reload()
    # The app is up (the room open) before its buttons are used.
    await expect(page.get_by_test_id("composer-input")).to_be_enabled()
    await flip_desktop(page, was=True)
    await bob.send(lobby, f"@{alice.handle} after switching off")
    await expect(page.get_by_test_id("inbox-count")).to_have_text("3")
    assert await shown(page) == []
    assert a.scripts_ran() == []


# Run before the page: Chrome on Android's Notification, which exists and is granted but
# may not be constructed outside a service worker; and a browser refusing storage.
_ANDROID_NO_STORAGE = """
(() => {
  class ServiceWorkerOnly {
    static get permission() { return "granted"; }
    static async requestPermission() { return "granted"; }
    constructor() { throw new TypeError("Illegal constructor"); }
  }
  window.Notification = ServiceWorkerOnly;
  const refuse = () => { throw new DOMException("storage refused", "SecurityError"); };
  const { getItem, setItem } = Storage.prototype;
  Storage.prototype.getItem = function (key) {
    return key === "hubbub.desktop-notifications" ? refuse() : getItem.call(this, key);
  };
  Storage.prototype.setItem = function (key, value) {
    return key === "hubbub.desktop-notifications" ? refuse() : setItem.call(this, key, value);
  };
})();
"""


async def test_a_browser_that_refuses_the_notification_or_storage_keeps_the_inbox(
    lite: TestServer, open_page: OpenPage
) -> None:
    alice, bob = await lite.user(), await lite.user()
    lobby = await lite.room(alice, "lobby", members=[bob])
    other = await lite.room(bob, "elsewhere", members=[alice])
    a = await open_page(alice, lobby)
    await a.context.add_init_script(_ANDROID_NO_STORAGE)
    await a.page.reload()
    page = a.page
    await expect(page.get_by_test_id("composer-input")).to_be_enabled()

    # The choice holds for the page without storage; a notification that cannot be shown
    # on the desktop is still counted and listed, and nothing breaks.
    await flip_desktop(page, was=False)
    await bob.send(other, f"@{alice.handle} can you see this?")
    await expect(page.get_by_test_id("inbox-count")).to_have_text("1")
    await page.get_by_test_id("inbox-button").click()
    await expect(page.get_by_test_id("notification")).to_have_count(1)
    await expect(page.get_by_test_id("inbox-desktop")).to_have_attribute("aria-pressed", "true")
    assert a.scripts_ran() == [], a.incidents

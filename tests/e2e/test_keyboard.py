"""The client without a mouse, and what assistive technology reads: rooms reached and
opened from the keyboard, dialogs that take the focus and give it back, and every
control, field and dialog of the main views with an accessible name."""

from __future__ import annotations

from typing import Any

from playwright.async_api import expect

from hubbub.testing import TestServer
from tests.e2e.conftest import OpenPage

# Run in the page: every visible control without an accessible name, every dialog
# without a label, every field without a label. A name is what a screen reader would
# announce: text, aria-label, aria-labelledby, title, or a <label> for fields.
_UNNAMED = """
() => {
  // Shown, and not hidden from assistive technology on purpose.
  const visible = (n) =>
    !!(n.offsetWidth || n.offsetHeight || n.getClientRects().length) &&
    !n.closest("[aria-hidden=true]");
  const named = (n) => {
    if ((n.getAttribute("aria-label") || "").trim()) return true;
    const by = n.getAttribute("aria-labelledby");
    if (by && by.split(/\\s+/).every((id) => document.getElementById(id))) return true;
    if ((n.getAttribute("title") || "").trim()) return true;
    return false;
  };
  const out = [];
  const describe = (n) => n.outerHTML.slice(0, 160);
  for (const n of document.querySelectorAll("button, a[href], [role=button], [role=menuitem]")) {
    if (visible(n) && !n.textContent.trim() && !named(n)) out.push("control " + describe(n));
  }
  for (const n of document.querySelectorAll("input, textarea, select")) {
    if (n.type === "hidden" || !visible(n)) continue;
    if (!(n.labels && n.labels.length) && !named(n) && !n.getAttribute("placeholder"))
      out.push("field " + describe(n));
  }
  for (const n of document.querySelectorAll("dialog")) {
    if (!named(n)) out.push("dialog " + describe(n));
  }
  return out;
}
"""


# Run in the page: the visible elements reaching past the right edge of the screen.
_TOO_WIDE = """
() => [...document.querySelectorAll("body *")]
  .filter((n) => n.getClientRects().length && n.getBoundingClientRect().right > innerWidth + 1)
  .filter((n) => !n.closest("dialog:not([open]), [hidden]"))
  .map((n) => n.outerHTML.slice(0, 120))
"""


async def unnamed(page: Any) -> list[str]:
    found: list[str] = await page.evaluate(_UNNAMED)
    return found


async def test_rooms_and_dialogs_from_the_keyboard(lite: TestServer, open_page: OpenPage) -> None:
    alice = await lite.user()
    first = await lite.room(alice, "alpha")
    second = await lite.room(alice, "beta")
    await alice.send(second, "hello beta")
    a = await open_page(alice, first)
    page = a.page

    # The open room's composer has the focus, and keeps it while the history loads.
    await expect(page.get_by_test_id("composer-input")).to_be_focused()
    await expect(page.get_by_test_id("message-list")).to_have_attribute("aria-busy", "false")

    # The room list has one tab stop, the open room; arrows move, Enter opens.
    current = page.locator(f'[data-testid=room-link][data-room-id="{first["id"]}"]')
    await expect(current).to_have_attribute("tabindex", "0")
    await current.focus()
    await page.keyboard.press("End")
    last = page.locator(f'[data-testid=room-link][data-room-id="{second["id"]}"]')
    await expect(last).to_be_focused()
    await page.keyboard.press("Home")
    await expect(page.get_by_test_id("room-link").first).to_be_focused()
    await page.keyboard.press("ArrowDown")
    await expect(last).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(page.get_by_test_id("room-name")).to_have_text("# beta")
    await expect(page.get_by_test_id("message").filter(has_text="hello beta")).to_have_count(1)
    # The composer takes the focus when a room opens: one can type at once.
    await expect(page.get_by_test_id("composer-input")).to_be_focused()
    await page.keyboard.type("typed without a mouse")
    await page.keyboard.press("Enter")
    sent = page.get_by_test_id("message").filter(has_text="typed without a mouse")
    await expect(sent).to_have_count(1)

    # A dialog opened from the keyboard takes the focus, Escape closes it and the focus
    # goes back to the button that opened it.
    button = page.get_by_test_id("sessions-button")
    await button.focus()
    await page.keyboard.press("Enter")
    dialog = page.get_by_test_id("sessions-dialog")
    await expect(dialog).to_be_visible()
    assert await dialog.evaluate("(d) => d.contains(document.activeElement)")
    await page.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()
    await expect(button).to_be_focused()

    members = page.get_by_test_id("members-button")
    await members.focus()
    await page.keyboard.press("Enter")
    await expect(page.get_by_test_id("panel-dialog")).to_be_visible()
    await page.keyboard.press("Escape")
    await expect(members).to_be_focused()
    assert a.scripts_ran() == []


async def test_every_control_field_and_dialog_of_the_main_views_has_a_name(
    lite: TestServer, open_page: OpenPage
) -> None:
    alice, bob = await lite.user(), await lite.user()
    room = await lite.room(alice, "names", members=[bob])
    await bob.send(room, "a message with every action")
    music = await lite.room(alice, "tunes", kind="music", members=[bob])
    voice = await lite.room(alice, "talk", kind="voice", members=[bob])
    a = await open_page(alice, room)
    page = a.page
    await expect(page.get_by_test_id("message")).to_have_count(1)
    assert await unnamed(page) == []
    # Each dialog, opened: its fields and buttons too.
    for opener, dialog in [
        ("settings-button", "settings-dialog"),
        ("inbox-button", "inbox-dialog"),
        ("directory-button", "directory-dialog"),
        ("moderation-button", "moderation-dialog"),
        ("profile-button", "profile-dialog"),
        ("my-status-button", "my-status-dialog"),
    ]:
        await page.get_by_test_id(opener).click()
        shown = page.get_by_test_id(dialog)
        await expect(shown).to_be_visible()
        assert await unnamed(page) == [], opener
        await page.keyboard.press("Escape")
        await expect(shown).to_be_hidden()
    # The quick switcher, opened from the keyboard.
    await page.keyboard.press("Control+k")
    switcher = page.get_by_test_id("switcher-dialog")
    await expect(switcher).to_be_visible()
    assert await unnamed(page) == [], "switcher"
    await page.keyboard.press("Escape")
    await expect(switcher).to_be_hidden()
    for other in (music, voice):
        await page.goto(f"{lite.url}/#/rooms/{other['id']}")
        await expect(page.get_by_test_id("room-name")).to_have_text(f"# {other['name']}")
        await expect(page.get_by_test_id("room-aside")).to_be_visible()
        assert await unnamed(page) == [], other["name"]
    # At phone width nothing is wider than the screen, in any kind of room.
    await page.set_viewport_size({"width": 360, "height": 700})
    for each in (room, music, voice):
        await page.goto(f"{lite.url}/#/rooms/{each['id']}")
        await expect(page.get_by_test_id("composer-input")).to_be_enabled()
        wide = await page.evaluate(_TOO_WIDE)
        assert wide == [], (each["name"], wide)
    # With the drawer open.
    await page.get_by_test_id("menu-button").click()
    assert await unnamed(page) == []
    assert a.scripts_ran() == []


async def test_up_in_the_empty_composer_edits_ones_last_message(
    lite: TestServer, open_page: OpenPage
) -> None:
    alice, bob = await lite.user(), await lite.user()
    room = await lite.room(alice, "edits", members=[bob])
    await alice.send(room, "my first")
    mine = await alice.send(room, "my second")
    await bob.send(room, "bob's after")
    a = await open_page(alice, room)
    page = a.page
    composer = page.get_by_test_id("composer-input")
    last = page.locator(f'[data-testid=message][data-message-id="{mine["id"]}"]')
    editor = last.get_by_test_id("message-edit-input")

    # With text in the composer, Up stays a caret key.
    await composer.fill("not empty")
    await composer.press("ArrowUp")
    await expect(page.get_by_test_id("message-edit-input")).to_have_count(0)
    await composer.fill("")

    # Empty, Up edits her newest message (not Bob's after it); Escape comes back.
    await composer.press("ArrowUp")
    await expect(editor).to_be_focused()
    await expect(editor).to_have_value("my second")
    await page.keyboard.press("Escape")
    await expect(editor).to_have_count(0)
    await expect(composer).to_be_focused()

    # Up again, a change saved with Enter: shown edited, the composer has the focus.
    await composer.press("ArrowUp")
    await expect(editor).to_be_focused()
    await editor.fill("my second, edited")
    await editor.press("Enter")
    await expect(last.get_by_test_id("message-body")).to_have_text("my second, edited")
    await expect(last.get_by_test_id("message-edited")).to_be_visible()
    await expect(composer).to_be_focused()
    assert a.scripts_ran() == [], a.incidents

"""A message's actions: a compact toolbar (quick reactions, Reply, Edit, ⋯ More) shown on
hover or keyboard focus on a desktop and only on the tapped message on a phone, and a More
menu (role="menu") with the other actions, driven by mouse and keyboard; what an action
does is seen live by the other user."""

from __future__ import annotations

import re
from typing import Any

from playwright.async_api import expect

from hubbub.testing import TestServer
from tests.e2e.actions import open_actions
from tests.e2e.conftest import OpenPage
from tests.e2e.test_messages import seed


async def focused_testid(page: Any) -> str | None:
    testid: str | None = await page.evaluate(
        "() => document.activeElement && document.activeElement.getAttribute('data-testid')"
    )
    return testid


async def test_toolbar_and_more_menu_by_mouse_keyboard_and_on_a_phone(
    lite: TestServer, open_page: OpenPage
) -> None:
    alice, bob = await lite.user(), await lite.user()
    room = await lite.room(alice, "e2e actions", members=[bob])
    for text in ("first from bob", "second from bob", "third from bob"):
        await bob.send(room, text)
    await alice.send(room, "mine from alice")
    a = await open_page(alice, room)
    b = await open_page(bob, room)
    page = a.page
    messages = page.get_by_test_id("message")
    second = messages.filter(has_text="second from bob")
    third = messages.filter(has_text="third from bob")
    mine = messages.filter(has_text="mine from alice")
    await expect(messages).to_have_count(4)

    # Desktop: the toolbar shows on hover only, compact; the other actions wait in a menu.
    toolbar = second.get_by_test_id("message-toolbar")
    await expect(toolbar).to_be_hidden()
    await second.hover()
    await expect(toolbar).to_be_visible()
    await expect(toolbar.get_by_test_id("message-react")).to_have_count(3)
    await expect(toolbar.get_by_test_id("message-reply")).to_be_visible()
    await expect(second.get_by_test_id("message-pin")).to_be_hidden()
    await expect(third.get_by_test_id("message-toolbar")).to_be_hidden()

    # Keyboard: into the list, Up moves between messages, Tab reaches the toolbar.
    await page.get_by_test_id("composer-input").hover()  # the mouse leaves the messages
    await page.get_by_test_id("message-list").focus()
    await page.keyboard.press("ArrowUp")
    await expect(mine).to_be_focused()
    await page.keyboard.press("ArrowUp")
    await expect(third).to_be_focused()
    await page.keyboard.press("ArrowUp")
    await expect(second).to_be_focused()
    await page.keyboard.press("ArrowDown")
    await page.keyboard.press("ArrowUp")
    await expect(second).to_be_focused()
    await expect(toolbar).to_be_visible()
    more = second.get_by_test_id("message-more")
    for _ in range(10):
        if await focused_testid(page) == "message-more":
            break
        await page.keyboard.press("Tab")
    await expect(more).to_be_focused()
    await expect(more).to_have_attribute("aria-haspopup", "menu")

    # The menu opens by keyboard on its first item; arrows, Home and End move; the
    # destructive actions (the owner's moderation tools) come last; Escape closes it.
    menu = second.get_by_test_id("message-menu")
    await page.keyboard.press("Enter")
    await expect(menu).to_be_visible()
    await expect(menu).to_have_attribute("role", "menu")
    await expect(more).to_have_attribute("aria-expanded", "true")
    items = menu.get_by_role("menuitem")
    await expect(items.last).to_have_attribute("data-testid", "message-ban")
    await expect(items.first).to_have_attribute("data-testid", "message-star")
    await expect(items.first).to_be_focused()
    await page.keyboard.press("ArrowDown")
    await expect(menu.get_by_test_id("message-pin")).to_be_focused()
    await page.keyboard.press("End")
    await expect(items.last).to_be_focused()
    await expect(items.last).to_have_class("menu-item danger")
    await page.keyboard.press("Home")
    await page.keyboard.press("ArrowUp")  # wraps round to the last
    await expect(items.last).to_be_focused()
    await page.keyboard.press("Escape")
    await expect(menu).to_be_hidden()
    await expect(more).to_be_focused()
    await expect(more).to_have_attribute("aria-expanded", "false")

    # An action from the menu: Pin. Bob sees it live; Alice's keyboard stays on ⋯.
    await page.keyboard.press("ArrowDown")
    await expect(items.first).to_be_focused()
    await page.keyboard.press("ArrowDown")
    await page.keyboard.press("Enter")
    await expect(menu).to_be_hidden()
    await expect(second.get_by_test_id("message-pinned")).to_be_visible()
    bobs_second = b.page.get_by_test_id("message").filter(has_text="second from bob")
    await expect(bobs_second.get_by_test_id("message-pinned")).to_be_visible()
    await expect(more).to_be_focused()

    # One's own message: Edit in the toolbar; Delete last in the menu, as danger. A click
    # outside closes the menu.
    await mine.hover()
    await expect(mine.get_by_test_id("message-edit")).to_be_visible()
    await mine.get_by_test_id("message-more").click()
    own_items = mine.get_by_test_id("message-menu").get_by_role("menuitem")
    await expect(own_items.last).to_have_attribute("data-testid", "message-delete")
    await expect(mine.get_by_test_id("message-star")).to_have_count(0)
    await page.get_by_test_id("room-name").click()
    await expect(mine.get_by_test_id("message-menu")).to_be_hidden()

    # Edit from the toolbar: Bob's reaction redraws the message meanwhile, and what Alice
    # is typing stays, with the keyboard in it.
    mine_id = await mine.get_attribute("data-message-id")
    own = page.locator(f'[data-testid=message][data-message-id="{mine_id}"]')
    await own.hover()
    await own.get_by_test_id("message-edit").click()
    editor = own.get_by_test_id("message-edit-input")
    await editor.fill("mine, edited")
    await bob.request("PUT", f"/messages/{mine_id}/reactions/🎉")
    await expect(own.get_by_test_id("reaction")).to_have_text("🎉 1")
    await expect(editor).to_have_value("mine, edited")
    await expect(editor).to_be_focused()
    await editor.press("Enter")
    bobs_view = b.page.locator(f'[data-testid=message][data-message-id="{mine_id}"]')
    await expect(bobs_view.get_by_test_id("message-body")).to_have_text("mine, edited")

    # A phone: no toolbar until a message is tapped; a tap on another moves it there.
    await page.set_viewport_size({"width": 390, "height": 800})
    await page.get_by_test_id("composer-input").click()
    visible_bars = page.locator("[data-testid=message-toolbar]:visible")
    await expect(visible_bars).to_have_count(0)
    await third.get_by_test_id("message-body").click()
    await expect(third.get_by_test_id("message-toolbar")).to_be_visible()
    await expect(visible_bars).to_have_count(1)
    await second.get_by_test_id("message-body").click()
    await expect(second.get_by_test_id("message-toolbar")).to_be_visible()
    await expect(third.get_by_test_id("message-toolbar")).to_be_hidden()
    await expect(visible_bars).to_have_count(1)
    # A quick reaction from the tapped message reaches Bob.
    await second.get_by_test_id("message-react").filter(has_text="👍").click()
    await expect(bobs_second.get_by_test_id("reaction")).to_have_text("👍 1")
    # The menu is a sheet at the bottom of the screen; Escape closes it.
    await second.get_by_test_id("message-more").click()
    await expect(menu).to_be_visible()
    box = await menu.bounding_box()
    assert box is not None and abs(box["y"] + box["height"] - 800) < 2, box
    await page.keyboard.press("Escape")
    await expect(menu).to_be_hidden()

    for person in (a, b):
        assert person.scripts_ran() == [], person.incidents


async def test_toolbars_are_built_when_needed_and_message_parts_answer_from_the_list(
    lite: TestServer, open_page: OpenPage
) -> None:
    """A message's toolbar and menu exist only once the pointer, the keyboard or a tap
    reaches it, and a redraw keeps them (an open menu too); the author's name, the reaction
    chips and a quote answer one listener on the list, not one of their own."""
    alice, bob = await lite.user(), await lite.user()
    room = await lite.room(alice, "e2e lazy actions", members=[bob])
    first = await bob.send(room, "message 0")
    sent = [first] + [await bob.send(room, f"message {i}") for i in range(1, 59)]
    quoting = await bob.send(room, "quoting the first", quote_of={"id": first["id"]})
    await bob.request("PUT", f"/messages/{quoting['id']}/reactions/🎉")
    a = await open_page(alice, room)
    page = a.page
    messages = page.get_by_test_id("message")
    toolbars = page.get_by_test_id("message-toolbar")

    def by_id(message: dict[str, Any]) -> Any:
        return page.locator(f'[data-testid=message][data-message-id="{message["id"]}"]')

    last = by_id(quoting)
    await expect(last.get_by_test_id("reaction")).to_have_text("🎉 1")
    await expect(messages).to_have_count(50)  # a page of history
    # Nothing touched yet: no message has a toolbar.
    assert await toolbars.count() == 0

    # The pointer on a message builds its toolbar, which works.
    middle = by_id(sent[30])
    await middle.hover()
    await expect(middle.get_by_test_id("message-toolbar")).to_be_visible()
    await expect(toolbars).to_have_count(1)
    await middle.get_by_test_id("message-react").filter(has_text="👍").click()
    chip = middle.get_by_test_id("reaction")
    await expect(chip).to_have_text("👍 1")
    await expect(chip).to_have_attribute("aria-pressed", "true")
    await expect(middle.get_by_test_id("message-toolbar")).to_have_count(1)  # redrawn with it

    # A reaction chip (one listener on the list) takes the reaction back.
    await chip.click()
    await expect(middle.get_by_test_id("reaction")).to_have_count(0)

    # The author's name opens the profile.
    await middle.get_by_test_id("message-author").click()
    card = page.get_by_test_id("profile-dialog")
    await expect(card).to_be_visible()
    await expect(card.get_by_test_id("profile-handle")).to_have_text(f"@{bob.handle}")
    await page.keyboard.press("Escape")
    await expect(card).to_be_hidden()

    # A deleted message gets no toolbar.
    await bob.request("DELETE", f"/messages/{sent[40]['id']}")
    gone = by_id(sent[40])
    await expect(gone.get_by_test_id("message-body")).to_have_text("message deleted")
    await gone.hover()
    await expect(gone).to_have_class(re.compile(r"\bdeleted\b"))
    assert await gone.get_by_test_id("message-toolbar").count() == 0

    # The keyboard: the focus on a message builds its toolbar before Tab reaches it.
    await page.get_by_test_id("composer-input").hover()  # the mouse leaves the messages
    assert await last.get_by_test_id("message-toolbar").count() == 0
    await page.get_by_test_id("message-list").focus()
    await page.keyboard.press("End")
    await expect(last).to_be_focused()
    await expect(last.get_by_test_id("message-toolbar")).to_be_visible()
    more = last.get_by_test_id("message-more")
    for _ in range(12):
        if await focused_testid(page) == "message-more":
            break
        await page.keyboard.press("Tab")
    await expect(more).to_be_focused()

    # Its menu, open by keyboard, stays open across a redraw (Bob's reaction), with the
    # keyboard on the same item; a feature's item (Quote) is in it.
    menu = last.get_by_test_id("message-menu")
    await page.keyboard.press("Enter")
    await expect(menu).to_be_visible()
    await expect(menu.get_by_test_id("message-quote")).to_have_count(1)
    await expect(menu.get_by_test_id("message-star")).to_be_focused()
    await bob.request("PUT", f"/messages/{quoting['id']}/reactions/👀")
    await expect(last.locator('[data-testid=reaction][data-emoji="👀"]')).to_have_text("👀 1")
    await expect(menu).to_be_visible()
    await expect(more).to_have_attribute("aria-expanded", "true")
    await expect(menu.get_by_test_id("message-star")).to_be_focused()
    await page.keyboard.press("ArrowDown")
    await expect(menu.get_by_test_id("message-pin")).to_be_focused()
    await page.keyboard.press("Escape")
    await expect(menu).to_be_hidden()
    await expect(more).to_be_focused()

    # Still far fewer toolbars than messages.
    assert await toolbars.count() <= 3

    # The quote (one listener on the list) jumps to the quoted message, loading it.
    await last.get_by_test_id("message-quote-ref").click()
    await expect(by_id(first)).to_have_class(re.compile(r"\bjumped\b"))

    assert a.scripts_ran() == [], a.incidents


async def test_copy_link_gives_a_link_that_opens_the_message(
    lite: TestServer, open_page: OpenPage
) -> None:
    alice, bob = await lite.user(), await lite.user()
    room = await lite.room(alice, "permalinks", members=[bob])
    target = await bob.send(room, "the decision we took")
    await seed(lite, bob, room["id"], [f"later chatter {i}" for i in range(80)])
    a = await open_page(alice, room)
    await a.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=lite.url)
    page = a.page

    # Alice jumps to the message (far up the history) and copies its link.
    await page.goto(f"{lite.url}/#/rooms/{room['id']}/messages/{target['id']}")
    message = page.locator(f'[data-testid=message][data-message-id="{target["id"]}"]')
    await expect(message).to_have_class(re.compile(r"\bjumped\b"))
    await expect(message).to_be_in_viewport()
    # The address is the room's again: the same link followed later jumps anew.
    await expect(page).to_have_url(f"{lite.url}/#/rooms/{room['id']}")
    menu = await open_actions(message)
    await menu.get_by_test_id("message-copy-link").click()
    await expect(page.get_by_test_id("toast")).to_have_text("Link copied.")
    link = await page.evaluate("() => navigator.clipboard.readText()")
    assert link == f"{lite.url}/#/rooms/{room['id']}/messages/{target['id']}"

    # Bob, at the end of the room, follows it: the room opens at that message.
    b = await open_page(bob, room)
    await expect(b.page.get_by_test_id("message").last).to_contain_text("later chatter 79")
    await b.page.goto(link)
    theirs = b.page.locator(f'[data-testid=message][data-message-id="{target["id"]}"]')
    await expect(theirs).to_have_class(re.compile(r"\bjumped\b"))
    await expect(theirs).to_be_in_viewport()
    assert a.scripts_ran() == [] and b.scripts_ran() == [], (a.incidents, b.incidents)

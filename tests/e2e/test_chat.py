"""Two users in two browser contexts chat in one room: each sees the other's messages,
reactions, edits, deletions and typing, live over the gateway."""

from __future__ import annotations

import re
from typing import Any

from playwright.async_api import expect

from hubbub.testing import TestServer, TestUser
from tests.e2e.actions import open_actions
from tests.e2e.conftest import OpenPage


def shown(user: TestUser) -> str:
    """The name the client shows for a user (its displayName rule)."""
    return str(user.user.get("display_name") or user.handle)


async def test_two_users_chat_react_edit_delete_and_see_typing(
    lite: TestServer, open_page: OpenPage
) -> None:
    alice, bob = await lite.user(), await lite.user()
    room = await lite.room(alice, "e2e chat", members=[bob])
    a = await open_page(alice, room)
    b = await open_page(bob, room)

    # Alice sends with Enter; both see it once.
    await a.page.get_by_test_id("composer-input").fill("hello from alice")
    await a.page.get_by_test_id("composer-input").press("Enter")
    for person in (a, b):
        mine = person.page.get_by_test_id("message").filter(has_text="hello from alice")
        await expect(mine).to_have_count(1)
    from_alice = b.page.get_by_test_id("message").filter(has_text="hello from alice")
    await expect(from_alice.get_by_test_id("message-author")).to_have_text(shown(alice))

    # Alice types again: Bob sees the indicator name her; her message then clears it.
    await a.page.get_by_test_id("composer-input").press_sequentially("still th")
    await expect(b.page.get_by_test_id("typing-indicator")).to_have_text(
        f"{shown(alice)} is typing…"
    )
    await a.page.get_by_test_id("composer-input").press_sequentially("ere?")
    await a.page.get_by_test_id("composer-input").press("Enter")
    await expect(b.page.get_by_test_id("message").filter(has_text="still there?")).to_have_count(1)
    await expect(b.page.get_by_test_id("typing-indicator")).to_have_text("")

    # Bob, who has not written yet, types: Alice sees his name (from the event's actor).
    await b.page.get_by_test_id("composer-input").press_sequentially("hi al")
    await expect(a.page.get_by_test_id("typing-indicator")).to_have_text(f"{shown(bob)} is typing…")
    # He sends with the button.
    await b.page.get_by_test_id("composer-input").press_sequentially("ice")
    await b.page.get_by_test_id("composer-send").click()
    from_bob = a.page.get_by_test_id("message").filter(has_text="hi alice")
    await expect(from_bob).to_have_count(1)
    await expect(from_bob.get_by_test_id("message-author")).to_have_text(shown(bob))
    await expect(a.page.get_by_test_id("typing-indicator")).to_have_text("")

    # Alice reacts to Bob's message; Bob sees the reaction with its count.
    await from_bob.hover()  # a message's actions show on hover (or focus)
    await from_bob.get_by_test_id("message-react").filter(has_text="👍").click()
    bobs_own = b.page.get_by_test_id("message").filter(has_text="hi alice")
    reaction = bobs_own.get_by_test_id("reaction")
    await expect(reaction).to_have_count(1)
    await expect(reaction).to_have_attribute("data-emoji", "👍")
    await expect(reaction).to_have_text("👍 1")
    await expect(reaction).to_have_attribute("aria-pressed", "false")
    mine_now = from_bob.get_by_test_id("reaction")
    await expect(mine_now).to_have_attribute("aria-pressed", "true")

    # Alice edits hers: Bob sees the new text marked edited.
    alices = a.page.get_by_test_id("message").filter(has_text="hello from alice")
    message_id = await alices.get_attribute("data-message-id")
    await alices.hover()
    await alices.get_by_test_id("message-edit").click()
    editor = a.page.get_by_test_id("message-edit-input")
    await editor.fill("hello again, edited")
    await editor.press("Enter")
    seen = b.page.locator(f'[data-testid=message][data-message-id="{message_id}"]')
    await expect(seen.get_by_test_id("message-body")).to_have_text("hello again, edited")
    await expect(seen.get_by_test_id("message-edited")).to_be_visible()

    # Alice deletes it: Bob sees it gone, in place.
    own = a.page.locator(f'[data-testid=message][data-message-id="{message_id}"]')
    await open_actions(own)  # the action is in the More menu
    await own.get_by_test_id("message-delete").click()
    await expect(seen.get_by_test_id("message-body")).to_have_text("message deleted")
    await expect(seen).to_have_class(re.compile(r"\bdeleted\b"))
    await expect(b.page.get_by_test_id("message")).to_have_count(3)

    for person in (a, b):
        assert person.scripts_ran() == [], person.incidents


async def test_links_to_other_sites_open_apart_and_this_servers_stay(
    lite: TestServer, open_page: OpenPage
) -> None:
    alice, bob = await lite.user(), await lite.user()
    room = await lite.room(alice, "links", members=[bob])
    here = f"{lite.url}/#/rooms/{room['id']}"
    await bob.send(
        room,
        f"[the docs](https://docs.example.org/guide), [this room]({here}) "
        "and [mail](mailto:team@example.org)",
    )
    a = await open_page(alice, room)
    body = a.page.get_by_test_id("message").get_by_test_id("message-body")
    away = body.get_by_role("link", name="the docs")
    await expect(away).to_have_attribute("target", "_blank")
    await expect(away).to_have_attribute("rel", "noopener noreferrer nofollow")
    for name in ("this room", "mail"):
        link = body.get_by_role("link", name=name)
        await expect(link).to_be_visible()
        assert await link.get_attribute("target") is None

    # Followed, the other site (answered here: the machine is offline) opens in a new
    # tab without a handle on this one; the chat stays where it was.
    async def docs(route: Any) -> None:
        await route.fulfill(body="the guide", content_type="text/plain")

    await a.context.route("https://docs.example.org/**", docs)
    async with a.context.expect_page() as opened:
        await away.click()
    tab = await opened.value
    await tab.wait_for_load_state()
    assert tab.url == "https://docs.example.org/guide"
    assert await tab.evaluate("() => window.opener") is None
    await tab.close()
    await expect(a.page).to_have_url(here)
    assert a.scripts_ran() == [], a.incidents

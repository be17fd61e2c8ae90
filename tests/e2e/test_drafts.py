"""Unsent text stays with its room: switching rooms and back, or reloading, finds it;
one room's text never follows the user into another room's composer; a send that fails
after the user moved on goes back to its own room; signing out removes the drafts from
the page and the device."""

from __future__ import annotations

import asyncio
from typing import Any

from playwright.async_api import expect

from hubbub.testing import TestServer
from tests.e2e.actions import log_in
from tests.e2e.conftest import OpenPage, Person


async def open_room(page: Any, room_id: int) -> None:
    await page.locator(f'[data-testid=room-link][data-room-id="{room_id}"]').click()
    await expect(page).to_have_url(f"{page.url.split('#')[0]}#/rooms/{room_id}")
    await expect(page.get_by_test_id("composer-input")).to_be_enabled()


# Run in the page: the user's drafts have been written to storage.
STORED = "(id) => localStorage.getItem('hubbub.drafts.' + id) !== null"


async def stored_drafts(page: Any, user_id: int) -> str | None:
    found: str | None = await page.evaluate(
        "(id) => localStorage.getItem('hubbub.drafts.' + id)", user_id
    )
    return found


async def in_two_rooms(lite: TestServer, open_page: OpenPage) -> tuple[Person, Any, Any]:
    """Alice in two rooms of her own, her page on the first."""
    alice = await lite.user()
    first = await lite.room(alice, "first")
    second = await lite.room(alice, "second")
    return await open_page(alice, first), first, second


async def test_a_draft_stays_with_its_room_across_switches_and_reloads(
    lite: TestServer, open_page: OpenPage
) -> None:
    a, first, second = await in_two_rooms(lite, open_page)
    page = a.page
    composer = page.get_by_test_id("composer-input")

    await composer.fill("half a thought\nwith a second line")
    await open_room(page, second["id"])
    await expect(composer).to_have_value("")
    await composer.fill("for the second room")
    await open_room(page, first["id"])
    await expect(composer).to_have_value("half a thought\nwith a second line")

    # A reload keeps both (written to storage once the typing pauses).
    assert a.user is not None
    await page.wait_for_function(STORED, arg=a.user.id)
    await page.reload()
    await expect(composer).to_be_enabled()
    await expect(composer).to_have_value("half a thought\nwith a second line")
    await open_room(page, second["id"])
    await expect(composer).to_have_value("for the second room")

    # Sent, a draft is gone, here and after a reload; the other room's stays.
    await composer.press("Enter")
    sent = page.get_by_test_id("message").filter(has_text="for the second room")
    await expect(sent).to_have_count(1)
    await expect(composer).to_have_value("")
    await page.reload()
    await expect(composer).to_be_enabled()
    await expect(composer).to_have_value("")
    await open_room(page, first["id"])
    await expect(composer).to_have_value("half a thought\nwith a second line")
    assert a.scripts_ran() == [], a.incidents


async def test_a_failed_send_goes_back_to_its_own_room(
    lite: TestServer, open_page: OpenPage
) -> None:
    a, first, second = await in_two_rooms(lite, open_page)
    page = a.page
    composer = page.get_by_test_id("composer-input")

    # The post is held on the way, the user moves to another room, then it fails.
    held, release = asyncio.Event(), asyncio.Event()

    async def hold(route: Any) -> None:
        if route.request.method != "POST":
            await route.continue_()
            return
        held.set()
        await release.wait()
        await route.abort()

    posting = f"**/api/v1/rooms/{first['id']}/messages"
    await page.route(posting, hold)
    await composer.fill("this one will not make it")
    await composer.press("Enter")
    await asyncio.wait_for(held.wait(), 15)
    await expect(composer).to_have_value("")
    await open_room(page, second["id"])
    await composer.fill("typed in the second room")
    release.set()

    # The second room's composer keeps its own text and shows no error of the first.
    await open_room(page, first["id"])
    await expect(composer).to_have_value("this one will not make it")
    await expect(page.get_by_test_id("room-error")).to_have_text("")
    await open_room(page, second["id"])
    await expect(composer).to_have_value("typed in the second room")
    await page.unroute(posting)
    assert a.scripts_ran() == [], a.incidents


async def test_signing_out_removes_the_drafts(lite: TestServer, open_page: OpenPage) -> None:
    alice, bob = await lite.user(), await lite.user()
    room = await lite.room(alice, "shared desk", members=[bob])
    s = await open_page(None)
    page = s.page
    composer = page.get_by_test_id("composer-input")

    await log_in(page, alice.handle)
    await open_room(page, room["id"])
    await composer.fill("alice's private words")
    await page.wait_for_function(STORED, arg=alice.id)
    await page.get_by_test_id("logout-button").click()
    await expect(page.get_by_test_id("login-form")).to_be_visible()
    assert await stored_drafts(page, alice.id) is None
    await expect(composer).to_have_value("")

    await log_in(page, bob.handle)
    await open_room(page, room["id"])
    await expect(composer).to_have_value("")
    assert s.scripts_ran() == [], s.incidents

"""An account's life in the web client: register through the form (refusals shown with
the input kept), log out for good (the token forgotten, a reload stays signed out), log
in (a wrong password refused), and the sessions dialog, where revoking another login
signs that page out live with the reason and revoking this one logs out. A page signed
out keeps nothing of its user for the next person who signs in on it."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from playwright.async_api import expect

from hubbub.testing import TestServer, TestUser
from tests.e2e.actions import log_in
from tests.e2e.conftest import OpenPage

SECRET = "a long enough secret"  # the accounts this file registers through the form


async def stored_token(page: Any) -> str | None:
    token: str | None = await page.evaluate("() => localStorage.getItem('hubbub.token')")
    return token


async def login_over_rest(lite: TestServer, handle: str) -> TestUser:
    """A second login of `handle`, as another device would make it."""
    async with httpx.AsyncClient(base_url=lite.url, timeout=30.0) as http:
        resp = await http.post("/api/v1/auth/login", json={"username": handle, "password": SECRET})
        resp.raise_for_status()
        body = resp.json()
    user = body["user"]
    return TestUser(lite.url, int(user["id"]), str(user["handle"]), body["token"], user)


async def test_register_log_out_and_log_in_through_the_forms(
    lite: TestServer, open_page: OpenPage
) -> None:
    taken = await lite.user()
    s = await open_page(None)
    page = s.page
    await expect(page.get_by_test_id("app-view")).to_be_hidden()
    error = page.get_by_test_id("auth-error")
    handle = page.get_by_test_id("register-username")
    password = page.get_by_test_id("register-password")

    # A handle someone has: the server's message, the input kept.
    await handle.fill(taken.handle)
    await password.fill(SECRET)
    await page.get_by_test_id("register-submit").click()
    await expect(error).to_have_text(f"username '{taken.handle}' is taken")
    await expect(handle).to_have_value(taken.handle)
    await expect(page.get_by_test_id("register-submit")).to_be_enabled()

    # A password too short for the server (the form itself has no rule for it).
    await handle.fill("newcomer")
    await password.fill("short")
    await page.get_by_test_id("register-submit").click()
    await expect(error).to_have_text("password must be 8–256 characters")
    await expect(handle).to_have_value("newcomer")
    await expect(password).to_have_value("short")
    assert await stored_token(page) is None

    # Accepted: into the app under the new name, the session kept for a reload.
    await password.fill(SECRET)
    await page.get_by_test_id("register-submit").click()
    await expect(page.get_by_test_id("me-name")).to_have_text("newcomer")
    await expect(page.get_by_test_id("auth-view")).to_be_hidden()
    await expect(error).to_have_text("")
    assert await stored_token(page)
    await page.reload()
    await expect(page.get_by_test_id("me-name")).to_have_text("newcomer")

    # Log out: the sign-in form (no reason to give), the token gone, and a reload stays
    # signed out.
    await page.get_by_test_id("logout-button").click()
    await expect(page.get_by_test_id("login-form")).to_be_visible()
    await expect(page.get_by_test_id("app-view")).to_be_hidden()
    await expect(page.get_by_test_id("login-username")).to_be_focused()
    await expect(error).to_have_text("")
    assert await stored_token(page) is None
    await page.reload()
    await expect(page.get_by_test_id("login-form")).to_be_visible()
    await expect(page.get_by_test_id("app-view")).to_be_hidden()
    assert await stored_token(page) is None

    # A wrong password is refused with the server's words; the right one gets in.
    await page.get_by_test_id("login-username").fill("newcomer")
    await page.get_by_test_id("login-password").fill("not the password")
    await page.get_by_test_id("login-submit").click()
    await expect(error).to_have_text("wrong username or password")
    await expect(page.get_by_test_id("login-username")).to_have_value("newcomer")
    await expect(page.get_by_test_id("app-view")).to_be_hidden()
    await page.get_by_test_id("login-password").fill(SECRET)
    await page.get_by_test_id("login-submit").click()
    await expect(page.get_by_test_id("me-name")).to_have_text("newcomer")
    await expect(error).to_have_text("")
    assert await stored_token(page)

    assert s.scripts_ran() == [], s.incidents


async def test_sessions_dialog_revokes_another_login_live_and_this_one_logs_out(
    lite: TestServer, open_page: OpenPage
) -> None:
    s = await open_page(None)
    page = s.page
    await page.get_by_test_id("register-username").fill("roamer")
    await page.get_by_test_id("register-password").fill(SECRET)
    await page.get_by_test_id("register-submit").click()
    await expect(page.get_by_test_id("me-name")).to_have_text("roamer")
    # The same account signed in elsewhere: another browser context, its own token.
    other = await open_page(await login_over_rest(lite, "roamer"))
    await expect(other.page.get_by_test_id("me-name")).to_have_text("roamer")
    third_user = await login_over_rest(lite, "roamer")
    third = await open_page(third_user)
    listed = await third_user.request("GET", "/sessions")
    third_id = next(x["id"] for x in listed["sessions"] if x["current"])

    # The three logins are listed; this page's is marked.
    await page.get_by_test_id("sessions-button").click()
    dialog = page.get_by_test_id("sessions-dialog")
    await expect(dialog).to_be_visible()
    sessions = dialog.get_by_test_id("session")
    await expect(sessions).to_have_count(3)
    this_one = sessions.filter(has_text="(this one)")
    await expect(this_one).to_have_count(1)
    await expect(sessions.filter(has_not_text="(this one)")).to_have_count(2)

    # The third logs out with its own token from somewhere else: its page says so. Its
    # row, still listed here, cannot be revoked any more, and says why.
    await third_user.request("POST", "/auth/logout")
    await expect(third.page.get_by_test_id("login-form")).to_be_visible()
    await expect(third.page.get_by_test_id("auth-error")).to_have_text(
        "You were logged out from another window."
    )
    gone = dialog.locator(f'[data-testid=session][data-session-id="{third_id}"]')
    await gone.get_by_test_id("session-revoke").click()
    await expect(gone.get_by_role("alert")).to_have_text(f"session {third_id} not found")
    await expect(gone.get_by_test_id("session-revoke")).to_be_enabled()

    # Revoking the second one: its page is signed out live and says why; this one stays.
    elsewhere = sessions.filter(has_not_text="(this one)").and_(
        dialog.locator(f':not([data-session-id="{third_id}"])')
    )
    await expect(elsewhere).to_have_count(1)
    await elsewhere.get_by_test_id("session-revoke").click()
    await expect(other.page.get_by_test_id("login-form")).to_be_visible()
    await expect(other.page.get_by_test_id("auth-error")).to_have_text(
        "You were signed out: this session was revoked."
    )
    await expect(other.page.get_by_test_id("app-view")).to_be_hidden()
    assert await stored_token(other.page) is None
    # Its context puts the revoked token back before every load, as a tab reopened after
    # a revocation would hold it: the page starts, is refused, and signs out again.
    await other.page.reload()
    await expect(other.page.get_by_test_id("login-form")).to_be_visible()
    await expect(other.page.get_by_test_id("auth-error")).to_have_text(
        "Your session has ended. Log in again."
    )
    assert await stored_token(other.page) is None
    await expect(sessions).to_have_count(1)
    await expect(sessions).to_contain_text("(this one)")
    await expect(page.get_by_test_id("app-view")).to_be_visible()

    # Revoking this one is a logout.
    await sessions.get_by_test_id("session-revoke").click()
    await expect(dialog).to_be_hidden()
    await expect(page.get_by_test_id("login-form")).to_be_visible()
    await expect(page.get_by_test_id("auth-error")).to_have_text(
        "You were signed out: this session was revoked."
    )
    assert await stored_token(page) is None
    await page.reload()
    await expect(page.get_by_test_id("login-form")).to_be_visible()
    await expect(page.get_by_test_id("app-view")).to_be_hidden()

    for person in (s, other, third):
        assert person.scripts_ran() == [], person.incidents


async def test_the_next_person_on_the_same_page_sees_nothing_of_the_last(
    lite: TestServer, open_page: OpenPage
) -> None:
    alice, bob = await lite.user(), await lite.user()
    room = await lite.room(alice, "shared desk", members=[bob])
    await alice.send(room, "written by alice")
    await bob.send(room, f"hello @{alice.handle}")  # a notification for Alice only
    s = await open_page(None)
    page = s.page
    messages = page.get_by_test_id("message")
    hers = messages.filter(has_text="written by alice")
    link = page.locator(f'[data-testid=room-link][data-room-id="{room["id"]}"]')

    # Alice, in the room, may edit her message.
    await log_in(page, alice.handle)
    await expect(page.get_by_test_id("inbox-count")).to_have_text("1")
    await page.get_by_test_id("inbox-button").click()
    await expect(page.get_by_test_id("notification")).to_have_count(1)
    await page.keyboard.press("Escape")
    await expect(page.get_by_test_id("inbox-dialog")).to_be_hidden()
    await link.click()
    await hers.hover()
    await expect(hers.get_by_test_id("message-edit")).to_be_visible()

    # Signed out, the page holds none of her rooms or messages.
    await page.get_by_test_id("logout-button").click()
    await expect(page.get_by_test_id("login-form")).to_be_visible()
    await expect(messages).to_have_count(0)
    await expect(page.get_by_test_id("room-link")).to_have_count(0)
    await expect(page.get_by_test_id("room-name")).to_have_text("Pick a room")
    await expect(page.get_by_test_id("inbox-count")).to_be_hidden()
    await expect(page.get_by_test_id("notification")).to_have_count(0)

    # Bob signs in on the same page: the room is his view of it, not hers.
    await log_in(page, bob.handle)
    await link.click()
    await expect(hers).to_have_count(1)
    await hers.hover()
    await expect(hers.get_by_test_id("message-reply")).to_be_visible()
    await expect(hers.get_by_test_id("message-edit")).to_have_count(0)

    assert s.scripts_ran() == [], s.incidents


async def test_a_late_401_of_the_last_user_does_not_sign_the_next_one_out(
    lite: TestServer, open_page: OpenPage
) -> None:
    alice, bob = await lite.user(), await lite.user()
    s = await open_page(None)
    page = s.page

    # A request of Alice's is held on the way (a slow network) while she logs out and
    # Bob logs in; when it arrives, her revoked token gets a 401.
    held, release = asyncio.Event(), asyncio.Event()

    async def hold(route: Any) -> None:
        held.set()
        await release.wait()
        await route.continue_()

    def inbox_page(url: str) -> bool:
        return "/api/v1/notifications?" in url

    await log_in(page, alice.handle)
    await page.route(inbox_page, hold)
    await page.get_by_test_id("inbox-button").click()
    await asyncio.wait_for(held.wait(), 15)
    await page.keyboard.press("Escape")
    await page.get_by_test_id("logout-button").click()
    await expect(page.get_by_test_id("login-form")).to_be_visible()
    await log_in(page, bob.handle)
    async with page.expect_response(lambda r: inbox_page(r.url)) as answered:
        release.set()
    assert (await answered.value).status == 401
    await page.unroute(inbox_page)

    # Bob is still signed in, and his page still works.
    await expect(page.get_by_test_id("auth-error")).to_have_text("")
    await expect(page.get_by_test_id("login-form")).to_be_hidden()
    await expect(page.get_by_test_id("me-name")).to_have_text(bob.handle)
    assert await stored_token(page) is not None
    await page.get_by_test_id("inbox-button").click()
    await expect(page.get_by_test_id("inbox-status")).to_have_text("No notifications.")
    assert s.scripts_ran() == [], s.incidents

"""Moderation in the browser, across two users: a moderator bans a user from a message's
actions and the banned user's UI follows live (the room leaves their sidebar, a notice
with the ban, also after a reload, the lift announced with a rejoin); a role change
brings the tools live; a kick-mute's expiry seen live; the
pre-moderation queue (approve in the Moderation dialog, reject from the message); slow
mode and a closed room in the banners and the composer; a report reaching the moderator;
a freeze; a moderator's delete and a purge of a user's messages; the owner's access
settings."""

from __future__ import annotations

import re

from playwright.async_api import expect

from hubbub.testing import TestServer
from tests.e2e.actions import open_actions
from tests.e2e.conftest import OpenPage, Person


async def act_on_sent(sender: Person, viewer: Person, text: str, action: str) -> None:
    """`sender` sends `text`; `viewer` picks `action` (a data-testid) from that message's
    More menu."""
    composer = sender.page.get_by_test_id("composer-input")
    await composer.fill(text)
    await composer.press("Enter")
    message = viewer.page.get_by_test_id("message").filter(has_text=text)
    await open_actions(message)
    await message.get_by_test_id(action).click()


async def test_a_ban_from_a_message_reaches_the_banned_users_ui_live(
    lite: TestServer, open_page: OpenPage
) -> None:
    alice, bob = await lite.user(), await lite.user()
    room = await lite.room(alice, "e2e ban", members=[bob])
    rid = room["id"]
    a = await open_page(alice, room)
    b = await open_page(bob, room)

    # A member has no moderation tools; the owner does.
    await expect(a.page.get_by_test_id("moderation-button")).to_be_visible()
    await expect(b.page.get_by_test_id("moderation-button")).to_be_hidden()
    await act_on_sent(b, a, "spam spam spam", "message-ban")
    dialog = a.page.get_by_test_id("sanction-dialog")
    await expect(dialog).to_be_visible()
    await expect(dialog.get_by_test_id("sanction-kind")).to_be_focused()
    await dialog.get_by_test_id("sanction-duration").select_option("3600")
    await dialog.get_by_test_id("sanction-reason").fill("spamming")
    await dialog.get_by_test_id("sanction-dialog-submit").click()
    await expect(dialog).to_be_hidden()

    # Bob's UI: the room leaves his sidebar, the composer is off, a notice says why.
    await expect(b.page.locator(f'[data-testid=room-item][data-room-id="{rid}"]')).to_have_count(0)
    notice = b.page.get_by_test_id("ban-notice")
    await expect(notice).to_contain_text("You were banned from # e2e ban until")
    await expect(notice).to_have_attribute("data-state", "ban")
    await expect(b.page.get_by_test_id("composer-input")).to_be_disabled()
    await expect(b.page.get_by_test_id("composer-input")).to_have_attribute(
        "placeholder", re.compile("You were banned from # e2e ban until")
    )
    # Opened again on the room's address, the page says why it is not there, and where
    # (the refusal names the room).
    await b.page.goto(f"{lite.url}/#/rooms/{rid}")  # (only the hash changes: no load)
    await b.page.reload()
    await expect(notice).to_contain_text("You were banned from # e2e ban until")
    await expect(b.page.locator(f'[data-testid=room-item][data-room-id="{rid}"]')).to_have_count(0)

    # The moderator sees the ban in the dialog, with its reason, and lifts it.
    await a.page.get_by_test_id("moderation-button").click()
    panel = a.page.get_by_test_id("moderation-dialog")
    await panel.locator("[data-testid=mod-tab][data-tab=bans]").click()
    ban = panel.get_by_test_id("mod-ban")
    await expect(ban).to_have_count(1)
    await expect(ban).to_contain_text("banned until")
    await expect(ban).to_contain_text("spamming")
    await ban.get_by_test_id("mod-unban").click()
    await expect(panel.get_by_test_id("mod-ban")).to_have_count(0)
    await panel.get_by_test_id("mod-close").click()

    # Bob hears the lift live and rejoins from the notice.
    await expect(notice).to_have_attribute("data-state", "ended")
    await notice.get_by_test_id("ban-rejoin").click()
    await expect(b.page.locator(f'[data-testid=room-item][data-room-id="{rid}"]')).to_have_count(1)
    await expect(b.page.get_by_test_id("composer-input")).to_be_enabled()
    await expect(b.page.get_by_test_id("ban-notice")).to_have_count(0)

    # Made a moderator, Bob gets the tools live; made a member again, they go.
    await expect(b.page.get_by_test_id("moderation-button")).to_be_hidden()
    path = f"/rooms/{rid}/members/{bob.id}"
    await alice.request("PATCH", path, json={"role": "moderator"})
    await expect(b.page.get_by_test_id("moderation-button")).to_be_visible()
    await alice.request("PATCH", path, json={"role": "member"})
    await expect(b.page.get_by_test_id("moderation-button")).to_be_hidden()

    # A one-second kick-mute: Bob sees it with its expiry, then its end, live.
    await alice.request(
        "PUT", f"/rooms/{rid}/bans/{bob.id}", json={"kind": "kick_mute", "expires_in_s": 1}
    )
    await expect(notice).to_have_attribute("data-state", "kick_mute")
    await expect(notice).to_contain_text("kick-muted in # e2e ban until")
    await expect(b.page.get_by_test_id("composer-input")).to_be_disabled()
    await expect(notice).to_have_attribute("data-state", "ended")
    await expect(notice).to_contain_text("Your kick-mute has ended")

    for person in (a, b):
        assert person.scripts_ran() == [], person.incidents


async def test_queue_slow_mode_closed_room_and_reports_across_two_users(
    lite: TestServer, open_page: OpenPage
) -> None:
    alice, bob = await lite.user(), await lite.user()
    room = await lite.room(alice, "e2e queue", members=[bob])
    a = await open_page(alice, room)
    b = await open_page(bob, room)
    panel = a.page.get_by_test_id("moderation-dialog")
    bob_input = b.page.get_by_test_id("composer-input")

    async def room_settings(**fields: object) -> None:
        await a.page.get_by_test_id("moderation-button").click()
        await panel.locator("[data-testid=mod-tab][data-tab=room]").click()
        if "moderation" in fields:
            await panel.get_by_test_id("mod-moderation-mode").select_option(
                str(fields["moderation"])
            )
        if "slow" in fields:
            await panel.get_by_test_id("mod-slow-mode").fill(str(fields["slow"]))
        if "open" in fields:
            await panel.get_by_test_id("mod-room-open").set_checked(bool(fields["open"]))
        await panel.get_by_test_id("mod-room-save").click()
        await expect(panel.get_by_test_id("mod-error")).to_have_text("")
        await panel.get_by_test_id("mod-close").click()

    # Pre-moderation: Bob's message waits; Alice approves it from the queue.
    await room_settings(moderation="pre")
    await expect(b.page.get_by_test_id("premod-banner")).to_be_visible()
    await bob_input.fill("please approve me")
    await bob_input.press("Enter")
    waiting = b.page.get_by_test_id("message").filter(has_text="please approve me")
    await expect(waiting.get_by_test_id("message-pending")).to_be_visible()
    await expect(b.page.get_by_test_id("premod-pending")).to_contain_text("Your message awaits")
    await expect(a.page.get_by_test_id("moderation-count")).to_have_text("1")
    await a.page.get_by_test_id("moderation-button").click()
    item = panel.get_by_test_id("mod-queue-item")
    await expect(item).to_have_count(1)
    await expect(item).to_contain_text("please approve me")
    await item.get_by_test_id("mod-approve").click()
    await expect(panel.get_by_test_id("mod-queue-item")).to_have_count(0)
    await panel.get_by_test_id("mod-close").click()
    await expect(waiting.get_by_test_id("message-pending")).to_have_count(0)
    await expect(b.page.get_by_test_id("premod-pending")).to_have_count(0)
    await expect(a.page.get_by_test_id("moderation-count")).to_be_hidden()

    # Another waits; Alice rejects it from the message itself.
    await act_on_sent(b, a, "reject me", "message-reject")
    rejected = b.page.get_by_test_id("message").filter(has_text="reject me")
    await expect(rejected.get_by_test_id("message-rejected")).to_be_visible()

    # Slow mode: the banner; Bob posted seconds ago, so his composer waits (the server
    # counts from his last message).
    await room_settings(moderation="none", slow=30)
    await expect(b.page.get_by_test_id("slow-mode-banner")).to_contain_text(
        "one message every 30 s"
    )
    await expect(bob_input).to_be_disabled()
    await expect(bob_input).to_have_attribute("placeholder", re.compile("Slow mode"))
    await expect(b.page.get_by_test_id("slow-mode-banner")).to_contain_text("post again in")

    # Closed: Bob's composer says why; reopened (slow mode off), it comes back live.
    await room_settings(slow=0, open=False)
    await expect(b.page.get_by_test_id("room-closed-banner")).to_be_visible()
    await expect(b.page.get_by_test_id("slow-mode-banner")).to_have_count(0)
    await expect(bob_input).to_be_disabled()
    await expect(bob_input).to_have_attribute("placeholder", re.compile("closed"))
    await expect(a.page.get_by_test_id("composer-input")).to_be_enabled()  # moderators post
    await room_settings(open=True)
    await expect(b.page.get_by_test_id("room-closed-banner")).to_have_count(0)
    await expect(bob_input).to_be_enabled()

    # A freeze: the banner with its end, Bob's composer off; lifted, back on.
    await a.page.get_by_test_id("moderation-button").click()
    await panel.locator("[data-testid=mod-tab][data-tab=room]").click()
    await panel.get_by_test_id("mod-freeze").click()
    await expect(panel.get_by_test_id("mod-freeze-state")).to_contain_text("Frozen until")
    await expect(b.page.get_by_test_id("room-frozen-banner")).to_contain_text("frozen until")
    await expect(bob_input).to_be_disabled()
    await panel.get_by_test_id("mod-unfreeze").click()
    await expect(panel.get_by_test_id("mod-freeze-state")).to_have_text("Not frozen.")
    await panel.get_by_test_id("mod-close").click()
    await expect(b.page.get_by_test_id("room-frozen-banner")).to_have_count(0)
    await expect(bob_input).to_be_enabled()

    # A report from Bob reaches Alice live; she resolves it.
    await act_on_sent(a, b, "a rude remark", "message-report")
    report = b.page.get_by_test_id("report-dialog")
    await report.get_by_test_id("report-reason").select_option("abuse")
    await report.get_by_test_id("report-detail").fill("not nice")
    await report.get_by_test_id("report-dialog-submit").click()
    await expect(report.get_by_test_id("report-done")).to_contain_text("Thank you")
    await report.get_by_test_id("report-dialog-cancel").click()
    await expect(a.page.get_by_test_id("moderation-count")).to_have_text("1")
    await a.page.get_by_test_id("moderation-button").click()
    await panel.locator("[data-testid=mod-tab][data-tab=reports]").click()
    filed = panel.get_by_test_id("mod-report")
    await expect(filed).to_contain_text("abuse")
    await expect(filed).to_contain_text("not nice")
    # What was reported, by whom: the message's words and author, as text.
    await expect(filed.get_by_test_id("mod-report-excerpt")).to_have_text("a rude remark")
    await filed.get_by_test_id("mod-report-resolve").click()
    await expect(panel.get_by_test_id("mod-report")).to_have_count(0)
    await expect(a.page.get_by_test_id("moderation-count")).to_be_hidden()
    await panel.get_by_test_id("mod-close").click()

    # A moderator deletes someone's message; then purges what they wrote: Bob sees both.
    approved = a.page.get_by_test_id("message").filter(has_text="please approve me")
    approved_id = await approved.get_attribute("data-message-id")
    await open_actions(approved)  # the action is in the More menu
    await approved.get_by_test_id("message-mod-delete").click()
    gone = b.page.locator(f'[data-testid=message][data-message-id="{approved_id}"]')
    await expect(gone.get_by_test_id("message-body")).to_have_text("message deleted")
    await bob_input.fill("last words")
    await bob_input.press("Enter")
    words = a.page.get_by_test_id("message").filter(has_text="last words")
    await expect(words).to_have_count(1)
    words_id = await words.get_attribute("data-message-id")
    await a.page.get_by_test_id("moderation-button").click()
    await panel.locator("[data-testid=mod-tab][data-tab=purge]").click()
    await panel.get_by_test_id("mod-purge-user").select_option(str(bob.id))
    await panel.get_by_test_id("mod-purge-user-submit").click()
    await expect(panel.get_by_test_id("mod-purge-result")).to_contain_text("Deleted")
    for person in (a, b):
        last = person.page.locator(f'[data-testid=message][data-message-id="{words_id}"]')
        await expect(last.get_by_test_id("message-body")).to_have_text("message deleted")
    # ... and the newest message, by count.
    tail = await alice.send(room, "the tail end")
    shown_tail = b.page.locator(f'[data-testid=message][data-message-id="{tail["id"]}"]')
    await expect(shown_tail.get_by_test_id("message-body")).to_have_text("the tail end")
    await panel.get_by_test_id("mod-purge-count").fill("1")
    await panel.get_by_test_id("mod-purge-last").click()
    await expect(panel.get_by_test_id("mod-purge-result")).to_have_text("Deleted 1 message(s).")
    await expect(shown_tail.get_by_test_id("message-body")).to_have_text("message deleted")
    await panel.get_by_test_id("mod-close").click()

    # The owner's settings dialog also sets the room's access.
    await a.page.get_by_test_id("settings-button").click()
    settings = a.page.get_by_test_id("settings-dialog")
    await expect(settings.get_by_test_id("settings-access")).to_have_value("public")
    await expect(settings.get_by_test_id("settings-allow-entry")).to_be_checked()
    await settings.get_by_test_id("settings-access").select_option("gallery")
    await settings.get_by_test_id("settings-allow-entry").uncheck()
    await settings.get_by_test_id("settings-save").click()
    await expect(settings).to_be_hidden()
    saved = await alice.request("GET", f"/rooms/{room['id']}")
    assert saved["access_mode"] == "gallery" and saved["allow_entry"] is False

    for person in (a, b):
        assert person.scripts_ran() == [], person.incidents

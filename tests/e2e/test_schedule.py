"""Scheduled events, music statistics and moving people between voice rooms, in the
browser, across two users of one space: an event created, answered, edited and deleted
live with its "starting soon" banner; the DJs list after a track played; a moderator
moving someone to another voice room, seen by the moved user."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from playwright.async_api import expect

from hubbub.testing import TestServer, TestUser
from tests.e2e.conftest import OpenPage

# The value of a datetime-local input `minutes` from now, in the browser's time zone.
LOCAL_IN = """(minutes) => {
  const d = new Date(Date.now() + minutes * 60000);
  const p = (n) => String(n).padStart(2, "0");
  const day = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
  return `${day}T${p(d.getHours())}:${p(d.getMinutes())}`;
}"""


def shown(user: TestUser) -> str:
    return str(user.user.get("display_name") or user.handle)


async def test_events_music_stats_and_voice_moves_live(
    lite: TestServer, open_page: OpenPage
) -> None:
    alice, bob = await lite.user(), await lite.user()
    space = await alice.request("POST", "/spaces", json={"name": "Guild", "open": True})
    made = {}
    for name, kind in (
        ("hall", "text"),
        ("jukebox", "music"),
        ("lobby", "voice"),
        ("stage", "voice"),
    ):
        body = {"name": name, "kind": kind, "space_id": space["id"]}
        made[name] = await alice.request("POST", "/rooms", json=body)
    await bob.request("POST", f"/spaces/{space['id']}/join")
    hall = made["hall"]
    a = await open_page(alice, hall)
    b = await open_page(bob, hall)

    # Alice (the owner) schedules an event for in half an hour.
    await a.page.get_by_test_id("schedule-button").click()
    await a.page.get_by_test_id("schedule-new").click()
    await expect(a.page.get_by_test_id("schedule-form-title")).to_be_focused()
    await a.page.get_by_test_id("schedule-form-title").fill("Launch party")
    # Any room of the space may hold it; the room on screen is the default.
    await expect(a.page.get_by_test_id("schedule-form-room")).to_have_value(str(hall["id"]))
    starts = await a.page.evaluate(LOCAL_IN, 30.5)
    ends = await a.page.evaluate(LOCAL_IN, 90)
    await a.page.get_by_test_id("schedule-form-starts").fill(starts)
    await a.page.get_by_test_id("schedule-form-ends").fill(ends)
    await a.page.get_by_test_id("schedule-form-description").fill("Cake <b>and</b> music")
    await a.page.get_by_test_id("schedule-form-save").click()
    await expect(a.page.get_by_test_id("schedule-form")).to_be_hidden()
    a_event = a.page.get_by_test_id("schedule-event")
    await expect(a_event.get_by_test_id("schedule-event-title")).to_have_text("Launch party")

    # Bob sees it live: the banner, the count on the button, the event in the dialog.
    soon = re.compile(r"Launch party: Starting in (29|30|31) min$")
    for person in (a, b):
        await expect(person.page.get_by_test_id("schedule-banner-text")).to_have_text(soon)
    await expect(b.page.get_by_test_id("schedule-count")).to_have_text("1")
    await b.page.get_by_test_id("schedule-banner-open").click()
    b_event = b.page.get_by_test_id("schedule-event")
    await expect(b_event.get_by_test_id("schedule-event-title")).to_have_text("Launch party")
    await expect(b_event.get_by_test_id("schedule-event-description")).to_have_text(
        "Cake <b>and</b> music"
    )
    await expect(b_event.get_by_test_id("schedule-event-where")).to_have_text("In # hall")
    await expect(b.page.get_by_test_id("schedule-new")).to_be_hidden()
    await expect(b_event.get_by_test_id("schedule-edit")).to_have_count(0)

    # Bob is going: Alice's count follows.
    await b_event.get_by_test_id("schedule-rsvp").click()
    await expect(b_event.get_by_test_id("schedule-rsvp")).to_have_attribute("aria-pressed", "true")
    await expect(a_event.get_by_test_id("schedule-event-going")).to_have_text("1 going")
    await expect(b_event.get_by_test_id("schedule-event-going")).to_have_text("1 going")

    # Alice renames it: Bob's dialog and banner follow.
    await a_event.get_by_test_id("schedule-edit").click()
    await expect(a.page.get_by_test_id("schedule-form-title")).to_have_value("Launch party")
    await a.page.get_by_test_id("schedule-form-title").fill("Launch night")
    await a.page.get_by_test_id("schedule-form-save").click()
    await expect(b_event.get_by_test_id("schedule-event-title")).to_have_text("Launch night")
    await expect(b.page.get_by_test_id("schedule-banner-text")).to_contain_text("Launch night")

    # The dialog is the space's agenda: an event of another room shows live, with its room.
    later = await a.page.evaluate("() => [Date.now() + 7200000, Date.now() + 9000000]")
    stage = made["stage"]
    body = {
        "title": "Soundcheck",
        "starts_at": datetime.fromtimestamp(later[0] / 1000, UTC).isoformat(),
        "ends_at": datetime.fromtimestamp(later[1] / 1000, UTC).isoformat(),
    }
    await alice.request("POST", f"/rooms/{stage['id']}/scheduled-events", json=body)
    check = b.page.get_by_test_id("schedule-event").filter(has_text="Soundcheck")
    await expect(check.get_by_test_id("schedule-event-where")).to_have_text("In # stage")
    await expect(b.page.get_by_test_id("schedule-count")).to_have_text("2")
    await expect(b.page.get_by_test_id("schedule-event").first).to_contain_text("Launch night")
    a_event = a.page.get_by_test_id("schedule-event").filter(has_text="Launch night")

    # Alice deletes it (Delete asks to be pressed again): gone for Bob, banner too.
    await a_event.get_by_test_id("schedule-delete").click()
    await expect(a_event.get_by_test_id("schedule-delete")).to_have_attribute(
        "data-confirm", "true"
    )
    await a_event.get_by_test_id("schedule-delete").click()
    await expect(b.page.get_by_test_id("schedule-event")).to_have_count(1)
    await expect(b.page.get_by_test_id("schedule-banner")).to_be_hidden()
    await expect(b.page.get_by_test_id("schedule-count")).to_have_text("1")
    await a.page.get_by_test_id("schedule-close").click()
    # "Open room" goes to the event's room.
    await check.get_by_test_id("schedule-event-open").click()
    await expect(b.page.get_by_test_id("schedule-dialog")).to_be_hidden()
    await expect(b.page.get_by_test_id("room-name")).to_have_text("# stage")

    # Music: Alice's track plays; the DJs list shows her, and Bob's upvote counts live.
    jukebox = made["jukebox"]
    track = {
        "source": "url",
        "url": "https://example.org/a.mp3",
        "title": "Intro",
        "duration_s": 600,
    }
    await alice.request("POST", f"/rooms/{jukebox['id']}/music/queue", json=track)
    for person in (a, b):
        await person.page.locator(
            f'[data-testid=room-link][data-room-id="{jukebox["id"]}"]'
        ).click()
    dj = b.page.locator(f'[data-testid=music-dj-row][data-user-id="{alice.id}"]')
    await expect(dj.get_by_test_id("music-dj-name")).to_have_text(shown(alice))
    await expect(dj.get_by_test_id("music-dj-stats")).to_have_text(
        re.compile(r"^1 played · 0 upvotes")
    )
    await b.page.get_by_test_id("music-vote-up").click()
    a_dj = a.page.locator(f'[data-testid=music-dj-row][data-user-id="{alice.id}"]')
    await expect(a_dj.get_by_test_id("music-dj-stats")).to_have_text(
        re.compile(r"^1 played · 1 upvote ")
    )

    # Voice: Bob is in the lobby; Alice moves him to the stage; his view follows.
    lobby = made["lobby"]
    for person in (a, b):
        await person.page.locator(f'[data-testid=room-link][data-room-id="{lobby["id"]}"]').click()
    await b.page.get_by_test_id("voice-join").click()
    await expect(b.page.get_by_test_id("voice-status")).to_have_text(re.compile(r"^Connected"))
    bob_there = a.page.locator(f'[data-testid=voice-participant][data-user-id="{bob.id}"]')
    await bob_there.get_by_test_id("voice-moderate").click()
    await bob_there.get_by_test_id("voice-move-to").select_option(str(stage["id"]))
    await bob_there.get_by_test_id("voice-move").click()
    await expect(a.page.get_by_test_id("voice-empty")).to_be_visible()
    await expect(b.page.get_by_test_id("room-name")).to_have_text("# stage")
    await expect(b.page.get_by_test_id("voice-indicator-room")).to_have_text("🔊 stage")
    bob_moved = b.page.locator(f'[data-testid=voice-participant][data-user-id="{bob.id}"]')
    await expect(bob_moved).to_be_visible()
    await expect(b.page.get_by_test_id("voice-status")).to_have_text(
        re.compile(rf"^Connected to voice .* {re.escape(shown(alice))} moved you to stage\.$")
    )

    for person in (a, b):
        assert person.scripts_ran() == [], person.incidents

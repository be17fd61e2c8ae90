"""Music and voice rooms in the browser: two users see the same track playing with its
progress, each other's votes, the queue in its order, and who is in voice with which
flags, all live over the gateway."""

from __future__ import annotations

import re

from playwright.async_api import expect

from hubbub.testing import TestServer, TestUser
from tests.e2e.conftest import OpenPage, Person


def shown(user: TestUser) -> str:
    return str(user.user.get("display_name") or user.handle)


async def add_track(person: Person, title: str, url: str, duration: str, ok: bool = True) -> None:
    """Fill and send the "add a track" form; once accepted, the form is empty again."""
    page = person.page
    await page.get_by_test_id("music-add-title").fill(title)
    await page.get_by_test_id("music-add-url").fill(url)
    await page.get_by_test_id("music-add-duration").fill(duration)
    await page.get_by_test_id("music-add-submit").click()
    if ok:
        await expect(page.get_by_test_id("music-add-title")).to_have_value("")


async def test_music_room_plays_queues_and_votes_live(
    lite: TestServer, open_page: OpenPage
) -> None:
    alice, bob = await lite.user(), await lite.user()
    room = await lite.room(alice, "jukebox", members=[bob], kind="music")
    a = await open_page(alice, room)
    b = await open_page(bob, room)
    for person in (a, b):
        await expect(person.page.get_by_test_id("music-idle")).to_be_visible()
        await expect(person.page.get_by_test_id("music-mode")).to_have_text("Mode: Shared queue")
    # Only owners and moderators get the settings.
    await expect(a.page.get_by_test_id("music-settings-button")).to_be_visible()
    await expect(b.page.get_by_test_id("music-settings-button")).to_be_hidden()

    # A refusal is shown and the input kept.
    await add_track(a, "Too short", "https://example.org/x.mp3", "0", ok=False)
    await expect(a.page.get_by_test_id("music-add-error")).not_to_have_text("")
    await expect(a.page.get_by_test_id("music-add-title")).to_have_value("Too short")

    # Alice's first track starts at once: both see it with its DJ and a ticking clock
    # (the server's time), and when its three seconds are over, the room falls idle.
    await add_track(a, "Opening act", "https://example.org/opening.mp3", "0:03")
    for person in (a, b):
        page = person.page
        await expect(page.get_by_test_id("music-title")).to_have_text("Opening act")
        await expect(page.get_by_test_id("music-dj")).to_contain_text(shown(alice))
        await expect(page.get_by_test_id("music-progress")).to_have_attribute("max", "3")
    await expect(b.page.get_by_test_id("music-elapsed")).to_have_text("0:01")
    await expect(b.page.get_by_test_id("music-remaining")).to_have_text("-0:02")
    assert await b.page.get_by_test_id("music-progress").evaluate("p => p.value") >= 1
    for person in (a, b):
        await expect(person.page.get_by_test_id("music-idle")).to_be_visible()

    # The next one plays for ten minutes.
    await add_track(a, "First light", "https://example.org/first.mp3", "10:00")
    for person in (a, b):
        await expect(person.page.get_by_test_id("music-title")).to_have_text("First light")
        remaining = person.page.get_by_test_id("music-remaining")
        await expect(remaining).to_have_text(re.compile(r"^-(10:00|9:5\d)$"))
    await expect(b.page.get_by_test_id("music-skip")).to_be_hidden()  # not his track

    # Bob votes up: Alice sees the count; his button is pressed.
    await b.page.get_by_test_id("music-vote-up").click()
    await expect(a.page.get_by_test_id("music-up-count")).to_have_text("1")
    await expect(b.page.get_by_test_id("music-vote-up")).to_have_attribute("aria-pressed", "true")
    await expect(a.page.get_by_test_id("music-vote-up")).to_have_attribute("aria-pressed", "false")

    # The queue, in order, live; Alice moves her last track up with the keyboard.
    await add_track(a, "Second wind", "https://youtu.be/second", "3:00")
    await add_track(a, "Third time", "https://soundcloud.com/x/third", "200")
    queue_b = b.page.get_by_test_id("music-queue-item")
    await expect(queue_b.get_by_test_id("music-item-title")).to_have_text(
        ["Second wind", "Third time"]
    )
    await expect(queue_b.first.get_by_test_id("music-added-by")).to_contain_text(shown(alice))
    await expect(queue_b.get_by_test_id("music-move-up")).to_have_count(0)  # not his
    third = a.page.get_by_test_id("music-queue-item").filter(has_text="Third time")
    await third.get_by_test_id("music-move-up").focus()
    await a.page.keyboard.press("Enter")
    await expect(queue_b.get_by_test_id("music-item-title")).to_have_text(
        ["Third time", "Second wind"]
    )
    # Focus stays on the moved track (now first: its "down" button).
    await expect(third.get_by_test_id("music-move-down")).to_be_focused()

    # Bob queues his own: last in line for Alice, who as owner may remove it.
    await add_track(b, "Bob's tune", "https://example.org/bob.ogg", "1:30")
    queue_a = a.page.get_by_test_id("music-queue-item")
    await expect(queue_a.get_by_test_id("music-item-title")).to_have_text(
        ["Third time", "Second wind", "Bob's tune"]
    )
    await expect(queue_a.last.get_by_test_id("music-added-by")).to_contain_text(shown(bob))

    # The DJ skips: the next track plays for both, votes start over.
    await a.page.get_by_test_id("music-skip").click()
    for person in (a, b):
        page = person.page
        await expect(page.get_by_test_id("music-title")).to_have_text("Third time")
        await expect(page.get_by_test_id("music-up-count")).to_have_text("0")
        await expect(page.get_by_test_id("music-queue-item")).to_have_count(2)
    await expect(b.page.get_by_test_id("music-vote-up")).to_have_attribute("aria-pressed", "false")

    # Bob removes his track; Alice sees it gone.
    await (
        b.page.get_by_test_id("music-queue-item")
        .filter(has_text="Bob's tune")
        .get_by_test_id("music-remove")
        .click()
    )
    await expect(queue_a.get_by_test_id("music-item-title")).to_have_text(["Second wind"])

    # Alice switches to rotation: Bob sees the mode change.
    await a.page.get_by_test_id("music-settings-button").click()
    await expect(a.page.get_by_test_id("music-settings-mode")).to_be_focused()
    await a.page.get_by_test_id("music-settings-mode").select_option("rotation")
    await a.page.get_by_test_id("music-settings-save").click()
    await expect(b.page.get_by_test_id("music-mode")).to_have_text("Mode: DJ rotation")

    for person in (a, b):
        assert person.scripts_ran() == [], person.incidents


async def test_voice_room_shows_who_is_in_and_their_state_live(
    lite: TestServer, open_page: OpenPage
) -> None:
    alice, bob = await lite.user(), await lite.user()
    plain = await lite.room(alice, "plain talk", members=[bob])
    room = await lite.room(alice, "lounge", members=[bob], kind="voice")
    a = await open_page(alice, room)
    b = await open_page(bob, room)
    await expect(a.page.get_by_test_id("voice-empty")).to_be_visible()
    await expect(a.page.get_by_test_id("music-now")).to_be_hidden()

    # Bob joins: connected for him, in the list for Alice.
    await b.page.get_by_test_id("voice-join").click()
    await expect(b.page.get_by_test_id("voice-status")).to_have_text(
        re.compile(r"^Connected to voice")
    )
    await expect(b.page.get_by_test_id("voice-leave")).to_be_focused()
    bob_there = a.page.locator(f'[data-testid=voice-participant][data-user-id="{bob.id}"]')
    await expect(bob_there.get_by_test_id("voice-name")).to_have_text(shown(bob))
    await expect(a.page.get_by_test_id("voice-count")).to_have_text("1")

    # Bob mutes himself: Alice sees it.
    await b.page.get_by_test_id("voice-self-mute").click()
    await expect(b.page.get_by_test_id("voice-self-mute")).to_have_attribute("aria-pressed", "true")
    await expect(bob_there).to_have_attribute("data-self-mute", "true")
    await expect(bob_there.locator("[data-flag=self_mute]")).to_have_text("🔇 muted")

    # Alice (the owner) joins too and server-deafens Bob: he sees it.
    await a.page.get_by_test_id("voice-join").click()
    await expect(b.page.get_by_test_id("voice-count")).to_have_text("2")
    await expect(b.page.get_by_test_id("voice-moderate")).to_have_count(0)  # no rights
    # Made a moderator, Bob gets the tools live; the owner ranks above him: refused, said.
    promote = {"role": "moderator"}
    await alice.request("PATCH", f"/rooms/{room['id']}/members/{bob.id}", json=promote)
    alice_there = b.page.locator(f'[data-testid=voice-participant][data-user-id="{alice.id}"]')
    await alice_there.get_by_test_id("voice-moderate").click()
    await expect(alice_there.get_by_test_id("voice-moderate")).to_have_attribute(
        "aria-expanded", "true"
    )
    await alice_there.get_by_test_id("voice-server-mute").click()
    await expect(b.page.get_by_test_id("voice-error")).not_to_have_text("")
    await expect(alice_there).to_have_attribute("data-server-mute", "false")
    await bob_there.get_by_test_id("voice-moderate").click()
    await bob_there.get_by_test_id("voice-server-deaf").click()
    await expect(bob_there.get_by_test_id("voice-server-deaf")).to_have_attribute(
        "aria-pressed", "true"
    )
    me_there = b.page.locator(f'[data-testid=voice-participant][data-user-id="{bob.id}"]')
    await expect(me_there.locator("[data-flag=server_deaf]")).to_be_visible()
    await expect(b.page.get_by_test_id("voice-status")).to_contain_text("a moderator deafened you")

    # Bob's sidebar names the voice room he is in, wherever he looks.
    await expect(b.page.get_by_test_id("voice-indicator-room")).to_have_text("🔊 lounge")

    # Alice disconnects Bob: he is told by whom; then she leaves from her sidebar.
    await bob_there.get_by_test_id("voice-disconnect").click()
    await expect(bob_there).to_have_count(0)
    await expect(b.page.get_by_test_id("voice-status")).to_have_text(
        f"Not connected. {shown(alice)} disconnected you from voice."
    )
    await expect(b.page.get_by_test_id("voice-indicator")).to_be_hidden()
    await expect(b.page.get_by_test_id("voice-count")).to_have_text("1")
    await a.page.get_by_test_id("voice-indicator-leave").click()
    await expect(b.page.get_by_test_id("voice-empty")).to_be_visible()
    await expect(a.page.get_by_test_id("voice-status")).to_have_text("Not connected.")

    # A room that is neither music nor voice shows nothing of either.
    await a.page.evaluate(f"location.hash = '#/rooms/{plain['id']}'")
    await expect(a.page.get_by_test_id("room-name")).to_have_text("# plain talk")
    await expect(a.page.get_by_test_id("voice-panel")).to_be_hidden()
    await expect(a.page.get_by_test_id("music-panel")).to_be_hidden()

    for person in (a, b):
        assert person.scripts_ran() == [], person.incidents

"""A room's life in the web client: created from the sidebar, found and joined from the
room directory, renamed and given a topic by its owner (a refused name shown in the
dialog) with every viewer's sidebar and header following live, its pinned and starred
messages in the room panels with a jump to each, and left by a member."""

from __future__ import annotations

import re
from typing import Any

from playwright.async_api import expect

from hubbub.testing import TestServer
from tests.e2e.conftest import OpenPage
from tests.e2e.test_messages import expect_jumped_to, seed


def room_label(page: Any, room_id: int) -> Any:
    """The room's name as the sidebar shows it."""
    return page.locator(f'[data-testid=room-link][data-room-id="{room_id}"] .room-label')


async def test_create_join_configure_panels_and_leave_a_room(
    lite: TestServer, open_page: OpenPage
) -> None:
    alice, bob = await lite.user(), await lite.user()
    a = await open_page(alice)
    b = await open_page(bob)

    # A blank name is refused by the server, with its message; a real one is created,
    # listed and opened, ready to write in, and the refusal is gone.
    await a.page.get_by_test_id("create-room-name").fill("   ")
    await a.page.get_by_test_id("create-room-submit").click()
    refused = a.page.get_by_test_id("create-room-error")
    await expect(refused).to_have_text("room name must not be empty")
    await expect(refused).to_be_visible()
    await expect(a.page.get_by_test_id("room-link")).to_have_count(0)
    await a.page.get_by_test_id("create-room-name").fill("Launch pad")
    await a.page.get_by_test_id("create-room-submit").click()
    await expect(a.page.get_by_test_id("room-name")).to_have_text("# Launch pad")
    await expect(a.page).to_have_url(re.compile(r"#/rooms/\d+$"))
    room_id = int(a.page.url.rsplit("/", 1)[1])
    await expect(room_label(a.page, room_id)).to_have_text("# Launch pad")
    await expect(
        a.page.locator(f'[data-testid=room-link][data-room-id="{room_id}"]')
    ).to_have_attribute("aria-current", "page")
    await expect(a.page.get_by_test_id("composer-input")).to_be_enabled()
    await expect(a.page.get_by_test_id("create-room-name")).to_have_value("")
    await expect(refused).to_have_text("")
    await expect(a.page.get_by_test_id("settings-button")).to_be_visible()

    # Alice closes it to new members from her settings (the access fields).
    await a.page.get_by_test_id("settings-button").click()
    settings = a.page.get_by_test_id("settings-dialog")
    entry_open = a.page.get_by_test_id("settings-allow-entry")
    await expect(entry_open).to_be_checked()
    await expect(a.page.get_by_test_id("settings-access")).to_have_value("public")
    await entry_open.uncheck()
    await a.page.get_by_test_id("settings-save").click()
    await expect(settings).to_be_hidden()

    # Bob, not a member, does not have it in his sidebar; he finds it under "Browse rooms",
    # where joining is refused with the server's reason (once, however often he tries).
    await expect(room_label(b.page, room_id)).to_have_count(0)
    await b.page.get_by_test_id("directory-button").click()
    directory = b.page.get_by_test_id("directory-dialog")
    await expect(directory).to_be_visible()
    entry = directory.locator(f'[data-testid=directory-room][data-room-id="{room_id}"]')
    await expect(entry).to_contain_text("Launch pad")
    join = entry.get_by_test_id("directory-join")
    refusal = entry.locator(".error")
    for _ in range(2):
        await join.click()
        await expect(refusal).to_have_text("this room is not accepting new members")
        await expect(join).to_be_enabled()
    await expect(refusal).to_have_count(1)
    await expect(directory).to_be_visible()

    # Alice opens it again; Bob's next try gets him in.
    await a.page.get_by_test_id("settings-button").click()
    await expect(entry_open).not_to_be_checked()
    await entry_open.check()
    await a.page.get_by_test_id("settings-save").click()
    await expect(settings).to_be_hidden()
    await join.click()
    await expect(directory).to_be_hidden()
    await expect(b.page.get_by_test_id("room-name")).to_have_text("# Launch pad")
    await expect(room_label(b.page, room_id)).to_have_text("# Launch pad")
    await expect(b.page.get_by_test_id("composer-input")).to_be_enabled()
    await expect(b.page.get_by_test_id("settings-button")).to_be_hidden()
    await expect(b.page.get_by_test_id("leave-button")).to_be_visible()

    # Alice's settings: a blank name is refused by the server, shown in the dialog, which
    # stays open with what she typed.
    await a.page.get_by_test_id("settings-button").click()
    await expect(settings).to_be_visible()
    name = a.page.get_by_test_id("settings-name")
    await expect(name).to_have_value("Launch pad")
    await name.fill("   ")
    await a.page.get_by_test_id("settings-topic").fill("T-minus ten")
    await a.page.get_by_test_id("settings-save").click()
    await expect(a.page.get_by_test_id("settings-error")).to_have_text(
        "room name must not be empty"
    )
    await expect(settings).to_be_visible()
    await expect(name).to_have_value("   ")
    await expect(a.page.get_by_test_id("settings-topic")).to_have_value("T-minus ten")

    # A real name and the topic: both sidebars and headers follow, Bob's live.
    await name.fill("Mission control")
    await a.page.get_by_test_id("settings-save").click()
    await expect(settings).to_be_hidden()
    for person in (a, b):
        await expect(person.page.get_by_test_id("room-name")).to_have_text("# Mission control")
        await expect(person.page.get_by_test_id("room-topic")).to_have_text("T-minus ten")
        await expect(room_label(person.page, room_id)).to_have_text("# Mission control")
    # The topic cleared elsewhere (the API's null, as the SDK sends it): both headers follow.
    await alice.request("PATCH", f"/rooms/{room_id}", json={"topic": None})
    for person in (a, b):
        await expect(person.page.get_by_test_id("room-topic")).to_have_text("")
    await alice.request("PATCH", f"/rooms/{room_id}", json={"topic": "T-minus ten"})
    for person in (a, b):
        await expect(person.page.get_by_test_id("room-topic")).to_have_text("T-minus ten")
    # Opened again, the dialog shows the saved values and no old error.
    await a.page.get_by_test_id("settings-button").click()
    await expect(name).to_have_value("Mission control")
    await expect(a.page.get_by_test_id("settings-error")).to_have_text("")
    await a.page.get_by_test_id("settings-cancel").click()
    await expect(settings).to_be_hidden()

    # A starred and a pinned message of Bob's, each far from the other and from the end
    # of the room, so that each jump has to load the page around its message.
    starred = await bob.send(room_id, "star me")
    await seed(lite, alice, room_id, [f"filler {i}" for i in range(60)])
    pinned = await bob.send(room_id, "pin me")
    later = await seed(lite, alice, room_id, [f"more filler {i}" for i in range(60)])
    await alice.request("PUT", f"/messages/{starred['id']}/star")
    await alice.request("PUT", f"/messages/{pinned['id']}/pin")
    # Bob has read it all (his page's own acks may still be on their way when it
    # reloads, and a room with more than a page unread rightly opens at the marker).
    await bob.request("POST", f"/rooms/{room_id}/ack", json={"message_id": later[-1]})
    await b.page.reload()
    await expect(b.page.get_by_test_id("message").last).to_contain_text("more filler 59")
    await expect(b.page.locator(f'[data-message-id="{pinned["id"]}"]')).to_have_count(0)

    panel = b.page.get_by_test_id("panel-dialog")
    await b.page.get_by_test_id("pins-button").click()
    await expect(panel).to_have_attribute("data-panel", "pins")
    entries = panel.get_by_test_id("panel-message")
    await expect(entries).to_have_count(1)
    await expect(entries).to_have_attribute("data-message-id", str(pinned["id"]))
    await expect(entries).to_contain_text("pin me")
    await entries.get_by_test_id("panel-jump").click()
    await expect(panel).to_be_hidden()
    await expect_jumped_to(b.page, pinned["id"])
    await expect(b.page.locator(f'[data-message-id="{starred["id"]}"]')).to_have_count(0)

    await b.page.get_by_test_id("starboard-button").click()
    await expect(panel).to_have_attribute("data-panel", "starboard")
    await expect(entries).to_have_count(1)
    await expect(entries).to_have_attribute("data-message-id", str(starred["id"]))
    await expect(entries).to_contain_text("star me")
    await expect(entries).to_contain_text("★ 1")
    await entries.get_by_test_id("panel-jump").click()
    await expect(panel).to_be_hidden()
    await expect_jumped_to(b.page, starred["id"])

    # Alice's members panel lists both of them.
    members = a.page.get_by_test_id("panel-dialog").get_by_test_id("panel-member")
    await a.page.get_by_test_id("members-button").click()
    await expect(members).to_have_count(2)
    await expect(members.and_(a.page.locator(f'[data-user-id="{bob.id}"]'))).to_have_count(1)
    await a.page.get_by_test_id("panel-close").click()

    # Alice, its only owner, may not leave Bob behind without one: refused, she stays.
    await a.page.get_by_test_id("leave-button").click()
    await expect(a.page.get_by_test_id("room-error")).to_have_text(
        "you are the room's last owner: make someone else an owner before leaving"
    )
    await expect(room_label(a.page, room_id)).to_have_text("# Mission control")
    await expect(a.page.get_by_test_id("room-name")).to_have_text("# Mission control")

    # Bob leaves: the room leaves his sidebar and his screen, and is in his directory again.
    await b.page.get_by_test_id("leave-button").click()
    await expect(room_label(b.page, room_id)).to_have_count(0)
    await expect(b.page.get_by_test_id("room-name")).to_have_text("Pick a room")
    await expect(b.page.get_by_test_id("leave-button")).to_be_hidden()
    await expect(b.page.get_by_test_id("composer-input")).to_be_disabled()
    await b.page.get_by_test_id("directory-button").click()
    await expect(
        b.page.locator(f'[data-testid=directory-room][data-room-id="{room_id}"]')
    ).to_contain_text("Mission control")
    await b.page.get_by_test_id("directory-close").click()

    # Alice's members panel no longer lists him.
    await a.page.get_by_test_id("members-button").click()
    await expect(members).to_have_count(1)
    await expect(members).to_have_attribute("data-user-id", str(alice.id))

    for person in (a, b):
        assert person.scripts_ran() == [], person.incidents

"""Spaces, groups and DMs in the browser: an owner creates a space and a room in it and
invites another user, who joins by the invite code (a third joins from the directory of
open spaces), sees the space, its rooms, a new room, a rename, a category and a deletion
live, and chats there; a group made with two others reaches them live, and leaving it
takes it off the sidebar; a ban takes the space away without a reload."""

from __future__ import annotations

import re

from playwright.async_api import expect

from hubbub.testing import TestServer
from tests.e2e.conftest import OpenPage


async def test_space_invite_live_rooms_chat_group_and_removal(
    lite: TestServer, open_page: OpenPage
) -> None:
    alice, bob, carol = await lite.user(), await lite.user(), await lite.user()
    a = await open_page(alice)
    b = await open_page(bob)
    c = await open_page(carol)

    # Alice creates a space: it shows with its first room, which opens.
    await a.page.get_by_test_id("space-create-button").click()
    dialog = a.page.get_by_test_id("space-create-dialog")
    await expect(dialog.get_by_test_id("space-create-name")).to_be_focused()
    await dialog.get_by_test_id("space-create-name").fill("Guild")
    await dialog.get_by_test_id("space-create-description").fill("a place")
    await dialog.get_by_test_id("space-create-open").check()
    await dialog.get_by_test_id("space-create-submit").click()
    space = a.page.get_by_test_id("space").filter(has_text="Guild")
    await expect(space.get_by_test_id("room-link")).to_have_text(["# general"])
    await expect(a.page.get_by_test_id("room-name")).to_have_text("# general")
    # One presentation: a space's room is under its space, not also under "Rooms".
    await expect(a.page.get_by_test_id("room-list").get_by_test_id("room-item")).to_have_count(0)
    space_id = await space.get_attribute("data-space-id")

    # A room in the space, then an invite.
    await space.get_by_test_id("space-menu").click()
    menu = a.page.get_by_test_id("space-dialog")
    await menu.get_by_test_id("space-tab-room").click()
    await menu.get_by_test_id("space-room-name").fill("news")
    await menu.get_by_test_id("space-room-submit").click()
    await expect(menu).to_be_hidden()
    await expect(a.page.get_by_test_id("room-name")).to_have_text("# news")
    await space.get_by_test_id("space-menu").click()
    await menu.get_by_test_id("space-tab-invite").click()
    await menu.get_by_test_id("space-invite-create").click()
    code = menu.get_by_test_id("space-invite-code")
    await expect(code).not_to_have_text("")
    invite = await code.text_content()
    assert invite
    await expect(menu.get_by_test_id("space-invite-link")).to_have_value(
        f"{lite.url}/#/invite/{invite}"
    )
    await menu.press("Escape")
    await expect(menu).to_be_hidden()

    # Bob joins by the code: the space and both rooms show, its first room opens.
    await b.page.get_by_test_id("space-join-button").click()
    await b.page.get_by_test_id("space-join-code").fill(invite)
    await b.page.get_by_test_id("space-join-submit").click()
    bobs = b.page.get_by_test_id("space").filter(has_text="Guild")
    await expect(bobs.get_by_test_id("room-link")).to_have_text(["# general", "# news"])
    await expect(b.page.get_by_test_id("room-name")).to_have_text("# general")
    await expect(b.page.get_by_test_id("room-list").get_by_test_id("room-item")).to_have_count(0)

    # Carol finds the open space in the directory and joins from there.
    await c.page.get_by_test_id("space-join-button").click()
    listed = c.page.get_by_test_id("space-directory-item").filter(has_text="Guild")
    await listed.get_by_test_id("space-directory-join").click()
    await expect(c.page.get_by_test_id("space-name")).to_have_text(["Guild"])
    await expect(c.page.get_by_test_id("room-name")).to_have_text("# general")

    # Live: a new room in the space, then a rename of the space.
    await alice.request("POST", "/rooms", json={"name": "events", "space_id": int(space_id)})
    await expect(bobs.get_by_test_id("room-link")).to_have_text(["# events", "# general", "# news"])
    await space.get_by_test_id("space-menu").click()
    await menu.get_by_test_id("space-tab-settings").click()
    await menu.get_by_test_id("space-settings-name").fill("Guild Hall")
    await menu.get_by_test_id("space-settings-save").click()
    await expect(b.page.get_by_test_id("space-name")).to_have_text("Guild Hall")
    # Alice files "news" under a new category: Bob's sidebar follows.
    await menu.get_by_test_id("space-tab-rooms").click()
    await menu.get_by_test_id("space-category-new").fill("Talk")
    await menu.get_by_test_id("space-category-add").click()
    await menu.get_by_label("Category of # news").select_option(label="Talk")
    await menu.get_by_test_id("space-categories-save").click()
    talk = bobs.get_by_test_id("space-category").filter(has_text="Talk")
    await expect(talk.get_by_test_id("room-link")).to_have_text(["# news"])
    # She deletes "events" (asked twice): it leaves Bob's sidebar.
    events = menu.locator("[data-testid=space-room-row]").filter(has_text="events")
    await events.get_by_test_id("space-room-delete").click()
    await events.get_by_test_id("space-room-delete").click()
    await expect(bobs.get_by_test_id("room-link")).to_have_text(["# general", "# news"])
    # The members list (with the owner marked) follows Bob's arrival.
    await menu.get_by_test_id("space-tab-members").click()
    await expect(menu.get_by_test_id("space-member")).to_have_count(3)
    owner_row = menu.locator(f'[data-testid=space-member][data-user-id="{alice.id}"]')
    await expect(owner_row.get_by_test_id("space-member-owner")).to_be_visible()
    # Bob sets his nickname in the space; Alice's open list follows.
    await bobs.get_by_test_id("space-menu").click()
    await b.page.get_by_test_id("space-nickname").fill("Bobby")
    await b.page.get_by_test_id("space-nickname").press("Enter")
    bob_row = menu.locator(f'[data-testid=space-member][data-user-id="{bob.id}"]')
    await expect(bob_row).to_contain_text("Bobby")
    await b.page.get_by_test_id("space-dialog").press("Escape")
    await menu.get_by_test_id("space-dialog-close").click()

    # They chat in the space's room; an unread badge shows on the other's room.
    await bobs.get_by_test_id("room-link").filter(has_text="news").click()
    await expect(b.page.get_by_test_id("room-name")).to_have_text("# news")
    await b.page.get_by_test_id("composer-input").fill("hi from bob in news")
    await b.page.get_by_test_id("composer-input").press("Enter")
    await expect(
        a.page.get_by_test_id("message").filter(has_text="hi from bob in news")
    ).to_have_count(1)
    await alice.send(
        int(
            await bobs.get_by_test_id("room-link")
            .filter(has_text="general")
            .get_attribute("data-room-id")
            or 0
        ),
        "ping general",
    )
    general = bobs.locator("[data-testid=room-item]").filter(has_text="general")
    await expect(general.get_by_test_id("unread-badge")).to_have_text("1")
    # Folded, the space sums its rooms' unread counts; the arrow keys walk its rooms.
    toggle = bobs.get_by_test_id("space-toggle")
    await toggle.click()
    await expect(toggle).to_have_attribute("aria-expanded", "false")
    await expect(bobs.get_by_test_id("room-link")).to_have_count(0)
    await expect(toggle.get_by_label("1 unread")).to_be_visible()
    await toggle.press("Enter")
    await expect(toggle).to_be_focused()
    await expect(toggle).to_have_attribute("aria-expanded", "true")
    await bobs.get_by_test_id("room-link").first.focus()
    await b.page.keyboard.press("ArrowDown")
    await expect(bobs.get_by_test_id("room-link").nth(1)).to_be_focused()

    # Alice makes a group with Bob and Carol, picked by handle: it reaches both live.
    await a.page.get_by_test_id("group-new-button").click()
    group_dialog = a.page.get_by_test_id("group-dialog")
    await group_dialog.get_by_test_id("group-name").fill("trio")
    await group_dialog.get_by_test_id("group-handle").fill(f"@{bob.handle}")
    await group_dialog.get_by_test_id("group-add").click()
    await expect(group_dialog.get_by_test_id("group-pick")).to_have_count(1)
    await group_dialog.get_by_test_id("group-handle").fill("nobody-here")
    await group_dialog.get_by_test_id("group-add").click()
    await expect(group_dialog.get_by_test_id("group-pick-error")).to_have_text(
        "No user @nobody-here."
    )
    await group_dialog.get_by_test_id("group-handle").fill(carol.handle)
    await group_dialog.get_by_test_id("group-add").click()
    await expect(group_dialog.get_by_test_id("group-pick")).to_have_count(2)
    await group_dialog.get_by_test_id("group-submit").click()
    await expect(a.page.get_by_test_id("room-name")).to_have_text(re.compile(r"trio$"))
    for person in (b, c):
        await expect(
            person.page.get_by_test_id("dm-list").get_by_test_id("room-link")
        ).to_have_text([re.compile(r"trio$")])

    # Carol leaves it from the group dialog: gone from her sidebar; Alice's list follows.
    await c.page.get_by_test_id("dm-list").get_by_test_id("room-link").click()
    await c.page.get_by_test_id("group-manage-button").click()
    manage = c.page.get_by_test_id("group-manage-dialog")
    await expect(manage.get_by_test_id("group-member")).to_have_count(3)
    await manage.get_by_test_id("group-leave").click()
    await manage.get_by_test_id("group-leave").click()
    await expect(c.page.get_by_test_id("dm-list").get_by_test_id("room-item")).to_have_count(0)
    await a.page.get_by_test_id("group-manage-button").click()
    await expect(
        a.page.get_by_test_id("group-manage-dialog").get_by_test_id("group-member")
    ).to_have_count(2)
    await a.page.get_by_test_id("group-manage-dialog-close").click()

    # Carol opens a DM with Bob by his handle.
    await c.page.get_by_test_id("dm-new-button").click()
    await c.page.get_by_test_id("dm-handle").fill(bob.handle)
    await c.page.get_by_test_id("dm-submit").click()
    await expect(c.page.get_by_test_id("dm-list").get_by_test_id("room-item")).to_have_count(1)
    await expect(c.page.get_by_test_id("composer-input")).to_be_enabled()

    # Alice bans Bob from the members list (asked twice): the space and its rooms leave
    # his sidebar without a reload, and he is told; her list of bans shows him.
    await space.get_by_test_id("space-menu").click()
    await expect(bob_row).to_contain_text("Bobby")
    await bob_row.get_by_test_id("space-member-ban").click()
    await bob_row.get_by_test_id("space-member-ban").click()
    await expect(b.page.get_by_test_id("space")).to_have_count(0)
    await expect(b.page.get_by_test_id("spaces-notice")).to_have_text(
        "You were banned from Guild Hall."
    )
    await expect(b.page.get_by_test_id("room-name")).to_have_text("Pick a room")
    banned = menu.get_by_test_id("space-ban")
    await expect(banned).to_have_count(1)
    await expect(banned).to_have_attribute("data-user-id", str(bob.id))
    await expect(menu.get_by_test_id("space-member")).to_have_count(2)

    for person in (a, b, c):
        assert person.scripts_ran() == [], person.incidents

"""Roles and invites of a space in the browser: the owner makes an invite limited to one
use, which admits one person and refuses the next with the server's message; the owner
creates a role that may manage messages, gives it to the member, whose name takes the
role's colour and who gets the moderator's Delete on others' messages live; a second
role is ranked above it from the keyboard, then deleted; a room's override for the role
is saved; the room header names the space."""

from __future__ import annotations

from playwright.async_api import expect

from hubbub.testing import TestServer
from tests.e2e.actions import open_actions
from tests.e2e.conftest import OpenPage


async def test_roles_invite_limits_and_live_moderation(
    lite: TestServer, open_page: OpenPage
) -> None:
    alice, bob, carol = await lite.user(), await lite.user(), await lite.user()
    space = await alice.request("POST", "/spaces", json={"name": "Guild"})
    state = await alice.request("GET", f"/spaces/{space['id']}/state")
    general = state["rooms"][0]
    await alice.send(general, "hello from the owner")
    a = await open_page(alice, general)
    b = await open_page(bob)
    c = await open_page(carol)
    await expect(a.page.get_by_test_id("room-space")).to_have_text("Guild")

    # An invite for one use that expires in a day.
    await a.page.get_by_test_id("space-menu").click()
    dialog = a.page.get_by_test_id("space-dialog")
    await dialog.get_by_test_id("space-tab-invite").click()
    await dialog.get_by_test_id("space-invite-max-uses").select_option("1")
    await dialog.get_by_test_id("space-invite-expiry").select_option("86400")
    await dialog.get_by_test_id("space-invite-create").click()
    await expect(dialog.get_by_test_id("space-invite-code")).not_to_have_text("")
    code = await dialog.get_by_test_id("space-invite-code").text_content()
    assert code
    invite = dialog.get_by_test_id("space-invite").filter(has_text=code)
    await expect(invite.get_by_test_id("space-invite-uses")).to_have_text("0/1 uses")
    await expect(invite.get_by_test_id("space-invite-expires")).to_have_text("expires in 24 h")

    # Bob joins with it; Carol is refused with the server's reason.
    await b.page.get_by_test_id("space-join-button").click()
    await b.page.get_by_test_id("space-join-code").fill(code)
    await b.page.get_by_test_id("space-join-submit").click()
    await expect(b.page.get_by_test_id("room-name")).to_have_text("# general")
    await expect(b.page.get_by_test_id("room-space")).to_have_text("Guild")
    await c.page.get_by_test_id("space-join-button").click()
    await c.page.get_by_test_id("space-join-code").fill(code)
    await c.page.get_by_test_id("space-join-submit").click()
    await expect(c.page.get_by_test_id("space-join-error")).to_have_text(
        "this invite has reached its use limit"
    )
    await expect(c.page.get_by_test_id("space-join-code")).to_have_value(code)
    await expect(c.page.get_by_test_id("space")).to_have_count(0)

    # Bob has no moderator's Delete on Alice's message yet.
    theirs = b.page.get_by_test_id("message").filter(has_text="hello from the owner")
    menu = await open_actions(theirs)
    await expect(menu.get_by_test_id("message-report")).to_be_visible()
    await expect(menu.get_by_test_id("message-mod-delete")).to_have_count(0)
    await b.page.keyboard.press("Escape")

    # Alice creates "Mods" (a colour, manage messages) in the Roles tab.
    await dialog.get_by_test_id("space-tab-roles").click()
    form = dialog.get_by_test_id("space-role-form")
    await form.get_by_test_id("space-role-name").fill("Mods")
    await form.get_by_test_id("space-role-colour").fill("#cc3300")
    await form.locator("[data-perm=manage_messages]").check()
    await form.get_by_test_id("space-role-submit").click()
    roles = dialog.get_by_test_id("space-role")
    await expect(roles).to_have_count(1)
    await expect(roles.first).to_contain_text("Mods")
    await expect(roles.first.get_by_test_id("space-role-count")).to_have_text("0 members")

    # She gives it to Bob: his name takes its colour, the count moves, and Bob's menu
    # offers the moderator's Delete without a reload.
    await dialog.get_by_test_id("space-tab-members").click()
    row = dialog.get_by_test_id("space-member").filter(has_text=bob.handle)
    await row.get_by_test_id("space-member-role-select").select_option(label="Mods")
    await row.get_by_test_id("space-member-role-add").click()
    await expect(row.get_by_test_id("space-member-role")).to_contain_text(["Mods"])
    name = row.locator(".space-member-name")
    await expect(name).to_have_css("color", "rgb(204, 51, 0)")
    menu = await open_actions(theirs)
    await expect(menu.get_by_test_id("message-mod-delete")).to_be_visible()
    await b.page.keyboard.press("Escape")

    # A second role, ranked above Mods from the keyboard, then deleted (two clicks).
    await dialog.get_by_test_id("space-tab-roles").click()
    await expect(roles.first.get_by_test_id("space-role-count")).to_have_text("1 member")
    await form.get_by_test_id("space-role-name").fill("Helpers")
    await form.get_by_test_id("space-role-submit").click()
    await expect(roles).to_have_count(2)
    await expect(roles.locator(".space-role-name")).to_have_text(["Mods", "Helpers"])
    helpers = roles.filter(has_text="Helpers")
    await helpers.get_by_test_id("space-role-up").focus()
    await a.page.keyboard.press("Enter")
    await expect(roles.locator(".space-role-name")).to_have_text(["Helpers", "Mods"])
    await expect(helpers.get_by_test_id("space-role-down")).to_be_focused()
    listed = await alice.request("GET", f"/spaces/{space['id']}/roles")
    assert [r["name"] for r in listed["roles"]] == ["Helpers", "Mods"]
    delete = helpers.get_by_test_id("space-role-delete")
    await delete.click()
    await delete.click()
    await expect(roles.locator(".space-role-name")).to_have_text(["Mods"])

    # Alice lets Mods manage roles (an edit): Bob gets the Roles tab, but his own top
    # role is out of his reach, and the dialog says so.
    await roles.first.get_by_test_id("space-role-edit").click()
    await expect(form.get_by_test_id("space-role-name")).to_have_value("Mods")
    await expect(form.locator("[data-perm=manage_messages]")).to_be_checked()
    await form.locator("[data-perm=manage_roles]").check()
    await form.get_by_test_id("space-role-submit").click()
    await expect(form.get_by_test_id("space-role-status")).to_have_text("Saved Mods.")
    await b.page.get_by_test_id("space-menu").click()
    bobs = b.page.get_by_test_id("space-dialog")
    await bobs.get_by_test_id("space-tab-roles").click()
    await bobs.get_by_test_id("space-role-edit").click()
    await bobs.get_by_test_id("space-role-name").fill("Top mods")
    await bobs.get_by_test_id("space-role-submit").click()
    await expect(bobs.get_by_test_id("space-role-error")).to_have_text(
        "Mods ranks at or above your highest role: only roles below it can be changed."
    )
    await expect(bobs.get_by_test_id("space-role-name")).to_have_value("Top mods")

    # A room override: Mods may not send in #general.
    await dialog.get_by_test_id("space-tab-rooms").click()
    await dialog.get_by_test_id("space-room-permissions").click()
    editor = dialog.get_by_test_id("space-overrides")
    await editor.get_by_test_id("space-override-target").select_option(label="Mods")
    await editor.locator("[data-testid=space-override-value][data-perm=send]").select_option("deny")
    await editor.get_by_test_id("space-override-save").click()
    await expect(editor.get_by_test_id("space-override-status")).to_have_text("Saved.")
    found = await alice.request("GET", f"/rooms/{general['id']}/overrides")
    mods = next(r for r in listed["roles"] if r["name"] == "Mods")
    assert found["overrides"] == [
        {"target_type": "role", "target_id": mods["id"], "allow": 0, "deny": 2}
    ]

    for person in (a, b, c):
        assert person.scripts_ran() == []

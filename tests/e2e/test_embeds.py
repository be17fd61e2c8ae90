"""Embeds appended to a message (`POST /messages/{id}/embeds`) drawn as cards under it:
live from `message.appended` and after a reload, a linked title, a description keeping
its line breaks, fields with the inline ones side by side, the colour bar, an image as a
link to its host (never loaded), and hostile texts shown as the very text sent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from hubbub.errors import HubbubError
from hubbub.testing import TestServer
from tests.e2e.conftest import OpenPage, Person
from tests.e2e.test_keyboard import unnamed

EXTERNAL_REL = "noopener noreferrer nofollow"
BUILD = {
    "title": "Build #42 passed",
    "url": "https://ci.example.com/builds/42",
    "description": "All 312 tests passed.\nCoverage 91%",
    "colour": 0x2ECC71,
    "fields": [
        {"name": "Branch", "value": "main", "inline": True},
        {"name": "Duration", "value": "4m 12s", "inline": True},
        {"name": "Commit", "value": "c472970 drafts kept per room", "inline": False},
    ],
    "image_url": "https://images.example.org/badges/42.png",
}
NOTE = {"title": "Release notes", "description": "Nothing else changed."}

PAYLOADS = [
    line
    for line in (Path(__file__).parent / "xss_payloads.txt").read_text("utf-8").splitlines()
    if line.strip() and not line.startswith("# ")
]


def _message(person: Person, message_id: int) -> Any:
    return person.page.locator(f'[data-testid=message][data-message-id="{message_id}"]')


async def _inner_text(locator: Any) -> str:
    # innerText follows the CSS: line breaks survive only where white-space keeps them.
    text: str = await locator.evaluate("(node) => node.innerText")
    return text


async def _check_build_and_note(person: Person, message_id: int) -> None:
    cards = _message(person, message_id).get_by_test_id("message-embed")
    await expect(cards).to_have_count(2)
    build, note = cards.nth(0), cards.nth(1)
    await expect(build).to_have_attribute("aria-label", "Embed: Build #42 passed")
    assert await build.evaluate("(node) => node.tagName") == "ARTICLE"

    title = build.get_by_test_id("embed-title").get_by_role("link")
    await expect(title).to_have_text("Build #42 passed")
    await expect(title).to_have_attribute("href", BUILD["url"])
    await expect(title).to_have_attribute("target", "_blank")
    await expect(title).to_have_attribute("rel", EXTERNAL_REL)
    assert await _inner_text(build.get_by_test_id("embed-description")) == BUILD["description"]

    fields = build.get_by_test_id("embed-field")
    await expect(fields).to_have_count(3)
    await expect(fields.nth(0)).to_have_text("Branchmain")
    await expect(fields.nth(2)).to_have_text("Commitc472970 drafts kept per room")
    branch, duration, commit = [await fields.nth(i).bounding_box() for i in range(3)]
    assert branch and duration and commit
    assert branch["y"] == duration["y"] and duration["x"] > branch["x"]  # side by side
    assert commit["y"] >= branch["y"] + branch["height"]  # a row of its own

    colour = await build.evaluate("(node) => getComputedStyle(node).borderLeftColor")
    assert colour == "rgb(46, 204, 113)"

    image = build.get_by_test_id("embed-image-link")
    await expect(image).to_have_text("Image on images.example.org")
    await expect(image).to_have_attribute("href", BUILD["image_url"])
    await expect(image).to_have_attribute("target", "_blank")
    await expect(image).to_have_attribute("rel", EXTERNAL_REL)
    await expect(build.locator("img")).to_have_count(0)

    # No URL: the title is plain text.
    await expect(note).to_have_attribute("aria-label", "Embed: Release notes")
    await expect(note.get_by_test_id("embed-title")).to_have_text("Release notes")
    await expect(note.get_by_test_id("embed-title").locator("a")).to_have_count(0)
    await expect(note.get_by_test_id("embed-description")).to_have_text("Nothing else changed.")
    assert person.scripts_ran() == []


async def test_appended_embeds_show_live_and_after_a_reload(
    lite: TestServer, open_page: OpenPage
) -> None:
    alice, bob = await lite.user(), await lite.user()
    room = await lite.room(alice, "e2e embeds", members=[bob])
    a = await open_page(alice, room)

    sent = await bob.send(room, "the nightly build")
    message = _message(a, sent["id"])
    await expect(message.get_by_test_id("message-body")).to_have_text("the nightly build")
    await expect(message.get_by_test_id("message-embed")).to_have_count(0)

    # Two appends, the second retried with its nonce: live, each card once.
    await bob.request("POST", f"/messages/{sent['id']}/embeds", json={"embeds": [BUILD]})
    await expect(message.get_by_test_id("message-embed")).to_have_count(1)
    for _ in range(2):
        await bob.request(
            "POST", f"/messages/{sent['id']}/embeds", json={"embeds": [NOTE], "nonce": "note-1"}
        )
    await _check_build_and_note(a, sent["id"])

    await a.page.reload()
    await expect(a.page.get_by_test_id("composer-input")).to_be_enabled()
    await _check_build_and_note(a, sent["id"])
    assert await unnamed(a.page) == []  # every link of the cards has a name

    # At phone width the cards stay within the screen, inline fields still side by side.
    await a.page.set_viewport_size({"width": 360, "height": 740})
    cards = message.get_by_test_id("message-embed")
    for i in range(2):
        await expect(cards.nth(i)).to_be_visible()
        box = await cards.nth(i).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360
    fields = cards.nth(0).get_by_test_id("embed-field")
    first, second = await fields.nth(0).bounding_box(), await fields.nth(1).bounding_box()
    assert first and second and first["y"] == second["y"]

    # A deleted message shows no embeds.
    await bob.request("DELETE", f"/messages/{sent['id']}")
    await expect(message.get_by_test_id("message-body")).to_have_text("message deleted")
    await expect(message.get_by_test_id("message-embed")).to_have_count(0)
    assert a.scripts_ran() == []


async def test_hostile_embed_texts_render_as_text(lite: TestServer, open_page: OpenPage) -> None:
    alice = await lite.user()
    bot = await lite.bot(owner=alice)
    room = await lite.room(alice, "e2e hostile embeds", members=[bot])
    a = await open_page(alice, room)
    sent = await alice.send(room, "look at this")

    # A URL of another scheme is refused with a typed error, never stored.
    with pytest.raises(HubbubError) as refused:
        await bot.request(
            "POST",
            f"/messages/{sent['id']}/embeds",
            json={"embeds": [{"title": "x", "url": "javascript:alert(1)"}]},
        )
    assert refused.value.code == "invalid_embed"

    payloads = PAYLOADS[:12]
    hostile = {
        "title": payloads[0],
        "description": "\n".join(payloads[1:6]),
        "fields": [{"name": p, "value": p, "inline": True} for p in payloads[6:12]],
        "url": "https://example.com/?q=%3Cscript%3Ealert(1)%3C/script%3E",
    }
    await bot.request("POST", f"/messages/{sent['id']}/embeds", json={"embeds": [hostile]})
    for reload in (False, True):
        if reload:
            await a.page.reload()
            await expect(a.page.get_by_test_id("composer-input")).to_be_enabled()
        card = _message(a, sent["id"]).get_by_test_id("message-embed")
        await expect(card).to_have_count(1)
        await expect(card).to_have_attribute("aria-label", f"Embed: {payloads[0]}")
        title = card.get_by_test_id("embed-title")
        assert await title.evaluate("(node) => node.textContent") == payloads[0]
        description = card.get_by_test_id("embed-description")
        assert await description.evaluate("(node) => node.textContent") == hostile["description"]
        names = await card.locator("dt").evaluate_all("(ns) => ns.map((n) => n.textContent)")
        values = await card.locator("dd").evaluate_all("(ns) => ns.map((n) => n.textContent)")
        assert names == values == payloads[6:12]
        # Only the card's own elements: nothing the payloads spelled became a tag.
        tags = await card.evaluate(
            "(c) => [...new Set([...c.querySelectorAll('*')].map((n) => n.tagName))].sort()"
        )
        assert tags == ["A", "DD", "DIV", "DL", "DT", "P"]
        assert a.scripts_ran() == []

    # The client's own check: a URL of another scheme never becomes a link, whatever the
    # server sent (the card built by the page's module from a forged embed).
    links = await a.page.evaluate(
        """async () => {
          const { embedCard } = await import(
            new URL("./js/embeds.js", document.querySelector('script[type=module]').src).href);
          const card = embedCard({title: "forged", url: "javascript:alert(1)",
            image_url: "data:text/html,<script>alert(1)</script>"});
          return card.querySelectorAll("a").length;
        }"""
    )
    assert links == 0
    assert a.scripts_ran() == []

"""An XSS corpus (xss_payloads.txt) as message bodies, display names and room names,
then as space names, status texts, profiles' "about", group names and track titles,
rendered by the client in a real browser: no script runs (the hooked `alert` family and
the CSP violation listener stay silent, no native dialog, no page error), message bodies
hold only the sanitiser's tags and attributes, and names show as the very text sent."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from playwright.async_api import expect

from hubbub.testing import TestServer, TestUser
from tests.e2e.conftest import OpenPage, Person

PAYLOADS = [
    line
    for line in (Path(__file__).parent / "xss_payloads.txt").read_text("utf-8").splitlines()
    if line.strip() and not line.startswith("# ")
]
ROOM_NAME_MAX = 100
DISPLAY_NAME_MAX = 64

# What the server's sanitiser (hubbub.server.render) may emit, checked in the page.
_BODIES_CLEAN = """
els => {
  const tags = new Set(["P","BR","STRONG","EM","DEL","S","CODE","PRE","BLOCKQUOTE","A",
    "UL","OL","LI","H1","H2","H3","H4","H5","H6","HR"]);
  // A's target is the client's own (links to other sites open apart): "_blank" only.
  const attrs = {A: ["href", "title", "rel", "target"], CODE: ["class"], OL: ["start"]};
  const bad = [];
  for (const body of els) {
    for (const node of body.querySelectorAll("*")) {
      if (!tags.has(node.tagName)) bad.push(node.outerHTML);
      for (const a of node.attributes) {
        if (!(attrs[node.tagName] || []).includes(a.name)) bad.push(node.outerHTML);
      }
      if (node.tagName === "A" && !/^(https?:|mailto:)/i.test(node.getAttribute("href") || "")) {
        bad.push(node.outerHTML);
      }
      const target = node.getAttribute("target");
      if (target !== null && target !== "_blank") bad.push(node.outerHTML);
    }
  }
  return bad;
}
"""


def test_corpus_is_big_enough() -> None:
    assert len(PAYLOADS) >= 50
    assert len(set(PAYLOADS)) == len(PAYLOADS)


async def _hostile_user(lite: TestServer, payload: str) -> tuple[TestUser, str]:
    """A user whose display name is `payload`; the name as the server kept it."""
    user = await lite.user()
    body: dict[str, Any] = await user.request(
        "PATCH", "/users/me", json={"display_name": payload[:DISPLAY_NAME_MAX]}
    )
    return user, str(body["display_name"])


async def _clean(person: Person) -> None:
    # A violation is reported by a queued event: let the page's queue run first.
    await person.page.evaluate("() => new Promise(r => setTimeout(r, 0))")
    assert await person.page.evaluate("() => window.__hubbubIncidents") == []
    assert person.scripts_ran() == [], person.incidents


async def test_xss_corpus_as_messages_display_names_and_room_names(
    lite: TestServer, open_page: OpenPage
) -> None:
    alice = await lite.user()
    lobby = await lite.room(alice, "lobby")
    a = await open_page(alice, lobby)

    senders = await asyncio.gather(*(_hostile_user(lite, p) for p in PAYLOADS))
    rooms: list[tuple[int, str]] = []
    for (user, _), payload in zip(senders, PAYLOADS, strict=True):
        await user.join(lobby)
        await user.send(lobby, payload)
        room = await lite.room(user, payload[:ROOM_NAME_MAX], members=[alice])
        rooms.append((int(room["id"]), str(room["name"])))

    page = a.page
    messages = page.get_by_test_id("message")
    # Live: every message arrives over the gateway and is appended.
    await expect(messages).to_have_count(len(PAYLOADS))
    await _check_messages(a, [name for _, name in senders])
    await _check_sidebar(a, rooms)

    # From history and `ready` after a reload (the newest page of the lobby).
    await page.reload()
    await expect(page.get_by_test_id("composer-input")).to_be_enabled()
    await expect(messages.last).to_contain_text(senders[-1][1])
    shown = await messages.count()
    assert shown >= 50
    await _check_messages(a, [name for _, name in senders][-shown:])
    await _check_sidebar(a, rooms)

    # Each hostile room opened: its name in the header, as text.
    header = page.get_by_test_id("room-name")
    for rid, name in rooms:
        await page.evaluate("rid => { location.hash = `#/rooms/${rid}`; }", rid)
        await expect(header).to_have_text(f"# {name}")
        await expect(page.get_by_test_id("message")).to_have_count(0)
    await _clean(a)


async def _check_messages(person: Person, authors: list[str]) -> None:
    messages = person.page.get_by_test_id("message")
    await expect(messages.get_by_test_id("message-author")).to_have_text(authors)
    bodies = messages.get_by_test_id("message-body")
    bad = await bodies.evaluate_all(_BODIES_CLEAN)
    assert bad == []
    await _clean(person)


async def _check_sidebar(person: Person, rooms: list[tuple[int, str]]) -> None:
    for rid, name in rooms:
        link = person.page.locator(f'[data-testid=room-link][data-room-id="{rid}"]')
        await expect(link.locator(".room-label")).to_have_text(f"# {name}")
    await _clean(person)


async def test_the_watchers_hear_a_script_and_a_csp_violation(
    lite: TestServer, open_page: OpenPage
) -> None:
    """The silence above means something: a script calling `alert`, and an inline script
    the CSP blocks, are both recorded."""
    a = await open_page(await lite.user())
    await a.page.evaluate("() => alert('probe')")
    await a.page.evaluate(
        """() => {
          const s = document.createElement("script");
          s.textContent = "window.ran = true";
          document.body.append(s);
        }"""
    )
    # The violation event is dispatched asynchronously: wait for the page to have it.
    await a.page.wait_for_function(
        "() => ['alert', 'csp'].every(k => window.__hubbubIncidents.includes(k))"
    )
    await a.page.evaluate("() => 0")  # the binding's calls went before this answer
    kinds = [i["kind"] for i in a.incidents]
    assert "alert" in kinds
    assert "csp" in kinds
    assert await a.page.evaluate("() => window.ran === undefined")


async def test_xss_corpus_in_spaces_statuses_profiles_groups_and_tracks(
    lite: TestServer, open_page: OpenPage
) -> None:
    # The views the features added draw other people's text too: space names, status
    # texts and "about" (presence list, profile dialog), group names, track titles and
    # artists (the music queue). Each shows the payload as text and runs nothing.
    alice, mallory = await lite.user(), await lite.user()
    music = await lite.room(alice, "jukebox", kind="music", members=[mallory])
    people = [(await _hostile_user(lite, p))[0] for p in PAYLOADS[:20]]
    room = await lite.room(alice, "statuses", members=people)

    async def decorate(user: TestUser, payload: str) -> dict[str, Any]:
        changes = {"status_text": payload[:128], "about": payload}
        profile: dict[str, Any] = await user.request("PATCH", "/users/me", json=changes)
        return profile

    pairs = zip(people, PAYLOADS[:20], strict=True)
    profiles = await asyncio.gather(*(decorate(u, p) for u, p in pairs))

    async def hostile_space(payload: str) -> dict[str, Any]:
        body = {"name": payload[:ROOM_NAME_MAX], "open": True}
        space: dict[str, Any] = await mallory.request("POST", "/spaces", json=body)
        await alice.request("POST", f"/spaces/{space['id']}/join")
        return space

    spaces = await asyncio.gather(*(hostile_space(p) for p in PAYLOADS))
    groups = [
        await mallory.request(
            "POST", "/groups", json={"name": p[:ROOM_NAME_MAX], "user_ids": [alice.id]}
        )
        for p in PAYLOADS[:20]
    ]
    for payload in PAYLOADS[:25]:
        track = {"source": "url", "url": "https://example.org/t", "duration_s": 600}
        await mallory.request(
            "POST",
            f"/rooms/{music['id']}/music/queue",
            json={**track, "title": payload[:200], "artist": payload[:200]},
        )

    a = await open_page(alice, room)
    page = a.page
    names = page.get_by_test_id("space-name")
    await expect(names).to_have_count(len(spaces))
    assert sorted(await names.all_text_contents()) == sorted(s["name"] for s in spaces)
    for group in groups:
        link = page.locator(f'[data-testid=room-link][data-room-id="{group["id"]}"]')
        await expect(link.locator(".room-label")).to_have_text(group["name"])
    texts = page.get_by_test_id("presence-status-text")
    await expect(texts).to_have_count(len(profiles))
    assert sorted(await texts.all_text_contents()) == sorted(
        str(p["status_text"]) for p in profiles
    )
    await _clean(a)

    # A hostile profile, opened: its about and status as text.
    member = page.locator(f'[data-testid=presence-member][data-user-id="{people[0].id}"]')
    await member.get_by_test_id("presence-name").click()
    await expect(page.get_by_test_id("profile-about")).to_have_text(str(profiles[0]["about"]))
    await page.keyboard.press("Escape")
    await _clean(a)

    await page.evaluate("rid => { location.hash = `#/rooms/${rid}`; }", music["id"])
    titles = page.get_by_test_id("music-item-title")
    await expect(titles).to_have_count(24)  # the first one plays, the rest wait
    await expect(page.get_by_test_id("music-title")).to_have_text(PAYLOADS[0][:200])
    await _clean(a)

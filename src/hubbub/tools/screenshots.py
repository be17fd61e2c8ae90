"""Screenshots of the web client's main views, for docs/screenshots/ (`make screenshots`).

    python -m hubbub.tools.screenshots [OUT_DIR]

Starts an in-process server on a fresh database, fills it with a small community (people
with names, a space, rooms with a conversation, a music room, a voice room, a DM), then
photographs each view in Debian's headless Chromium at a desktop size, in the dark
theme and at a phone width. Needs the dev extra (Playwright) and /usr/bin/chromium.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from hubbub.testing import TestServer, TestUser
from hubbub.tools.browser import CHROMIUM, CHROMIUM_ARGS

DESKTOP = (1280, 800)
PHONE = (390, 844)

CONVERSATION = [
    ("alice", "Morning all! The **0.4 release** is tagged 🎉"),
    ("bob", "Nice. Did the resume fix make it in? Reconnects were dropping events for me."),
    (
        "alice",
        "It did: a client that reconnects with its cursor gets every event it missed, "
        "exactly once, in order.",
    ),
    ("carol", "Here is how I run it locally:\n```\nmake serve\n```"),
    ("bob", "@alice can you pin the changelog?"),
    ("alice", "Pinned. See the *Pins* panel."),
    ("carol", "Typing indicators look much calmer now, too."),
]

TRACKS = [
    ("bob", "Redemption Song", "Bob Marley & The Wailers", 227),
    ("carol", "Higher Further Faster", "Pinar Toprak", 212),
    ("alice", "White Rabbit", "Jefferson Airplane", 152),
]


@dataclass
class Community:
    """What the scenes photograph: its people and places."""

    server: TestServer
    people: dict[str, TestUser]
    general: dict[str, Any]
    music: dict[str, Any]
    voice: dict[str, Any]
    messages: list[dict[str, Any]]


async def build_community(server: TestServer) -> Community:
    names = {"alice": "Alice Liddell", "bob": "Bob Marley", "carol": "Carol Danvers"}
    people: dict[str, TestUser] = {}
    for handle, display in names.items():
        user = await server.user(handle)
        await user.request("PATCH", "/users/me", json={"display_name": display})
        people[handle] = user
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    general = await server.room(
        alice,
        "general",
        topic="Everything hubbub: releases, questions, chatter",
        members=[carol],
        moderators=[bob],
    )
    await server.room(alice, "design", members=[bob])
    space = await alice.request(
        "POST",
        "/spaces",
        json={"name": "Open Source Guild", "description": "Makers", "open": True},
    )
    for guest in (bob, carol):
        await guest.request("POST", f"/spaces/{space['id']}/join")
    music = await server.room(
        alice, "listening-party", kind="music", members=[bob, carol], space_id=space["id"]
    )
    voice = await server.room(
        alice, "standup", kind="voice", members=[bob, carol], space_id=space["id"]
    )
    await server.room(alice, "announcements", space_id=space["id"])
    for who, title, artist, seconds in TRACKS:
        track = {"source": "url", "url": f"https://music.example/{seconds}", "title": title}
        await people[who].request(
            "POST",
            f"/rooms/{music['id']}/music/queue",
            json={**track, "artist": artist, "duration_s": seconds},
        )
    for who in ("bob", "carol"):
        await people[who].request("POST", f"/rooms/{voice['id']}/voice/join")
    await carol.request("PATCH", f"/rooms/{voice['id']}/voice/me", json={"self_mute": True})
    messages = [await people[who].send(general, text) for who, text in CONVERSATION]
    await bob.request("PUT", f"/messages/{messages[0]['id']}/reactions/🎉")
    await carol.request("PUT", f"/messages/{messages[0]['id']}/reactions/🎉")
    await carol.request("PUT", f"/messages/{messages[2]['id']}/reactions/👍")
    await bob.request("PUT", f"/messages/{messages[2]['id']}/star")
    await alice.request("PUT", f"/messages/{messages[3]['id']}/pin")
    dm = await bob.request("POST", f"/users/{alice.id}/dm")
    await bob.send(dm, "Got a minute after standup?")
    return Community(server, people, general, music, voice, messages)


Scene = Callable[[Any, Community], Awaitable[None]]


async def _room_view(page: Any, world: Community) -> None:
    await page.goto(f"{world.server.url}/#/rooms/{world.general['id']}")
    await page.get_by_test_id("message").filter(has_text="Typing indicators").wait_for()


async def _login(page: Any, world: Community) -> None:
    await page.goto(f"{world.server.url}/")
    await page.get_by_test_id("login-form").wait_for()


async def _search(page: Any, world: Community) -> None:
    await _room_view(page, world)
    await page.get_by_test_id("search-input").fill("resume")
    await page.get_by_test_id("search-submit").click()
    await page.get_by_test_id("search-result").first.wait_for()


async def _members(page: Any, world: Community) -> None:
    await _room_view(page, world)
    await page.get_by_test_id("members-button").click()
    await page.get_by_test_id("panel-member").first.wait_for()


async def _profile(page: Any, world: Community) -> None:
    await _room_view(page, world)
    author = page.get_by_test_id("message").filter(has_text="resume fix")
    await author.get_by_test_id("message-author").click()
    await page.get_by_test_id("profile-name").wait_for()


async def _actions(page: Any, world: Community) -> None:
    await _room_view(page, world)
    message = page.get_by_test_id("message").filter(has_text="resume fix")
    await message.hover()
    await message.get_by_test_id("message-more").click()
    await message.get_by_test_id("message-menu").wait_for()


async def _moderation(page: Any, world: Community) -> None:
    await _room_view(page, world)
    await page.get_by_test_id("moderation-button").click()
    await page.get_by_test_id("moderation-dialog").wait_for()


async def _music(page: Any, world: Community) -> None:
    await page.goto(f"{world.server.url}/#/rooms/{world.music['id']}")
    await page.get_by_test_id("music-queue-item").first.wait_for()


async def _voice(page: Any, world: Community) -> None:
    await page.goto(f"{world.server.url}/#/rooms/{world.voice['id']}")
    await page.get_by_test_id("voice-name").first.wait_for()


@dataclass(frozen=True)
class Shot:
    scene: Scene
    viewport: tuple[int, int]  # width, height
    scheme: Literal["light", "dark"] = "light"
    signed_in: bool = True  # as Alice


SHOTS: dict[str, Shot] = {
    "login.png": Shot(_login, DESKTOP, signed_in=False),
    "room.png": Shot(_room_view, DESKTOP),
    "room-dark.png": Shot(_room_view, DESKTOP, "dark"),
    "room-phone.png": Shot(_room_view, PHONE),
    "search.png": Shot(_search, DESKTOP),
    "members.png": Shot(_members, DESKTOP),
    "profile.png": Shot(_profile, DESKTOP),
    "actions.png": Shot(_actions, DESKTOP),
    "moderation.png": Shot(_moderation, DESKTOP),
    "music.png": Shot(_music, DESKTOP),
    "voice.png": Shot(_voice, DESKTOP, "dark"),
}


async def take(out: Path, only: set[str] | None = None) -> list[Path]:
    from playwright.async_api import async_playwright

    written: list[Path] = []
    async with TestServer() as server, async_playwright() as pw, AsyncExitStack() as online:
        world = await build_community(server)
        # Bob and Carol are connected (online, Carol away with a status) while Alice looks.
        for who in ("bob", "carol"):
            await online.enter_async_context(world.people[who].client())
        carol = world.people["carol"]
        await carol.request("PUT", "/users/me/presence", json={"status": "idle"})
        await carol.request("PATCH", "/users/me", json={"status_text": "Lunch 🍜"})
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for name, shot in SHOTS.items():
                if only and name not in only:
                    continue
                context = await browser.new_context(
                    viewport={"width": shot.viewport[0], "height": shot.viewport[1]},
                    color_scheme=shot.scheme,
                    device_scale_factor=1,
                )
                if shot.signed_in:
                    token = json.dumps(world.people["alice"].token)
                    await context.add_init_script(f"localStorage.setItem('hubbub.token', {token});")
                page = await context.new_page()
                page.set_default_timeout(15_000)
                await shot.scene(page, world)
                # Let transitions and late frames (typing, presence) settle.
                await page.wait_for_timeout(300)
                target = out / name
                await page.screenshot(path=str(target))
                written.append(target)
                await context.close()
        finally:
            await browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else Path("docs/screenshots")
    only = set(args[1:]) or None
    out.mkdir(parents=True, exist_ok=True)
    for path in asyncio.run(take(out, only)):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

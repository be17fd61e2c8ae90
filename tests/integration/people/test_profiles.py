"""Profiles over a real server (ID-01, ID-07, ID-08, ID-09, ID-15): edits reach observers
(a room in common) and not strangers, live, on resume and over long-poll; avatars; stats;
lookups by handle; the reserved system users; refusals with their stable codes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest_asyncio

from hubbub.client.http import default_tls
from hubbub.testing import TestServer
from tests.integration.wire import Api, Gateway, name

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(40)
JPEG = b"\xff\xd8\xff\xe0" + bytes(40)


@pytest_asyncio.fixture
async def lite() -> AsyncIterator[TestServer]:
    """SQLite only, a 4 KiB avatar limit: for flows whose SQL the two-backend tests cover."""
    async with TestServer(max_avatar_bytes=4096) as srv:
        yield srv


async def _pair_in_room(server: TestServer) -> tuple[Api, Api, Api, dict[str, Any]]:
    alice, bob, stranger = [await Api.register(server) for _ in range(3)]
    room = await alice.room()
    await bob.ok("POST", f"/rooms/{room['id']}/join")
    return alice, bob, stranger, room


async def no_user_event(gw: Gateway, within: float = 0.3) -> None:
    """No `user.*` event arrives within `within` seconds (presence and others may)."""
    try:
        while True:
            frame = await gw.recv(within)
            assert not str(frame.get("type", "")).startswith("user."), frame
    except TimeoutError:
        return


async def _poll(api: Api, cursor: str) -> list[dict[str, Any]]:
    body = await api.ok("GET", "/events", params={"cursor": cursor, "wait": 0})
    return list(body["events"])


async def test_edit_reaches_observers_not_strangers(server: TestServer) -> None:
    alice, bob, stranger, _room = await _pair_in_room(server)
    gw_bob = await Gateway.connect(server, bob.token)
    gw_stranger = await Gateway.connect(server, stranger.token)
    cursor_bob, cursor_stranger = gw_bob.ready["cursor"], gw_stranger.ready["cursor"]

    new_handle = name("renamed")
    me = await alice.ok(
        "PATCH",
        "/users/me",
        json={
            "display_name": "Alice A.",
            "about": "**hi** there",
            "status_text": "busy",
            "handle": new_handle,
        },
    )
    assert me["display_name"] == "Alice A." and me["handle"] == new_handle
    assert me["about"] == "**hi** there" and me["status_text"] == "busy"
    assert me["flags"] == [] and me["raw_flags"] == 0 and me["reputation"] == 1

    event = await gw_bob.event("user.updated")
    assert event["data"] == {
        "user_id": alice.id,
        "changes": {
            "display_name": "Alice A.",
            "about": "**hi** there",
            "status_text": "busy",
            "handle": new_handle,
        },
        "cleared": [],
    }
    assert event["actor"]["handle"] == new_handle
    await no_user_event(gw_stranger)

    # Long-poll and resume agree with the live delivery.
    assert [e["type"] for e in await _poll(bob, cursor_bob)].count("user.updated") == 1
    assert all(e["type"] != "user.updated" for e in await _poll(stranger, cursor_stranger))
    again = await Gateway.connect(server, bob.token, cursor=cursor_bob)
    assert (await again.event("user.updated"))["data"]["user_id"] == alice.id

    # Clearing, and a change to nothing (which logs nothing).
    await alice.ok("PATCH", "/users/me", json={"status_text": None, "about": ""})
    cleared = await gw_bob.event("user.updated")
    assert cleared["data"]["changes"] == {}
    assert sorted(cleared["data"]["cleared"]) == ["about", "status_text"]
    await alice.ok("PATCH", "/users/me", json={"status_text": None, "display_name": "Alice A."})
    await no_user_event(gw_bob)
    fetched = await bob.ok("GET", f"/users/{alice.id}")
    assert fetched["about"] == "" and fetched["status_text"] is None
    assert (await alice.ok("GET", "/users/me"))["handle"] == new_handle


async def test_edit_refusals(server: TestServer) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    await alice.error("PATCH", "/users/me", 422, "about_too_long", json={"about": "x" * 2001})
    await alice.error(
        "PATCH", "/users/me", 422, "status_text_too_long", json={"status_text": "x" * 129}
    )
    await alice.error("PATCH", "/users/me", 422, "invalid_display_name", json={"display_name": ""})
    await alice.error("PATCH", "/users/me", 422, "invalid_username", json={"handle": "a b"})
    await alice.error("PATCH", "/users/me", 422, "username_reserved", json={"handle": "Feeds"})
    await alice.error(
        "PATCH", "/users/me", 409, "username_taken", json={"handle": bob.user["handle"].upper()}
    )
    # Changing one's own handle's case is a rename, not a clash.
    upper = alice.user["handle"].upper()
    assert (await alice.ok("PATCH", "/users/me", json={"handle": upper}))["handle"] == upper
    # Nothing half-written: a refused field keeps the others unchanged too.
    await alice.error(
        "PATCH",
        "/users/me",
        422,
        "about_too_long",
        json={"display_name": "Changed", "about": "x" * 2001},
    )
    assert (await alice.ok("GET", f"/users/{alice.id}"))["display_name"] != "Changed"


async def test_avatar_upload_serve_replace_clear(lite: TestServer) -> None:
    alice, bob, _stranger, _room = await _pair_in_room(lite)
    gw_bob = await Gateway.connect(lite, bob.token)
    files = {"file": ("me.png", PNG, "application/octet-stream")}
    me = await alice.ok("PUT", "/users/me/avatar", files=files)
    url = me["avatar_url"]
    assert url.startswith(f"/api/v1/users/{alice.id}/avatar/")
    event = await gw_bob.event("user.updated")
    assert event["data"]["changes"] == {"avatar_url": url}

    async with httpx.AsyncClient(verify=default_tls(), base_url=lite.url) as anon:
        image = await anon.get(url)
        assert image.status_code == 200 and image.content == PNG
        assert image.headers["content-type"] == "image/png"
        # A new upload is a new URL; the old one is gone.
        me2 = await alice.ok("PUT", "/users/me/avatar", files={"file": ("x", JPEG, "image/png")})
        assert me2["avatar_url"] != url
        assert (await anon.get(url)).status_code == 404
        assert (await anon.get(me2["avatar_url"])).headers["content-type"] == "image/jpeg"
        await gw_bob.event("user.updated")

        cleared = await alice.ok("DELETE", "/users/me/avatar")
        assert cleared["avatar_url"] is None
        assert (await gw_bob.event("user.updated"))["data"]["cleared"] == ["avatar_url"]
        assert (await anon.get(me2["avatar_url"])).status_code == 404
    await alice.ok("DELETE", "/users/me/avatar")  # already none: nothing logged
    await no_user_event(gw_bob)

    bad = {"file": ("x.png", b"MZ\x90\x00 not an image", "image/png")}
    await alice.error("PUT", "/users/me/avatar", 415, "unsupported_avatar_type", files=bad)
    big = {"file": ("x.png", PNG + bytes(5000), "image/png")}
    await alice.error("PUT", "/users/me/avatar", 413, "avatar_too_large", files=big)
    await alice.error("PUT", "/users/me/avatar", 415, "multipart_required", content=PNG)
    await alice.error("PUT", "/users/me/avatar", 400, "file_required", files={"other": PNG})
    assert (await alice.ok("GET", "/users/me"))["avatar_url"] is None


async def test_stats_and_lookup(server: TestServer) -> None:
    alice, bob, _stranger, room = await _pair_in_room(server)
    other = await alice.room()
    for text in ("one", "two", "three"):
        await alice.send(room["id"], text)
    doomed = await alice.send(other["id"], "gone soon")
    await alice.ok("DELETE", f"/messages/{doomed['id']}", 204)
    stats = await bob.ok("GET", f"/users/{alice.id}/stats")
    assert stats == {
        "user_id": alice.id,
        "message_count": 3,
        "room_count": 2,
        "last_seen_at": stats["last_seen_at"],
        "reputation": 1,
    }
    assert (await bob.ok("GET", f"/users/{bob.id}/stats"))["message_count"] == 0

    found = await bob.ok("GET", "/users", params={"handle": alice.user["handle"].upper()})
    assert found["id"] == alice.id and found["about"] == ""
    await bob.error("GET", "/users", 404, "user_not_found", params={"handle": "nobody-here"})
    await bob.error("GET", "/users/999999", 404, "user_not_found")
    await bob.error("GET", "/users/999999/stats", 404, "user_not_found")


async def test_system_users(lite: TestServer) -> None:
    alice = await Api.register(lite)
    community = await alice.ok("GET", "/users/-1")
    assert community["handle"] == "community" and community["bot"] is True
    assert (await alice.ok("GET", "/users/-2"))["display_name"] == "Feeds"
    assert (await alice.ok("GET", "/users", params={"handle": "feeds"}))["id"] == -2
    assert (await alice.ok("GET", "/users/-1/stats"))["message_count"] == 0
    await alice.error("GET", "/users/-3", 404, "user_not_found")
    async with httpx.AsyncClient(verify=default_tls(), base_url=lite.url) as http:
        for handle in ("community", "Feeds"):
            resp = await http.post(
                "/api/v1/auth/register", json={"username": handle, "password": "x" * 12}
            )
            assert resp.status_code == 422
            assert resp.json()["error"]["code"] == "username_reserved"
            resp = await http.post(
                "/api/v1/auth/login", json={"username": handle, "password": "x" * 12}
            )
            assert resp.status_code == 401
    await alice.error("PATCH", "/users/me", 422, "username_reserved", json={"handle": "community"})
    staff_api = alice  # refused before the staff check would matter
    await staff_api.error(
        "POST",
        "/admin/users/merge",
        403,
        "not_global_moderator",
        json={"source_user_id": -1, "target_user_id": alice.id},
    )

"""Custom emojis over a real server (EM-01, EM-02, D.34): upload, list, read and delete with
`emoji.*` to the space's members, the image served without a token, the refusals, and
use by id in reactions and in message content."""

from __future__ import annotations

import struct
from typing import Any

import httpx
import pytest

from hubbub.client.http import default_tls
from hubbub.server.services import emojis as emoji_service
from hubbub.testing import TestServer
from tests.integration.wire import Api, Gateway

MANAGE_EMOJIS = 1 << 14
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(40)
JPEG = b"\xff\xd8\xff\xe0" + bytes(40)
WEBP = b"RIFF" + struct.pack("<I", 30) + b"WEBPVP8 " + bytes(30)
ANIMATED_WEBP = (
    b"RIFF" + struct.pack("<I", 30) + b"WEBPVP8X" + struct.pack("<I", 10) + b"\x02" + bytes(29)
)


def _gif(frames: int) -> bytes:
    frame = b"\x2c" + bytes(8) + b"\x00" + b"\x02" + b"\x02\x4c\x01" + b"\x00"
    return b"GIF89a" + b"\x01\x00\x01\x00\x00\x00\x00" + frame * frames + b"\x3b"


async def _space(owner: Api, *members: Api, open_: bool = True) -> dict[str, Any]:
    space: dict[str, Any] = await owner.ok(
        "POST", "/spaces", 201, json={"name": "Guild", "open": open_}
    )
    for api in members:
        await api.ok("POST", f"/spaces/{space['id']}/join")
    return space


def _upload(name: str, data: bytes, content_type: str = "image/png") -> dict[str, Any]:
    return {"files": {"file": ("e.png", data, content_type)}, "data": {"name": name}}


async def _create(api: Api, space_id: int, name: str, data: bytes = PNG) -> dict[str, Any]:
    emoji: dict[str, Any] = await api.ok(
        "POST", f"/spaces/{space_id}/emojis", 201, **_upload(name, data)
    )
    return emoji


async def _anonymous_get(server: TestServer, url: str) -> httpx.Response:
    async with httpx.AsyncClient(verify=default_tls(), base_url=server.url) as http:
        return await http.get(url)


async def test_upload_list_delete_with_events(server: TestServer) -> None:
    alice, bob, outsider = [await Api.register(server) for _ in range(3)]
    space = await _space(alice, bob)
    sid = space["id"]
    gw_bob = await Gateway.connect(server, bob.token)
    gw_out = await Gateway.connect(server, outsider.token)
    cursor = gw_bob.ready["cursor"]

    party = await _create(alice, sid, "party")
    assert party == {
        "id": party["id"],
        "name": "party",
        "space_id": sid,
        "creator_id": alice.id,
        "animated": False,
        "url": f"/api/v1/emojis/{party['id']}/image",
        "created_at": party["created_at"],
    }
    event = await gw_bob.event("emoji.created")
    assert event["data"] == {"emoji": party} and event["space_id"] == sid
    assert event["actor"]["id"] == alice.id

    # Types come from the bytes; the part's declared type does not matter.
    spin = await alice.ok(
        "POST", f"/spaces/{sid}/emojis", 201, **_upload("spin", _gif(3), "text/plain")
    )
    still = await _create(alice, sid, "still_gif", _gif(1))
    webp = await _create(alice, sid, "webp", WEBP)
    moving = await _create(alice, sid, "moving_webp", ANIMATED_WEBP)
    photo = await _create(alice, sid, "photo", JPEG)
    assert [e["animated"] for e in (spin, still, webp, moving, photo)] == [
        True,
        False,
        False,
        True,
        False,
    ]

    listed = await bob.ok("GET", f"/spaces/{sid}/emojis")
    assert [e["name"] for e in listed["emojis"]] == [
        "party",
        "spin",
        "still_gif",
        "webp",
        "moving_webp",
        "photo",
    ]
    assert await bob.ok("GET", f"/emojis/{party['id']}") == party
    # Anyone signed in may look an emoji up (messages anywhere show it); not list a space's.
    assert await outsider.ok("GET", f"/emojis/{party['id']}") == party

    image = await _anonymous_get(server, party["url"])
    assert image.status_code == 200 and image.content == PNG
    assert image.headers["content-type"] == "image/png"
    assert "max-age" in image.headers["cache-control"]
    assert image.headers["x-content-type-options"] == "nosniff"
    gif = await _anonymous_get(server, spin["url"])
    assert gif.headers["content-type"] == "image/gif" and gif.content == _gif(3)

    await alice.ok("DELETE", f"/emojis/{party['id']}", 204)
    event = await gw_bob.event("emoji.deleted")
    assert event["data"] == {"space_id": sid, "emoji_id": party["id"]}
    assert (await _anonymous_get(server, party["url"])).status_code == 404
    await bob.error("GET", f"/emojis/{party['id']}", 404, "emoji_not_found")
    await alice.error("DELETE", f"/emojis/{party['id']}", 404, "emoji_not_found")
    names = [e["name"] for e in (await bob.ok("GET", f"/spaces/{sid}/emojis"))["emojis"]]
    assert "party" not in names
    # The name is free again.
    assert (await _create(alice, sid, "party"))["id"] != party["id"]

    # Not a member: no emoji events at all.
    await gw_out.no_event()
    # Long-poll and resume give the member the same sequence.
    expected = ["emoji.created"] * 6 + ["emoji.deleted", "emoji.created"]
    page = await bob.ok("GET", "/events", params={"cursor": cursor})
    assert [e["type"] for e in page["events"] if e["type"].startswith("emoji.")] == expected
    assert not any(e["type"] == "audit.entry.created" for e in page["events"])
    resumed = await Gateway.connect(server, bob.token, cursor=cursor)
    replay = await resumed.events_until(
        lambda f: (
            f["type"] == "emoji.created"
            and f["data"]["emoji"]["name"] == "party"
            and f["data"]["emoji"]["id"] != party["id"]
        )
    )
    assert [e["type"] for e in replay if e["type"].startswith("emoji.")] == expected
    # The owner (a moderator of the space) gets the audit entries.
    audits = await alice.ok("GET", "/events", params={"cursor": cursor})
    actions = [
        e["data"]["entry"]["action"] for e in audits["events"] if e["type"] == "audit.entry.created"
    ]
    assert actions == ["emoji.created"] * 6 + ["emoji.deleted", "emoji.created"]


async def test_refusals(server: TestServer, monkeypatch: pytest.MonkeyPatch) -> None:
    alice, bob, outsider = [await Api.register(server) for _ in range(3)]
    space = await _space(alice, bob)
    sid = space["id"]
    closed = await _space(alice, open_=False)
    path = f"/spaces/{sid}/emojis"

    await bob.error("POST", path, 403, "missing_permission", **_upload("mine", PNG))
    await outsider.error(
        "POST", f"/spaces/{closed['id']}/emojis", 404, "space_not_found", **_upload("x_x", PNG)
    )
    await outsider.error("GET", f"/spaces/{closed['id']}/emojis", 404, "space_not_found")
    await outsider.error("GET", path, 403, "not_a_space_member")  # open, but not joined
    for bad in ["a", "Party", "with-dash", "x" * 33, "sp ace", "émoji"]:
        await alice.error("POST", path, 422, "invalid_emoji_name", **_upload(bad, PNG))
    for data in [b"just some text", b"<svg xmlns='http://www.w3.org/2000/svg'/>", b"MZ\x90\x00"]:
        await alice.error("POST", path, 415, "unsupported_emoji_type", **_upload("bad", data))
    await alice.error("POST", path, 422, "file_empty", **_upload("empty", b""))
    too_big = PNG + bytes(256 * 1024)
    await alice.error("POST", path, 413, "emoji_too_large", **_upload("big", too_big))
    huge = PNG + bytes(2 * 1024 * 1024)  # refused from its Content-Length
    await alice.error("POST", path, 413, "emoji_too_large", **_upload("huge", huge))
    await alice.error("POST", path, 415, "multipart_required", json={"name": "x"})
    await alice.error("POST", path, 400, "file_required", files={"name": (None, "nofile")})
    await alice.error(
        "POST", path, 400, "name_required", files={"file": ("e.png", PNG, "image/png")}
    )
    assert (await alice.ok("GET", path))["emojis"] == []

    await _create(alice, sid, "dupe")
    await alice.error("POST", path, 409, "emoji_name_taken", **_upload("dupe", JPEG))
    # The same name in another space is fine.
    await _create(alice, closed["id"], "dupe")

    # A role with manage_emojis lets a member upload and delete.
    role = await alice.ok(
        "POST", f"/spaces/{sid}/roles", 201, json={"name": "artist", "permissions": MANAGE_EMOJIS}
    )
    await alice.ok("PUT", f"/spaces/{sid}/members/{bob.id}/roles/{role['id']}")
    art = await _create(bob, sid, "art")
    await outsider.error("DELETE", f"/emojis/{art['id']}", 403, "missing_permission")
    secret = await _create(alice, closed["id"], "secret")
    await outsider.error("DELETE", f"/emojis/{secret['id']}", 404, "emoji_not_found")
    await bob.ok("DELETE", f"/emojis/{art['id']}", 204)

    monkeypatch.setattr(emoji_service, "MAX_PER_SPACE", 2)
    await _create(bob, sid, "second")
    await alice.error("POST", path, 409, "too_many_emojis", **_upload("third", PNG))
    assert len((await alice.ok("GET", path))["emojis"]) == 2
    await alice.error("GET", "/emojis/999999", 404, "emoji_not_found")
    assert (await _anonymous_get(server, "/api/v1/emojis/999999/image")).status_code == 404


async def test_reactions_by_id(server: TestServer) -> None:
    alice, bob, carol = [await Api.register(server) for _ in range(3)]
    space = await _space(alice, bob)
    general = space["system_room_id"]
    other = await _space(carol)
    party = await _create(alice, space["id"], "party")
    foreign = await _create(carol, other["id"], "foreign")
    key = str(party["id"])
    msg = await bob.send(general, "react to me")
    gw = await Gateway.connect(server, alice.token)

    reacted = await bob.ok("PUT", f"/messages/{msg['id']}/reactions/{key}")
    assert reacted["reactions"] == [{"emoji": key, "count": 1, "user_ids": [bob.id], "me": True}]
    event = await gw.event("message.reaction.added")
    assert event["data"]["emoji"] == key and event["data"]["count"] == 1
    # Unicode reactions still work next to it.
    await alice.ok("PUT", f"/messages/{msg['id']}/reactions/👍")

    for bad in [str(foreign["id"]), "999999", "0"]:
        await bob.error("PUT", f"/messages/{msg['id']}/reactions/{bad}", 422, "invalid_emoji")

    # A standalone room: emojis of a space the reactor belongs to.
    room = await alice.room()
    for api in (bob, carol):
        await api.ok("POST", f"/rooms/{room['id']}/join")
    loose = await alice.send(room["id"], "standalone")
    await bob.ok("PUT", f"/messages/{loose['id']}/reactions/{key}")
    await carol.error("PUT", f"/messages/{loose['id']}/reactions/{key}", 422, "invalid_emoji")
    await carol.ok("PUT", f"/messages/{loose['id']}/reactions/{foreign['id']}")

    # A deleted emoji can no longer be added, but a reaction with it can be removed.
    await alice.ok("DELETE", f"/emojis/{party['id']}", 204)
    await alice.error("PUT", f"/messages/{msg['id']}/reactions/{key}", 422, "invalid_emoji")
    removed = await bob.ok("DELETE", f"/messages/{msg['id']}/reactions/{key}")
    assert [r["emoji"] for r in removed["reactions"]] == ["👍"]


async def test_content_renders_custom_emojis(server: TestServer) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    space = await _space(alice, bob)
    general = space["system_room_id"]
    party = await _create(alice, space["id"], "party")
    pid = party["id"]
    img = f'<img class="emoji" alt=":party:" src="/api/v1/emojis/{pid}/image">'
    gw = await Gateway.connect(server, bob.token)

    content = f"hi <:party:{pid}> and `<:party:{pid}>` and <:nope:999999> and <:renamed:{pid}>"
    msg = await alice.send(general, content)
    html = msg["content_html"]
    assert html.count(img) == 2  # a wrong name still shows the emoji under its own name
    assert f"<code>&lt;:party:{pid}&gt;</code>" in html
    assert "&lt;:nope:999999&gt;" in html
    assert msg["content"] == content
    assert (await gw.event("message.created"))["data"]["message"]["content_html"] == html

    # Nothing from the text reaches an attribute.
    tricky = f'<:party:{pid}>" onerror="alert(1)'
    html = (await alice.send(general, tricky))["content_html"]
    # The quote lands in text after the server's tag is closed: an attribute it is not.
    assert html == f'<p>{img}" onerror="alert(1)</p>'
    block = await alice.send(general, f"```\n<:party:{pid}>\n```")
    assert "<img" not in block["content_html"]

    # Edits render too; a deleted emoji is shown as its source text from then on.
    plain = await bob.send(general, "before")
    edited = await bob.ok("PATCH", f"/messages/{plain['id']}", json={"content": f"<:party:{pid}>"})
    assert edited["content_html"] == f"<p>{img}</p>"
    await alice.ok("DELETE", f"/emojis/{pid}", 204)
    after = await bob.send(general, f"<:party:{pid}>")
    assert after["content_html"] == f"<p>&lt;:party:{pid}&gt;</p>"

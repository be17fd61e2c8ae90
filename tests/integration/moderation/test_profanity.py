"""The profanity filter over a real server (MD-06, D.84): whole-word masking on send and on
edit, `censored`, the original for moderators only (events, REST reads, history), the
room's and the server's word lists, the room setting, and the refusals."""

from __future__ import annotations

from typing import Any

from hubbub.server.services import profanity
from hubbub.testing import TestServer
from tests.integration.wire import Api, Gateway, staff


async def _room_with(owner: Api, *members: Api, **fields: Any) -> dict[str, Any]:
    room = await owner.room(**fields)
    for api in members:
        await api.ok("POST", f"/rooms/{room['id']}/join")
    return room


def test_whole_words_only_with_leetspeak_and_joiners() -> None:
    words = profanity.WordSet.of(profanity.BUNDLED.words, ["frak"])
    cases = {
        "Scunthorpe is classic, assess the cocktail": None,
        "shitake and Dickens": None,
        "What the FUCK!": "What the ****!",
        "f.u.c.k off": "******* off",
        "sh1t happens": "**** happens",
        "shit.Then": "****.Then",
        "fuuuuck": "*******",
        "f*ck this": "**** this",
        "a$$hole": "*******",
        "Frak you": "**** you",
    }
    for text, masked in cases.items():
        assert profanity.mask_text(text, words) == (masked or text), text
    html = '<a href="https://shit.example/">shit</a>'
    assert profanity.mask_html(html, words) == '<a href="https://shit.example/">****</a>'


async def test_masked_for_everyone_original_for_moderators(server: TestServer) -> None:
    owner, author, reader = [await Api.register(server) for _ in range(3)]
    room = await _room_with(owner, author, reader)
    rid = room["id"]
    assert room["profanity_filter"] is True  # on by default
    gw_owner = await Gateway.connect(server, owner.token)
    gw_author = await Gateway.connect(server, author.token)
    gw_reader = await Gateway.connect(server, reader.token)

    sent = await author.send(rid, "this is **shit**, classic Scunthorpe")
    assert sent["content"] == "this is ********, classic Scunthorpe"  # **bold** kept
    assert "****" in sent["content_html"] and "shit" not in sent["content_html"]
    assert sent["content_text"] == "this is ****, classic Scunthorpe"
    assert sent["censored"] is True and sent["active"] is True
    assert "original_content" not in sent and "shadowbanned" not in sent
    for gw in (gw_author, gw_reader):
        got = (await gw.event("message.created"))["data"]["message"]
        assert got["content"] == sent["content"] and "original_content" not in got
    mods = (await gw_owner.event("message.created"))["data"]["message"]
    assert mods["original_content"] == "this is **shit**, classic Scunthorpe"
    assert mods["content"] == sent["content"] and mods["censored"] is True
    for gw in (gw_owner, gw_author, gw_reader):
        await gw.no_event()  # one copy each

    # REST reads: the original only for moderators
    path = f"/messages/{sent['id']}"
    assert "original_content" not in await reader.ok("GET", path)
    assert (await owner.ok("GET", path))["original_content"].startswith("this is **shit**")
    page = await reader.ok("GET", f"/rooms/{rid}/messages")
    assert "original_content" not in page["messages"][-1]
    page = await owner.ok("GET", f"/rooms/{rid}/messages")
    assert page["messages"][-1]["original_content"].startswith("this is **shit**")

    # An innocent message is one ROOM event, the same for everyone, not censored.
    clean = await author.send(rid, "assess the cocktail")
    assert clean["censored"] is False
    for gw in (gw_owner, gw_author, gw_reader):
        got = (await gw.event("message.created"))["data"]["message"]
        assert got["id"] == clean["id"] and "original_content" not in got

    # Edits pass the filter too.
    edited = await author.ok("PATCH", f"/messages/{clean['id']}", json={"content": "bullshit!"})
    assert edited["content"] == "********!" and edited["censored"] is True
    ch = (await gw_reader.event("message.updated"))["data"]["changes"]
    assert ch["content"] == "********!" and "original_content" not in ch
    ch = (await gw_owner.event("message.updated"))["data"]["changes"]
    assert ch["original_content"] == "bullshit!"


async def test_word_lists_and_the_room_setting(server: TestServer) -> None:
    owner, member = await Api.register(server), await Api.register(server)
    boss = await staff(server)
    room = await _room_with(owner, member)
    rid = room["id"]
    # refusals first: nothing is written
    await member.error("PUT", f"/rooms/{rid}/word_list", 403, "not_moderator", json={"words": []})
    await member.error("GET", f"/rooms/{rid}/word_list", 403, "not_moderator")
    await owner.error("PUT", "/admin/word_list", 403, "not_staff", json={"words": ["x"]})
    bad = {"words": ["two words"]}
    await owner.error("PUT", f"/rooms/{rid}/word_list", 422, "invalid_word_list", json=bad)
    await owner.error("PUT", f"/rooms/{rid}/word_list", 422, "validation_failed", json={})
    assert (await owner.ok("GET", f"/rooms/{rid}/word_list"))["words"] == []

    saved = await owner.ok("PUT", f"/rooms/{rid}/word_list", json={"words": ["Frak", "frak"]})
    assert saved == {"room_id": rid, "words": ["frak"]}
    await boss.ok("PUT", "/admin/word_list", json={"words": ["gorram"]})
    assert (await boss.ok("GET", "/admin/word_list"))["words"] == ["gorram"]
    sent = await member.send(rid, "frak that gorram thing")
    assert sent["content"] == "**** that ****** thing"
    # the room's list is the room's alone
    other = await owner.room()
    assert (await owner.send(other["id"], "frak"))["content"] == "frak"
    # each change is audited
    audit = await owner.ok("GET", f"/rooms/{rid}/audit", params={"action": "word_list."})
    assert audit["entries"][0]["after"] == {"words": ["frak"]}

    # The filter is a room setting (owners and moderators).
    await member.error(
        "PATCH", f"/rooms/{rid}", 403, "not_room_owner", json={"profanity_filter": False}
    )
    await owner.error("PATCH", f"/rooms/{rid}", 422, "invalid_moderation", json={"moderation": "x"})
    updated = await owner.ok("PATCH", f"/rooms/{rid}", json={"profanity_filter": False})
    assert updated["profanity_filter"] is False
    plain = await member.send(rid, "frak that")
    assert plain["content"] == "frak that" and plain["censored"] is False

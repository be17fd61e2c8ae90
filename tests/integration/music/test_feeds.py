"""Feeds over a real server (RM-14, D.16, D.23): management by the room's moderators,
items posted with the feed token as `feed.item.posted` authored by the Feeds system user,
sanitised and size-checked; the RSS/Atom poller against feeds served on loopback,
de-duplicating entries, refusing DOCTYPEs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest_asyncio
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hubbub.server.clock import ManualClock
from hubbub.server.services import feed_poller
from hubbub.testing import TestServer, free_port
from tests.integration.wire import Api, Gateway

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>News</title>
{items}
</channel></rss>"""
RSS_ITEM = """<item><title>{title}</title><link>https://news.example/{n}</link>
<guid>news-{n}</guid><description>&lt;p&gt;Story {n}&lt;script&gt;alert(1)&lt;/script&gt;&lt;/p&gt;
</description></item>"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title><id>urn:blog</id>
<entry><title>Atom post</title><id>urn:blog:1</id>
<link rel="alternate" href="https://blog.example/1"/>
<summary type="html">&lt;b&gt;bold&lt;/b&gt; &lt;img src=x onerror=alert(1)&gt;</summary></entry>
</feed>"""
BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<rss version="2.0"><channel><item><title>&lol2;</title><guid>x</guid></item></channel></rss>"""


class FeedHost:
    """A tiny feed server on loopback: `documents[path]` is what GET path answers."""

    def __init__(self) -> None:
        self.documents: dict[str, str] = {}
        self.port = free_port()
        self.hits = 0

        async def serve(request: Request) -> Response:
            self.hits += 1
            body = self.documents.get(request.url.path)
            if body is None:
                return Response("not found", status_code=404)
            return Response(body, media_type="application/xml")

        app = Starlette(routes=[Route("/{path:path}", serve)])
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def __aenter__(self) -> FeedHost:
        self.task = asyncio.create_task(self.server.serve())
        while not self.server.started:  # noqa: ASYNC110 - uvicorn offers no event for it
            await asyncio.sleep(0.01)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.server.should_exit = True
        await self.task


@pytest_asyncio.fixture
async def host() -> AsyncIterator[FeedHost]:
    async with FeedHost() as h:
        yield h


async def _feed(owner: Api, room_id: int, **fields: Any) -> dict[str, Any]:
    feed: dict[str, Any] = await owner.ok(
        "POST", f"/rooms/{room_id}/feeds", 201, json={"name": "News", **fields}
    )
    return feed


async def test_items_posted_with_the_token_appear_from_the_feeds_user(lite: TestServer) -> None:
    owner, member = await Api.register(lite), await Api.register(lite)
    room = await owner.room()
    rid = room["id"]
    await member.ok("POST", f"/rooms/{rid}/join")
    await member.error("POST", f"/rooms/{rid}/feeds", 403, "not_moderator", json={"name": "x"})
    await owner.error("POST", f"/rooms/{rid}/feeds", 422, "invalid_feed_name", json={"name": " "})
    bad = {"name": "x", "url": "file:///etc/passwd"}
    await owner.error("POST", f"/rooms/{rid}/feeds", 422, "invalid_feed_url", json=bad)
    feed = await _feed(owner, rid)
    token = feed.pop("token")
    assert len(token) >= 40
    listed = await owner.ok("GET", f"/rooms/{rid}/feeds")
    assert listed == {"feeds": [feed]}  # the token is never shown again

    gw = await Gateway.connect(lite, member.token)
    items = f"/feeds/{feed['id']}/items"
    async with httpx.AsyncClient(base_url=lite.url + "/api/v1") as http:
        body = {
            "title": "Release <b>1.0</b>",
            "url": "https://example.com/r/1",
            "summary": '<p onclick="x()">Out <a href="javascript:evil()">now</a></p>'
            "<script>x</script>",
        }
        resp = await http.post(items, json=body, headers={"Authorization": f"Bearer {token}"})
        assert resp.status_code == 201, resp.text
        posted = resp.json()
        ev = await gw.event("feed.item.posted")
        assert ev["actor"]["id"] == -2 and ev["actor"]["handle"] == "feeds"
        assert ev["data"] == {
            "room_id": rid,
            "feed_id": feed["id"],
            "title": "Release 1.0",
            "url": "https://example.com/r/1",
            "summary_html": '<p>Out <a rel="noopener noreferrer nofollow">now</a></p>',
        }
        assert posted == {"id": posted["id"], **ev["data"]}

        # The same guid (here: the url) again posts nothing and answers the first item.
        again = await http.post(items, json=body, headers={"X-Feed-Token": token})
        assert again.status_code == 200 and again.json() == posted

        # Bad input: typed, nothing written.
        async def refused(json: dict[str, Any], status: int, code: str, **headers: str) -> None:
            r = await http.post(items, json=json, headers=headers or {"X-Feed-Token": token})
            assert r.status_code == status, r.text
            assert r.json()["error"]["code"] == code

        await refused({"title": "x"}, 401, "invalid_feed_token", Authorization="Bearer nope")
        await refused({"title": "x"}, 401, "invalid_feed_token", Authorization="Basic abc")
        await refused({"title": "t" * 301}, 422, "feed_title_too_long")
        await refused({"title": "<i></i>"}, 422, "invalid_feed_title")
        await refused({"title": "x", "summary": "s" * 4001}, 422, "feed_summary_too_long")
        await refused({"title": "x", "url": "javascript:alert(1)"}, 422, "invalid_feed_item_url")
        await refused({"title": "x", "guid": "g" * 513}, 422, "invalid_feed_guid")
        await gw.no_event()

        # A deleted feed's token stops working.
        await member.error("DELETE", f"/feeds/{feed['id']}", 403, "not_moderator")
        await owner.ok("DELETE", f"/feeds/{feed['id']}", 204)
        await refused({"title": "late"}, 401, "invalid_feed_token")
        await owner.error("DELETE", f"/feeds/{feed['id']}", 404, "feed_not_found")


async def test_the_poller_posts_new_rss_and_atom_entries_once(host: FeedHost) -> None:
    clock = ManualClock()
    async with TestServer(clock=clock, feed_poll_interval_s=60) as server:
        owner = await Api.register(server)
        rid = (await owner.room())["id"]
        host.documents["/news.xml"] = RSS.format(
            items="\n".join(RSS_ITEM.format(title=f"Story {n}", n=n) for n in (2, 1))
        )
        host.documents["/blog.atom"] = ATOM
        host.documents["/bomb.xml"] = BOMB
        news = await _feed(owner, rid, url=host.url("/news.xml"))
        await _feed(owner, rid, name="Blog", url=host.url("/blog.atom"))
        await _feed(owner, rid, name="Bomb", url=host.url("/bomb.xml"))
        await _feed(owner, rid, name="Gone", url=host.url("/missing.xml"))
        gw = await Gateway.connect(server, owner.token)

        assert await feed_poller.poll_once(server.core) == 3
        frames = [await gw.event("feed.item.posted") for _ in range(3)]
        # Oldest first within a feed; the summary sanitised like a message.
        assert [(f["data"]["title"], f["data"]["url"]) for f in frames] == [
            ("Story 1", "https://news.example/1"),
            ("Story 2", "https://news.example/2"),
            ("Atom post", "https://blog.example/1"),
        ]
        assert frames[0]["data"]["summary_html"] == "<p>Story 1</p>"
        assert frames[2]["data"]["summary_html"] == "bold"  # <b>, <img> are not kept
        assert all(f["actor"]["id"] == -2 for f in frames)

        # Within the interval nothing is fetched; after it, only the new entry posts.
        hits = host.hits
        host.documents["/news.xml"] = RSS.format(
            items="\n".join(RSS_ITEM.format(title=f"Story {n}", n=n) for n in (3, 2, 1))
        )
        assert await feed_poller.poll_once(server.core) == 0
        assert host.hits == hits
        clock.advance(61)
        assert await feed_poller.poll_once(server.core) == 1
        ev = await gw.event("feed.item.posted")
        assert ev["data"]["feed_id"] == news["id"] and ev["data"]["title"] == "Story 3"
        # Forced again: everything is known, nothing posts.
        assert await feed_poller.poll_once(server.core, force=True) == 0
        await gw.no_event()


def test_parser_refuses_doctypes_and_reads_both_formats() -> None:
    import pytest

    with pytest.raises(feed_poller.FeedParseError):
        feed_poller.parse_feed(BOMB.encode())
    with pytest.raises(feed_poller.FeedParseError):
        feed_poller.parse_feed(b"<html><body>not a feed</body></html>")
    with pytest.raises(feed_poller.FeedParseError):
        feed_poller.parse_feed(b"<rss><channel>")
    (entry,) = feed_poller.parse_feed(ATOM.encode())
    assert (entry.guid, entry.title, entry.url) == (
        "urn:blog:1",
        "Atom post",
        "https://blog.example/1",
    )


async def test_the_poller_is_off_by_default_and_starts_when_switched_on() -> None:
    async with TestServer() as off:
        assert off.core.settings.feed_poller is False
    async with TestServer(feed_poller=True, feed_poll_interval_s=3600) as on:
        owner = await Api.register(on)
        await owner.ok("GET", "/users/me")  # serving, with the poller's ticker running

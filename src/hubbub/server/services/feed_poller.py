"""The optional RSS/Atom poller (D.23): off by default (`feed_poller = false`), since a
self-hosted server may have no outbound network.

When on, each feed with a URL is fetched every `feed_poll_interval_s` (judged on the
injected clock, so a test drives it by advancing time or by calling `poll_once`). RSS 2.0
(`rss/channel/item`) and Atom (`feed/entry`) are parsed with the standard library's XML
parser; a document with a DOCTYPE (and so any entity declaration) is refused outright,
which rules out entity-expansion attacks without a further dependency. Each entry's
identity is its guid / id, else its link: an entry already posted is skipped (a unique
index per feed backs this), so overlapping fetches post it once. New entries go through
the same checks and sanitiser as posted items (services.feeds); an entry that fails them
is skipped and logged, never half-written. A fetch that fails is logged and retried at
the next interval.
"""

from __future__ import annotations

import hashlib
import logging
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from hubbub.errors import HubbubError
from hubbub.server.services import feeds
from hubbub.server.services.core import Core
from hubbub.server.store import feeds as store
from hubbub.server.store.log import Tx

log = logging.getLogger("hubbub.feeds")

MAX_FEED_BYTES = 1024 * 1024
MAX_ENTRIES = 50  # per fetch: a huge feed's tail waits for the next one
FETCH_TIMEOUT_S = 10.0
_ATOM = "{http://www.w3.org/2005/Atom}"


class FeedParseError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Entry:
    guid: str
    title: str
    url: str | None
    summary: str | None


def _text(el: ET.Element | None) -> str | None:
    if el is None:
        return None
    text = "".join(el.itertext()).strip()
    return text or None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_feed(body: bytes) -> list[Entry]:
    """The entries of an RSS 2.0 or Atom document, in document order."""
    head = body[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in body.lower():
        raise FeedParseError("feeds with a DOCTYPE or entity declarations are refused")
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise FeedParseError(f"not well-formed XML: {exc}") from exc
    entries: list[Entry] = []
    if _local(root.tag) == "rss":
        for item in root.iter("item"):
            link = _text(item.find("link"))
            guid = _text(item.find("guid")) or link
            title = _text(item.find("title"))
            if guid and title:
                entries.append(Entry(guid, title, link, _text(item.find("description"))))
    elif root.tag == f"{_ATOM}feed":
        for entry in root.iter(f"{_ATOM}entry"):
            link = None
            for el in entry.findall(f"{_ATOM}link"):
                if el.get("rel", "alternate") == "alternate" and el.get("href"):
                    link = el.get("href")
                    break
            guid = _text(entry.find(f"{_ATOM}id")) or link
            title = _text(entry.find(f"{_ATOM}title"))
            summary = _text(entry.find(f"{_ATOM}summary")) or _text(entry.find(f"{_ATOM}content"))
            if guid and title:
                entries.append(Entry(guid, title, link, summary))
    else:
        raise FeedParseError(f"not an RSS or Atom document (root <{_local(root.tag)}>)")
    return entries[:MAX_ENTRIES]


async def fetch(http: httpx.AsyncClient, url: str) -> bytes:
    """The document at `url`, refusing anything over MAX_FEED_BYTES."""
    async with http.stream("GET", url, timeout=FETCH_TIMEOUT_S) as resp:
        resp.raise_for_status()
        chunks: list[bytes] = []
        size = 0
        async for chunk in resp.aiter_bytes():
            size += len(chunk)
            if size > MAX_FEED_BYTES:
                raise FeedParseError(f"feed larger than {MAX_FEED_BYTES} bytes")
            chunks.append(chunk)
        return b"".join(chunks)


def _guid(entry: Entry) -> str:
    # A guid longer than the column is kept unique by its hash.
    if len(entry.guid) <= feeds.MAX_GUID:
        return entry.guid
    return "sha256:" + hashlib.sha256(entry.guid.encode()).hexdigest()


async def poll_feed(core: Core, http: httpx.AsyncClient, feed_id: int, url: str) -> int:
    """Fetch one feed and post its new entries; how many were posted."""
    entries = parse_feed(await fetch(http, url))
    items: list[feeds.Item] = []
    for entry in entries:
        try:
            items.append(feeds.clean_item(entry.title, entry.url, entry.summary, _guid(entry)))
        except HubbubError as err:
            log.info("feed %s: skipped entry %r: %s", feed_id, entry.guid[:100], err.message)

    def job(tx: Tx) -> int:
        feed = store.get_feed(tx.conn, feed_id)
        if feed is None:
            return 0
        store.set_polled_txn(tx.conn, feed_id, tx.now_ms)
        known = store.known_guids(tx.conn, feed_id, [i.guid for i in items])
        posted = 0
        # Feeds list the newest first: post the oldest new entry first.
        for item in reversed(items):
            if item.guid in known:
                continue
            known.add(item.guid)
            posted += feeds.post_txn(tx, feed, item)[1]
        return posted

    count: int = await core.log.run(job)
    return count


def _mark_polled(feed_id: int) -> Callable[[Tx], None]:
    """A failed fetch still counts as a poll: the next try waits for the interval."""
    return lambda tx: store.set_polled_txn(tx.conn, feed_id, tx.now_ms)


async def poll_once(
    core: Core, *, force: bool = False, http: httpx.AsyncClient | None = None
) -> int:
    """Poll every feed whose interval has passed (every feed with `force`); how many
    items were posted. One feed failing does not stop the others."""
    interval_ms = int(core.settings.feed_poll_interval_s * 1000)
    cutoff = None if force else core.clock.now_ms() - interval_ms + 1
    due = await core.db.read(lambda c: store.due_for_polling(c, cutoff))
    if not due:
        return 0
    own = http is None
    client = http or httpx.AsyncClient(follow_redirects=True, headers={"User-Agent": "hubbub"})
    posted = 0
    try:
        for feed in due:
            try:
                posted += await poll_feed(core, client, int(feed["id"]), str(feed["url"]))
            except (httpx.HTTPError, FeedParseError) as exc:
                log.warning("feed %s: polling %s failed: %s", feed["id"], feed["url"], exc)
                await core.log.run(_mark_polled(int(feed["id"])))
    finally:
        if own:
            await client.aclose()
    return posted

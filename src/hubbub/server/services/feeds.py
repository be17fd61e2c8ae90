"""Feeds attached to rooms (RM-14, D.23, D.16): an integration posts items through an
authenticated API, and each appears in the room as `feed.item.posted {room_id, feed_id,
title, url, summary_html}` whose actor is the Feeds system user (-2).

A room's owners and moderators create feeds (a name, and optionally the URL of an RSS or
Atom feed for the poller, services.feed_poller, off by default). The create response
carries the feed's token, shown once and stored as its sha256 only; `POST
/feeds/{id}/items` takes it as `Authorization: Bearer <token>` or `X-Feed-Token`. A
wrong token, or a deleted feed, is 401 `invalid_feed_token` alike.

An item is `{title (1–300), url? (http/https), summary? (HTML, ≤ 4000 characters),
guid?}`. The title is plain text (markup removed); the summary passes the message
sanitiser (server.render): unsafe tags, attributes and link targets are stripped.
Oversized or unsafe-beyond-repair input is a 422 with its own code, and nothing is
written. Items are de-duplicated per feed by `guid` (default: the url): posting a known
guid again answers the first item (200) and posts nothing.
"""

from __future__ import annotations

import html
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import nh3
from sqlalchemy import Connection
from sqlalchemy.engine import RowMapping

from hubbub.errors import NotFound, Unauthorized, ValidationError, reject_nul
from hubbub.server.events import room_event
from hubbub.server.render import sanitise
from hubbub.server.services.auth import hash_token, token_matches
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.rooms import moderated_room_txn
from hubbub.server.services.system_users import FEEDS_ID, system_actor
from hubbub.server.store import feeds as store
from hubbub.server.store import rooms as rooms_store
from hubbub.server.store.log import Tx

MAX_NAME = 100
MAX_TITLE = 300
MAX_SUMMARY = 4000
MAX_URL = 2048
MAX_GUID = 512


def check_url(url: str, code: str) -> str:
    reject_nul(url, "url")
    parts = urlsplit(url)
    if (
        len(url) > MAX_URL
        or parts.scheme not in ("http", "https")
        or not parts.netloc
        or any(c.isspace() for c in url)
    ):
        raise ValidationError(
            f"url must be an http(s) URL of at most {MAX_URL} characters", code=code
        )
    return url


def _not_found(feed_id: int) -> NotFound:
    return NotFound(f"feed {feed_id} not found", code="feed_not_found")


# -- management -----------------------------------------------------------------------


async def create(core: Core, ctx: Ctx, room_id: int, name: str, url: str | None) -> dict[str, Any]:
    """The new feed with its `token` (the only time it is shown)."""
    reject_nul(name, "name")
    name = name.strip()
    if not 1 <= len(name) <= MAX_NAME:
        raise ValidationError(f"name must be 1–{MAX_NAME} characters", code="invalid_feed_name")
    if url is not None:
        check_url(url, "invalid_feed_url")
    token = secrets.token_urlsafe(32)

    def job(tx: Tx) -> dict[str, Any]:
        moderated_room_txn(tx.conn, ctx, room_id)
        row = store.insert_feed_txn(
            tx.conn,
            room_id=room_id,
            name=name,
            url=url,
            token_hash=hash_token(token),
            creator_id=ctx.user_id,
            created_at=tx.now_ms,
        )
        return {**store.feed_wire(row), "token": token}

    return await core.log.run(job)


async def list_room(core: Core, ctx: Ctx, room_id: int) -> list[dict[str, Any]]:
    def read(conn: Connection) -> list[dict[str, Any]]:
        moderated_room_txn(conn, ctx, room_id)
        return store.list_in_room(conn, room_id)

    return await core.db.read(read)


async def delete(core: Core, ctx: Ctx, feed_id: int) -> None:
    """Soft delete: its items stay, its token stops working, the poller skips it."""

    def job(tx: Tx) -> None:
        row = store.get_feed(tx.conn, feed_id)
        if row is None:
            raise _not_found(feed_id)
        try:
            moderated_room_txn(tx.conn, ctx, int(row["room_id"]))
        except NotFound:
            raise _not_found(feed_id) from None
        store.soft_delete_txn(tx.conn, feed_id, tx.now_ms)

    await core.log.run(job)


# -- items ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Item:
    """A checked, sanitised item ready to post."""

    guid: str
    title: str
    url: str | None
    summary_html: str


def clean_item(
    title: str, url: str | None = None, summary: str | None = None, guid: str | None = None
) -> Item:
    """Check and sanitise one item (a 422 with a stable code for what cannot be kept)."""
    for text, field in ((title, "title"), (url, "url"), (summary, "summary"), (guid, "guid")):
        if text is not None:
            reject_nul(text, field)
    plain = " ".join(html.unescape(nh3.clean(title, tags=set())).split())
    if not plain:
        raise ValidationError("an item needs a title", code="invalid_feed_title")
    if len(plain) > MAX_TITLE:
        raise ValidationError(
            f"title must be at most {MAX_TITLE} characters", code="feed_title_too_long"
        )
    if url is not None:
        check_url(url, "invalid_feed_item_url")
    if summary is not None and len(summary) > MAX_SUMMARY:
        raise ValidationError(
            f"summary must be at most {MAX_SUMMARY} characters", code="feed_summary_too_long"
        )
    summary_html = sanitise(summary or "")
    key = guid if guid is not None else (url or secrets.token_hex(16))
    if not 1 <= len(key) <= MAX_GUID:
        raise ValidationError(f"guid must be 1–{MAX_GUID} characters", code="invalid_feed_guid")
    return Item(guid=key, title=plain, url=url, summary_html=summary_html)


def post_txn(tx: Tx, feed: RowMapping, item: Item) -> tuple[dict[str, Any], bool]:
    """Store and announce one item: (the item, whether it is new). A known guid posts
    nothing and answers the first item."""
    room_id = int(feed["room_id"])
    known = store.find_item(tx.conn, int(feed["id"]), item.guid)
    if known is not None:
        return store.item_wire(known, room_id), False
    room = rooms_store.get_room(tx.conn, room_id)
    if room is None:
        raise _not_found(int(feed["id"]))  # its room was deleted: the feed went with it
    row = store.insert_item_txn(
        tx.conn,
        feed_id=feed["id"],
        guid=item.guid,
        title=item.title,
        url=item.url,
        summary_html=item.summary_html,
        created_at=tx.now_ms,
    )
    data = {
        "feed_id": feed["id"],
        "title": item.title,
        "url": item.url,
        "summary_html": item.summary_html,
    }
    tx.emit(room_event("feed.item.posted", room_id, system_actor(FEEDS_ID), data))
    return store.item_wire(row, room_id), True


def _invalid_token() -> Unauthorized:
    return Unauthorized("unknown feed or wrong feed token", code="invalid_feed_token")


def authenticated(conn: Connection, feed_id: int, token: str) -> RowMapping:
    row = store.get_feed(conn, feed_id)
    if not token_matches(row, token) or row is None:
        raise _invalid_token()
    return row


async def post_item(
    core: Core,
    feed_id: int,
    token: str | None,
    title: str,
    url: str | None = None,
    summary: str | None = None,
    guid: str | None = None,
) -> tuple[dict[str, Any], bool]:
    """Post an item through a feed's token: (item, created)."""
    if not token:
        raise _invalid_token()
    await core.db.read(lambda c: authenticated(c, feed_id, token))
    await core.rate_limiter.take(("feed", feed_id))
    item = clean_item(title, url, summary, guid)

    def job(tx: Tx) -> tuple[dict[str, Any], bool]:
        return post_txn(tx, authenticated(tx.conn, feed_id, token), item)

    return await core.log.run(job)

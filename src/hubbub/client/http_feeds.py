"""REST methods of feeds (issue 8; RM-14): management by a room's moderators, and
posting items with a feed's token (no user account needed for that)."""

from __future__ import annotations

from typing import Any

from hubbub.client.http_base import Requester
from hubbub.protocol.models_music import Feed, FeedItem

__all__ = ["FeedsAPI", "post_feed_item"]


class FeedsAPI(Requester):
    base_url: str

    async def create_feed(self, room_id: int, name: str, url: str | None = None) -> Feed:
        """A feed in the room; `.token` (for `post_feed_item`) is shown only here."""
        body: dict[str, Any] = {"name": name}
        if url is not None:
            body["url"] = url
        return Feed.model_validate(await self.request("POST", f"/rooms/{room_id}/feeds", json=body))

    async def list_feeds(self, room_id: int) -> list[Feed]:
        found = await self.request("GET", f"/rooms/{room_id}/feeds")
        return [Feed.model_validate(f) for f in found["feeds"]]

    async def delete_feed(self, feed_id: int) -> None:
        await self.request("DELETE", f"/feeds/{feed_id}")

    async def post_feed_item(
        self,
        feed_id: int,
        token: str,
        title: str,
        *,
        url: str | None = None,
        summary: str | None = None,
        guid: str | None = None,
    ) -> FeedItem:
        """Post an item with the feed's token (not this client's): it appears in the room
        as `FeedItemPosted` from the Feeds user. A known `guid` posts nothing again."""
        return await post_feed_item(
            self.base_url, feed_id, token, title, url=url, summary=summary, guid=guid
        )


async def post_feed_item(
    base_url: str,
    feed_id: int,
    token: str,
    title: str,
    *,
    url: str | None = None,
    summary: str | None = None,
    guid: str | None = None,
) -> FeedItem:
    """Post an item with only the feed's token (an integration without an account)."""
    from hubbub.client.http import HTTPClient  # the full client is built on these mixins

    body: dict[str, Any] = {"title": title}
    for key, value in (("url", url), ("summary", summary), ("guid", guid)):
        if value is not None:
            body[key] = value
    http = HTTPClient(base_url, token=token)  # the feed token is the bearer credential
    try:
        found = await http.request("POST", f"/feeds/{feed_id}/items", json=body)
    finally:
        await http.aclose()
    return FeedItem.model_validate(found)

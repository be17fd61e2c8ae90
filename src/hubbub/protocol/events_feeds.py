"""Typed SDK event of feeds (EVENTS.md C.2 #49, RM-14, D.16), registered in
protocol.events' registry.

RoomEvent
└── FeedItemPosted    feed_id, title, url, summary_html; actor: the Feeds system user (-2)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hubbub.protocol.events import RoomEvent, register
from hubbub.protocol.models import Envelope

__all__ = ["FEEDS_USER_ID", "FeedItemPosted"]

FEEDS_USER_ID = -2


@register
@dataclass(kw_only=True, eq=False)
class FeedItemPosted(RoomEvent):
    """An item of a feed attached to the room; `summary_html` is sanitised by the server
    like a message's HTML, `title` is plain text."""

    type_name = "feed.item.posted"
    feed_id: int
    title: str
    url: str | None = None
    summary_html: str = ""

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        return {
            **super()._parse_data(envelope),
            "feed_id": int(d["feed_id"]),
            "title": str(d["title"]),
            "url": d.get("url"),
            "summary_html": str(d.get("summary_html") or ""),
        }

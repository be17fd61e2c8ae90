"""Pure rules of music rooms: the play order of both modes, the track checks, and the
RSS/Atom parser's identity rules (services.music, music_queue, feed_poller)."""

from __future__ import annotations

from typing import Any

import pytest

from hubbub.errors import ValidationError
from hubbub.server.services.feed_poller import FeedParseError, parse_feed
from hubbub.server.services.music import play_order
from hubbub.server.services.music_queue import check_track


def items(*owners: int) -> list[dict[str, Any]]:
    """Waiting items in position order, one per owner listed."""
    return [{"id": 100 + i, "user_id": u, "position": i + 1} for i, u in enumerate(owners)]


def ids(order: list[Any]) -> list[int]:
    return [int(r["id"]) for r in order]


def test_shared_mode_is_fifo() -> None:
    queue = items(1, 1, 2, 3, 1)
    assert ids(play_order(queue, "shared", {1: 5})) == [100, 101, 102, 103, 104]


def test_rotation_takes_turns_longest_waiting_dj_first() -> None:
    queue = items(1, 1, 2, 3, 1, 2)
    # Never played (3, 2 by first position: 2 queued first) before 1, who played.
    order = play_order(queue, "rotation", {1: 1000})
    assert [r["user_id"] for r in order] == [2, 3, 1, 2, 1, 1]
    # Everyone played: the oldest last play goes first.
    order = play_order(queue, "rotation", {1: 10, 2: 30, 3: 20})
    assert [r["user_id"] for r in order] == [1, 3, 2, 1, 2, 1]
    assert play_order([], "rotation", {}) == []


GOOD = {"source": "youtube", "url": "https://youtu.be/x", "title": " T ", "duration_s": 60}


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"source": None}, "invalid_track_source"),
        ({"url": "http://"}, "invalid_track_url"),
        ({"url": "https://a.example/x y"}, "invalid_track_url"),
        ({"url": "https://a.example/" + "x" * 2048}, "invalid_track_url"),
        ({"url": 5}, "invalid_track_url"),
        ({"title": ""}, "invalid_track_title"),
        ({"title": None}, "invalid_track_title"),
        ({"artist": 7}, "invalid_track_artist"),
        ({"duration_s": True}, "invalid_duration"),
        ({"duration_s": None}, "invalid_duration"),
        ({"duration_s": -1}, "invalid_duration"),
    ],
)
def test_track_checks(change: dict[str, Any], code: str) -> None:
    with pytest.raises(ValidationError) as refused:
        check_track({**GOOD, **change})
    assert refused.value.code == code


def test_a_good_track_is_trimmed() -> None:
    track = check_track({**GOOD, "artist": "  "})
    assert track == {**GOOD, "title": "T", "artist": None}


def test_rss_entries_fall_back_to_the_link_for_identity() -> None:
    body = b"""<rss version="2.0"><channel>
    <item><title>With guid</title><guid>g1</guid><link>https://a.example/1</link></item>
    <item><title>Link only</title><link>https://a.example/2</link></item>
    <item><title>Neither</title></item>
    <item><guid>no title</guid></item>
    </channel></rss>"""
    entries = parse_feed(body)
    assert [(e.guid, e.title) for e in entries] == [
        ("g1", "With guid"),
        ("https://a.example/2", "Link only"),
    ]
    with pytest.raises(FeedParseError):
        parse_feed(b'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "http://x/evil.dtd"><rss/>')

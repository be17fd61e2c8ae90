"""Presence's pure parts: the effective status, in-process connection counts, `@here`
detection and the Redis key prefix taken from the bus URL."""

from __future__ import annotations

from hubbub.server.render import render_full
from hubbub.server.services.presence import LocalCounts, effective
from hubbub.server.services.presence_redis import split_url
from hubbub.server.services.presence_rooms import mentions_here


def test_effective_status() -> None:
    assert effective("online", True) == "online"
    assert effective("busy", True) == "busy"
    assert effective("idle", True) == "idle"
    assert effective("invisible", True) == "offline"
    for chosen in ("online", "idle", "busy", "invisible"):
        assert effective(chosen, False) == "offline"


async def test_local_counts() -> None:
    counts = LocalCounts()
    assert await counts.add(1) == 1
    assert await counts.add(1) == 2
    assert await counts.remove(1) == 1
    assert await counts.totals([1, 2]) == {1: 1, 2: 0}
    assert await counts.remove(1) == 0
    assert await counts.remove(1) == 0  # never negative
    assert await counts.add(1) == 1
    assert await counts.beat(0) == []


def test_here_is_found_among_mentions() -> None:
    assert mentions_here(render_full("standup, @here").handles)
    assert not mentions_here(render_full("@everyone and @hereford").handles)
    assert not mentions_here(render_full("`@here` in code").handles)


def test_the_key_prefix_comes_from_the_bus_url() -> None:
    assert split_url("redis://h:6379/0?channel_prefix=t1:") == ("redis://h:6379/0", "t1:")
    assert split_url("redis://h:6379/0") == ("redis://h:6379/0", "")

"""The music state names the server's clock (`server_time`), so a client shows a track's
progress on the server's time (`server_time - started_at`), not on its own clock."""

from __future__ import annotations

from datetime import datetime

from hubbub.server.clock import ManualClock, iso_ms
from hubbub.testing import TestServer
from tests.integration.wire import Api


def _ms(stamp: str) -> int:
    return int(datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp() * 1000)


async def test_every_music_state_answer_carries_the_servers_clock() -> None:
    clock = ManualClock()
    async with TestServer(clock=clock) as server:
        owner = await Api.register(server)
        room = await owner.room(kind="music")
        base = f"/rooms/{room['id']}/music"
        assert (await owner.ok("GET", base))["server_time"] == iso_ms(clock.now_ms())

        track = {"source": "url", "url": "https://example.org/a", "title": "A", "duration_s": 300}
        await owner.ok("POST", f"{base}/queue", 201, json=track)
        clock.advance(42)
        state = await owner.ok("GET", base)
        now = state["now_playing"]
        assert _ms(state["server_time"]) - _ms(now["started_at"]) == 42_000
        assert _ms(now["ends_at"]) - _ms(state["server_time"]) == 258_000

        clock.advance(1)
        changed = await owner.ok("PATCH", base, json={"mode": "rotation"})
        assert changed["server_time"] == iso_ms(clock.now_ms())
        skipped = await owner.ok("POST", f"{base}/skip", json={"item_id": now["item_id"]})
        assert skipped["server_time"] == iso_ms(clock.now_ms())
        assert skipped["now_playing"] is None

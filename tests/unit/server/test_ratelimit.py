from __future__ import annotations

import pytest

from hubbub.errors import RateLimited
from hubbub.server.clock import ManualClock
from hubbub.server.services.ratelimit import RateLimiter


def test_burst_then_steady_rate_with_retry_after() -> None:
    clock = ManualClock()
    limiter = RateLimiter(clock, rate=5, burst=10)
    for _ in range(10):
        limiter.hit("k")
    with pytest.raises(RateLimited) as err:
        limiter.hit("k")
    assert err.value.retry_after == pytest.approx(0.2)
    assert err.value.details["retry_after"] == pytest.approx(0.2)
    clock.advance(0.2)
    limiter.hit("k")
    limiter.hit("other")  # keys are independent


def test_disabled_limiter_never_refuses() -> None:
    limiter = RateLimiter(ManualClock(), rate=1, burst=1, enabled=False)
    for _ in range(100):
        limiter.hit("k")

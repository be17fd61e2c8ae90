from __future__ import annotations

import pytest

from hubbub.errors import RateLimited, ValidationError
from hubbub.server.clock import ManualClock
from hubbub.server.services.ratelimit import RateLimiter, Rule


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


async def test_take_all_takes_from_every_bucket_or_from_none() -> None:
    clock = ManualClock()
    limiter = RateLimiter(clock, rate=1, burst=1)
    roomy, tight = Rule(1.0, 5), Rule(0.5, 1)
    await limiter.take_all([("ip", roomy), ("user", tight)], "requests")
    with pytest.raises(RateLimited) as err:
        await limiter.take_all([("ip", roomy), ("user", tight)], "requests")
    assert err.value.retry_after == pytest.approx(2.0)
    # The refused request spent no IP token: four are left of five.
    for _ in range(4):
        await limiter.take("ip", "requests", roomy)
    with pytest.raises(RateLimited):
        await limiter.take("ip", "requests", roomy)


async def test_strikes_lock_for_a_window_and_clear() -> None:
    clock = ManualClock()
    limiter = RateLimiter(clock, rate=1, burst=1)
    for _ in range(2):
        await limiter.strike("k", 3, 60)
    assert await limiter.locked_out(["k"]) == 0
    await limiter.strike("k", 3, 60)
    assert await limiter.locked_out(["k", "other"]) == pytest.approx(60)
    clock.advance(59)
    assert await limiter.locked_out(["k"]) == pytest.approx(1)
    clock.advance(1)
    assert await limiter.locked_out(["k"]) == 0
    # A window without enough failures starts over.
    await limiter.strike("j", 2, 60)
    clock.advance(61)
    await limiter.strike("j", 2, 60)
    assert await limiter.locked_out(["j"]) == 0
    await limiter.clear("j")
    await limiter.strike("j", 2, 60)
    assert await limiter.locked_out(["j"]) == 0


async def test_an_unreachable_redis_fails_open() -> None:
    from hubbub.server.services.ratelimit_redis import RedisBuckets

    clock = ManualClock()
    shared = RedisBuckets("redis://127.0.0.1:1/0", timeout_s=0.2)
    limiter = RateLimiter(clock, rate=1, burst=1, shared=shared)
    try:
        for _ in range(5):  # buckets: every request passes
            await limiter.take("k", "requests", Rule(1.0, 1))
        # Counters fall back to this node's memory rather than forgetting.
        await limiter.strike("login", 1, 60)
        assert await limiter.locked_out(["login"]) == pytest.approx(60)
    finally:
        await limiter.aclose()


def test_frame_throttle_closes_after_refusals_within_the_window() -> None:
    import asyncio

    from hubbub.server.services.ratelimit import FrameThrottle
    from hubbub.server.settings import Settings

    clock = ManualClock()
    settings = Settings(
        gateway_frames_burst=1,
        gateway_frames_per_second=1.0,
        gateway_max_refusals=2,
        gateway_refusal_window_s=5.0,
    )
    throttle = FrameThrottle(RateLimiter(clock, rate=1, burst=1), settings, "c1", 0)

    async def run() -> None:
        await throttle.admit()
        with pytest.raises(RateLimited):
            await throttle.admit()
        assert not throttle.exhausted()
        clock.advance(6)  # the refusal leaves the window
        await throttle.admit()
        for _ in range(2):
            with pytest.raises(RateLimited):
                await throttle.admit()
        assert throttle.exhausted()

    asyncio.run(run())


def test_client_ip_behind_trusted_proxies() -> None:
    from hubbub.server.api.throttle import client_ip, parse_proxies

    proxies = parse_proxies("10.0.0.0/8, 127.0.0.1")
    assert client_ip("127.0.0.1", ["1.2.3.4"], proxies) == "1.2.3.4"
    assert client_ip("127.0.0.1", ["9.9.9.9, 1.2.3.4, 10.1.1.1"], proxies) == "1.2.3.4"
    assert client_ip("127.0.0.1", ["9.9.9.9", "1.2.3.4"], proxies) == "1.2.3.4"
    assert client_ip("127.0.0.1", ["10.0.0.2"], proxies) == "10.0.0.2"  # all proxies
    assert client_ip("127.0.0.1", ["junk, 10.0.0.2"], proxies) == "10.0.0.2"
    assert client_ip("5.6.7.8", ["1.2.3.4"], proxies) == "5.6.7.8"  # untrusted peer
    assert client_ip("127.0.0.1", ["1.2.3.4"], ()) == "127.0.0.1"
    with pytest.raises(ValidationError):
        parse_proxies("not-a-network")


def test_retry_after_header_rounds_up_and_sdk_reconnects_on_4008() -> None:
    from hubbub.client.session import CloseAction, classify_close
    from hubbub.server.api.errors import retry_after_header

    assert [retry_after_header(s) for s in (0.001, 1.0, 1.2, 2.0005, 59.9)] == [
        "1",
        "1",
        "2",
        "3",
        "60",
    ]
    assert classify_close(4008) is CloseAction.RECONNECT


def test_a_zero_refill_rate_is_refused_at_start() -> None:
    from hubbub.server.settings import Settings

    with pytest.raises(ValidationError) as err:
        RateLimiter.from_settings(Settings(rest_ip_read_per_second=0), ManualClock())
    assert err.value.code == "invalid_setting"
    assert RateLimiter.from_settings(Settings(), ManualClock()).enabled

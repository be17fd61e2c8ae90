"""Sans-I/O session policy: backoff, the cursor/dedupe gate, close-code decisions."""

from __future__ import annotations

import pytest

from hubbub import BadRequest, Forbidden, HubbubError, Unauthorized
from hubbub.client.session import (
    Backoff,
    CloseAction,
    Cursor,
    classify_close,
    fatal_error,
    hello_frame,
    server_wait,
)
from hubbub.protocol.frames import CloseCode


def test_backoff_ceiling_grows_exponentially_then_caps() -> None:
    backoff = Backoff(base=0.5, factor=2.0, cap=30.0)
    assert [backoff.ceiling(n) for n in range(8)] == [0.5, 1, 2, 4, 8, 16, 30, 30]
    assert backoff.ceiling(10_000) == 30.0  # no overflow after a very long outage


def test_backoff_uses_full_jitter() -> None:
    backoff = Backoff(base=1.0, cap=10.0)
    assert backoff.delay(3, rng=lambda: 0.0) == 0.0
    assert backoff.delay(3, rng=lambda: 0.5) == 4.0
    assert backoff.delay(3, rng=lambda: 0.999) == pytest.approx(7.992)
    delays = {Backoff(base=1.0, cap=10.0).delay(5) for _ in range(50)}
    assert all(0 <= d <= 10.0 for d in delays)
    assert len(delays) > 1


def test_cursor_dedupes_by_seq_and_ignores_ephemeral() -> None:
    cursor = Cursor()
    assert cursor.wire is None
    for seq in (5, 6):
        assert cursor.accept(seq)
        cursor.commit(seq)
    assert cursor.wire == "6"
    assert not cursor.accept(6)
    assert not cursor.accept(3)
    assert cursor.accept(None)
    cursor.commit(None)
    assert cursor.last_seq == 6
    cursor.commit(4)  # never moves backwards
    assert cursor.last_seq == 6


def test_cursor_adopts_ready_cursor_only_on_fresh_sessions() -> None:
    fresh = Cursor()
    fresh.on_ready("120", resumed=False)
    assert fresh.last_seq == 120

    resumed = Cursor(100)
    # The server may report its head; the replay of 101..120 must still pass the gate.
    resumed.on_ready("120", resumed=True)
    assert resumed.last_seq == 100
    assert resumed.accept(101)

    opaque = Cursor()
    opaque.on_ready("abc", resumed=False)
    assert opaque.last_seq is None


def test_hello_frame_carries_cursor_only_when_resuming() -> None:
    assert hello_frame("t", Cursor()) == {"op": "hello", "token": "t"}
    assert hello_frame("t", Cursor(41)) == {"op": "hello", "token": "t", "cursor": "41"}


@pytest.mark.parametrize(
    ("code", "action"),
    [
        (None, CloseAction.RECONNECT),
        (1000, CloseAction.RECONNECT),
        (1001, CloseAction.RECONNECT),
        (1011, CloseAction.RECONNECT),
        (CloseCode.RATE_LIMITED, CloseAction.RECONNECT),
        (CloseCode.IDLE_TIMEOUT, CloseAction.RECONNECT),
        (4999, CloseAction.RECONNECT),
        (CloseCode.CURSOR_EXPIRED, CloseAction.RESYNC),
        (CloseCode.AUTH_FAILED, CloseAction.FATAL),
        (CloseCode.FORBIDDEN, CloseAction.FATAL),
        (CloseCode.BAD_FRAME, CloseAction.FATAL),
    ],
)
def test_classify_close(code: int | None, action: CloseAction) -> None:
    assert classify_close(code) is action


@pytest.mark.parametrize(
    ("code", "cls"),
    [(4001, Unauthorized), (4003, Forbidden), (4400, BadRequest), (4777, HubbubError)],
)
def test_fatal_error_types(code: int, cls: type[HubbubError]) -> None:
    error = fatal_error(code, "bye", {"op": "error", "code": "token_revoked", "message": "no"})
    assert type(error) is cls
    assert error.code == "token_revoked"
    assert error.message == "no"
    assert error.details["close_code"] == code
    assert fatal_error(4001, "", None).message == "gateway closed with 4001"


def test_a_rate_limit_close_waits_what_the_server_asked() -> None:
    frame = {"op": "error", "code": "rate_limited", "retry_after": 2.5}
    assert server_wait(CloseCode.RATE_LIMITED, frame) == 2.5
    assert server_wait(CloseCode.RATE_LIMITED, {"details": {"retry_after": 1}}) == 1.0
    assert server_wait(CloseCode.RATE_LIMITED, None) == 0.0
    assert server_wait(CloseCode.RATE_LIMITED, {"retry_after": "soon"}) == 0.0
    assert server_wait(CloseCode.RATE_LIMITED, {"retry_after": 10**9}) == 300.0
    assert server_wait(1006, frame) == 0.0  # only a rate-limit close asks for a wait

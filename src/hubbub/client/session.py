"""Sans-I/O gateway session logic: cursor, dedupe, close-code policy, backoff.

Everything here is pure so it is tested without a socket; `gateway.py` does the I/O and
asks this module what to do.
"""

from __future__ import annotations

import enum
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hubbub.errors import BadRequest, Forbidden, HubbubError, Unauthorized
from hubbub.protocol.frames import CloseCode, Op

__all__ = ["Backoff", "CloseAction", "Cursor", "classify_close", "fatal_error", "hello_frame"]


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff
    And Jitter"): delay = uniform(0, min(cap, base * factor**attempt)).

    Full jitter spreads a thundering herd of clients reconnecting after a server restart
    better than equal or decorrelated jitter, at the cost of sometimes retrying at once.
    """

    base: float = 0.5
    factor: float = 2.0
    cap: float = 30.0
    # After a session stayed up this long, the next failure starts again from attempt 0:
    # one flap after hours of health should not wait as long as the tenth failure in a row.
    healthy_after: float = 30.0

    def ceiling(self, attempt: int) -> float:
        # Clamp the exponent so a long outage cannot overflow float arithmetic.
        return min(self.cap, self.base * self.factor ** min(attempt, 64))

    def delay(self, attempt: int, rng: Callable[[], float] = random.random) -> float:
        return rng() * self.ceiling(attempt)


class Cursor:
    """The resume position: the seq of the last event processed.

    `accept(seq)` is the single dedupe gate. A persisted event is processed iff its seq is
    greater than the last one processed; ephemeral events (seq None) always pass and never
    move the cursor. After `accept` returns True the caller processes the event and then
    calls `commit(seq)`.
    """

    def __init__(self, value: int | None = None) -> None:
        self.last_seq = value

    def __repr__(self) -> str:
        return f"Cursor(last_seq={self.last_seq})"

    @property
    def wire(self) -> str | None:
        """The cursor as the server wants it in `hello`, or None for a fresh session."""
        return None if self.last_seq is None else str(self.last_seq)

    def accept(self, seq: int | None) -> bool:
        return seq is None or self.last_seq is None or seq > self.last_seq

    def commit(self, seq: int | None) -> None:
        if seq is not None and (self.last_seq is None or seq > self.last_seq):
            self.last_seq = seq

    def on_ready(self, ready_cursor: str | None, *, resumed: bool) -> None:
        """Adopt the server's position on a fresh session only.

        On a resume the server replays everything after OUR cursor next; adopting the
        ready cursor (which may already be the head) would make the dedupe gate drop that
        replay.
        """
        if resumed or ready_cursor is None:
            return
        try:
            self.last_seq = int(ready_cursor)
        except ValueError:
            # Opaque cursor we cannot compare: keep processing everything from here on.
            self.last_seq = None

    def reset(self) -> None:
        self.last_seq = None


class CloseAction(enum.Enum):
    RECONNECT = "reconnect"  # transient: reconnect with backoff and resume from the cursor
    RESYNC = "resync"  # cursor expired: reconnect at once without a cursor, signal the gap
    FATAL = "fatal"  # reconnecting cannot help: stop and raise to the caller


def classify_close(code: int | None) -> CloseAction:
    """What the reconnect loop does after the server closed with `code`.

    None means the connection dropped without a close frame (network failure, 1006).
    Unknown codes reconnect: a newer server's policy closes should not kill old clients.
    """
    if code == CloseCode.CURSOR_EXPIRED:
        return CloseAction.RESYNC
    if code in (CloseCode.AUTH_FAILED, CloseCode.FORBIDDEN, CloseCode.BAD_FRAME):
        return CloseAction.FATAL
    return CloseAction.RECONNECT


def server_wait(code: int | None, error_frame: dict[str, Any] | None) -> float:
    """How long the server asked us to stay away before reconnecting: the `retry_after`
    of the error frame that came before a rate-limit close (4008), else 0."""
    if code != CloseCode.RATE_LIMITED or not error_frame:
        return 0.0
    wait = error_frame.get("retry_after")
    if wait is None:
        wait = (error_frame.get("details") or {}).get("retry_after")
    if isinstance(wait, bool) or not isinstance(wait, int | float) or wait < 0:
        return 0.0
    return min(float(wait), 300.0)  # a misbehaving server cannot park the client forever


def fatal_error(code: int, reason: str, error_frame: dict[str, Any] | None) -> HubbubError:
    """The typed error to raise for a FATAL close, preferring the server's error frame."""
    frame = error_frame or {}
    message = str(frame.get("message") or reason or f"gateway closed with {code}")
    wire_code = frame.get("code")
    by_code: dict[int, type[HubbubError]] = {
        CloseCode.AUTH_FAILED: Unauthorized,
        CloseCode.FORBIDDEN: Forbidden,
        CloseCode.BAD_FRAME: BadRequest,
    }
    cls = by_code.get(code, HubbubError)
    return cls(message, code=str(wire_code) if wire_code else None, details={"close_code": code})


def hello_frame(token: str | None, cursor: Cursor) -> dict[str, Any]:
    """The `hello`; without a token the connection is an anonymous reader's (ID-03)."""
    frame: dict[str, Any] = {"op": Op.HELLO.value}
    if token is not None:
        frame["token"] = token
    if cursor.wire is not None:
        frame["cursor"] = cursor.wire
    return frame

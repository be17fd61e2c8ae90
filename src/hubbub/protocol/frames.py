"""Gateway frames (DESIGN.md §5): JSON text frames `{"op": ...}`."""

from __future__ import annotations

from enum import IntEnum, StrEnum

__all__ = ["HEARTBEAT_INTERVAL_S", "IDLE_TIMEOUT_S", "TYPING_TTL_S", "CloseCode", "Op"]


class Op(StrEnum):
    # client -> server
    HELLO = "hello"
    PING = "ping"
    TYPING = "typing"
    # {"op":"editing","message_id":N} while editing it; add "stop": true to cancel.
    EDITING = "editing"
    # {"op":"command","room_id":N,"command":"/help","id"?:…}: a chat command; the result
    # comes to this connection alone as the event `command.completed` (or an error frame).
    COMMAND = "command"
    # {"op":"subscribe","room_id":N,"limit"?:50,"id"?:…}: join the room if need be; the
    # answer comes to this connection alone as the event `room.subscribed` (or an error
    # frame carrying the same `id`).
    SUBSCRIBE = "subscribe"
    # server -> client
    READY = "ready"
    # After a resume's replay: every missed event has been sent; what follows is live.
    RESUMED = "resumed"
    EVENT = "event"
    PONG = "pong"
    ERROR = "error"


class CloseCode(IntEnum):
    NORMAL = 1000
    GOING_AWAY = 1001
    MESSAGE_TOO_BIG = 1009
    INTERNAL = 1011
    AUTH_FAILED = 4001
    FORBIDDEN = 4003
    RATE_LIMITED = 4008
    CURSOR_EXPIRED = 4009
    IDLE_TIMEOUT = 4010
    BAD_FRAME = 4400

    @property
    def can_resume(self) -> bool:
        """Whether a client should reconnect (and resume) after this close."""
        return self not in (CloseCode.AUTH_FAILED, CloseCode.FORBIDDEN, CloseCode.BAD_FRAME)


HEARTBEAT_INTERVAL_S = 30.0
IDLE_TIMEOUT_S = 60.0
TYPING_TTL_S = 10.0

"""hubbub: a self-hosted realtime chat platform. This module is the async SDK's surface.

import hubbub

client = hubbub.Client("http://localhost:8000", token="…")

@client.on(hubbub.MessageCreated)
async def on_message(event: hubbub.MessageCreated) -> None: ...

client.run()
"""

from __future__ import annotations

from hubbub.client.client import Client
from hubbub.client.dispatch import EventStream
from hubbub.client.lifecycle import (
    Connected,
    Connecting,
    Disconnected,
    EventsMissed,
    LifecycleEvent,
    Ready,
    Resumed,
)
from hubbub.client.notifications import Notification
from hubbub.client.objects import Message, Room, User
from hubbub.client.session import Backoff
from hubbub.errors import (
    BadRequest,
    Conflict,
    CursorExpired,
    Forbidden,
    HubbubError,
    InvalidCursor,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    ServiceUnavailable,
    Unauthorized,
    ValidationError,
)
from hubbub.protocol.events import (
    Event,
    MemberEvent,
    MemberJoined,
    MemberLeft,
    MessageCreated,
    MessageDeleted,
    MessageEvent,
    MessageUpdated,
    RoomCreated,
    RoomDeleted,
    RoomEvent,
    RoomUpdated,
    ServerEvent,
    TypingEvent,
    TypingStarted,
    TypingStopped,
    UnknownEvent,
)
from hubbub.protocol.events_content import (
    NotificationCreated,
    NotificationEvent,
    NotificationRead,
)

__version__ = "0.1.0"

__all__ = [
    "Backoff",
    "BadRequest",
    "Client",
    "Conflict",
    "Connected",
    "Connecting",
    "CursorExpired",
    "Disconnected",
    "Event",
    "EventStream",
    "EventsMissed",
    "Forbidden",
    "HubbubError",
    "InvalidCursor",
    "LifecycleEvent",
    "MemberEvent",
    "MemberJoined",
    "MemberLeft",
    "Message",
    "MessageCreated",
    "MessageDeleted",
    "MessageEvent",
    "MessageUpdated",
    "NotFound",
    "Notification",
    "NotificationCreated",
    "NotificationEvent",
    "NotificationRead",
    "PayloadTooLarge",
    "RateLimited",
    "Ready",
    "Resumed",
    "Room",
    "RoomCreated",
    "RoomDeleted",
    "RoomEvent",
    "RoomUpdated",
    "ServerEvent",
    "ServiceUnavailable",
    "TypingEvent",
    "TypingStarted",
    "TypingStopped",
    "Unauthorized",
    "UnknownEvent",
    "User",
    "ValidationError",
    "__version__",
]

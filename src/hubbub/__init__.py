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
from hubbub.client.objects import Message, Room, SearchHit, User
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
    UnsupportedMediaType,
    ValidationError,
)
from hubbub.protocol.events import (
    Event,
    MemberEvent,
    MemberJoined,
    MemberLeft,
    MemberUpdated,
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
from hubbub.protocol.events_commands import CommandCompleted
from hubbub.protocol.events_content import (
    NotificationCreated,
    NotificationEvent,
    NotificationRead,
)
from hubbub.protocol.events_lifecycle import (
    MessageAppended,
    MessagesBulkDeleted,
    MessagesMovedIn,
    MessagesMovedOut,
)
from hubbub.protocol.events_reactions import (
    EditingEvent,
    EditingStarted,
    EditingStopped,
    MessagePinned,
    MessageStateEvent,
    MessageUnpinned,
    ReactionAdded,
    ReactionCleared,
    ReactionEvent,
    ReactionRemoved,
    ReadStateUpdated,
    StarsUpdated,
)
from hubbub.protocol.models import (
    Attachment,
    CommandResult,
    Embed,
    EmbedField,
    Reaction,
    ReadState,
)

__version__ = "0.1.0"

__all__ = [
    "Attachment",
    "Backoff",
    "BadRequest",
    "Client",
    "CommandCompleted",
    "CommandResult",
    "Conflict",
    "Connected",
    "Connecting",
    "CursorExpired",
    "Disconnected",
    "EditingEvent",
    "EditingStarted",
    "EditingStopped",
    "Embed",
    "EmbedField",
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
    "MemberUpdated",
    "Message",
    "MessageAppended",
    "MessageCreated",
    "MessageDeleted",
    "MessageEvent",
    "MessagePinned",
    "MessageStateEvent",
    "MessageUnpinned",
    "MessageUpdated",
    "MessagesBulkDeleted",
    "MessagesMovedIn",
    "MessagesMovedOut",
    "NotFound",
    "Notification",
    "NotificationCreated",
    "NotificationEvent",
    "NotificationRead",
    "PayloadTooLarge",
    "RateLimited",
    "Reaction",
    "ReactionAdded",
    "ReactionCleared",
    "ReactionEvent",
    "ReactionRemoved",
    "ReadState",
    "ReadStateUpdated",
    "Ready",
    "Resumed",
    "Room",
    "RoomCreated",
    "RoomDeleted",
    "RoomEvent",
    "RoomUpdated",
    "SearchHit",
    "ServerEvent",
    "ServiceUnavailable",
    "StarsUpdated",
    "TypingEvent",
    "TypingStarted",
    "TypingStopped",
    "Unauthorized",
    "UnknownEvent",
    "UnsupportedMediaType",
    "User",
    "ValidationError",
    "__version__",
]

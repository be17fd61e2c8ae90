"""hubbub: a self-hosted realtime chat platform. This module is the async SDK's surface.

import hubbub

client = hubbub.Client("http://localhost:8000", token="…")

@client.on(hubbub.MessageCreated)
async def on_message(event: hubbub.MessageCreated) -> None: ...

client.run()

Scripts that want no asyncio use `hubbub.sync` (ChatExchange style, blocking calls):

with hubbub.sync.Client("http://localhost:8000", token="…") as chat:
    for message in chat.get_room(1).new_messages(): ...
"""

from __future__ import annotations

from hubbub.client.callbacks import EventCallbacks
from hubbub.client.client import Client
from hubbub.client.dispatch import EventStream
from hubbub.client.handlers import HandlerError
from hubbub.client.lifecycle import (
    Authenticated,
    Connected,
    Connecting,
    Disconnected,
    EventsMissed,
    LifecycleEvent,
    LoggedOut,
    Ready,
    Resumed,
)
from hubbub.client.network import NetworkError, NetworkEvent, NetworkResponse
from hubbub.client.notifications import Notification
from hubbub.client.objects import (
    Member,
    Message,
    NotLoaded,
    Role,
    Room,
    SearchHit,
    Space,
    SpaceMember,
    User,
)
from hubbub.client.objects.extras import Emoji, Webhook
from hubbub.client.session import Backoff
from hubbub.client.waiters import Waiter
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
from hubbub.protocol.catalogue import EventType
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
from hubbub.protocol.events_extras import (
    EmojiCreated,
    EmojiDeleted,
    EmojiEvent,
    WebhookCreated,
    WebhookDeleted,
    WebhookEvent,
    WebhookUpdated,
)
from hubbub.protocol.events_feeds import FeedItemPosted
from hubbub.protocol.events_inbox import InvitationUpdated
from hubbub.protocol.events_lifecycle import (
    MessageAppended,
    MessagesBulkDeleted,
    MessagesMovedIn,
    MessagesMovedOut,
)
from hubbub.protocol.events_moderation import (
    ModerationQueued,
    ModerationResolved,
    RoomTimeoutEnded,
    RoomTimeoutEvent,
    RoomTimeoutStarted,
)
from hubbub.protocol.events_music import (
    MusicEvent,
    MusicSettingsUpdated,
    PlaybackEnded,
    PlaybackEvent,
    PlaybackStarted,
    PlaybackVoted,
    QueueEvent,
    QueueItemAdded,
    QueueItemRemoved,
    QueueItemReordered,
)
from hubbub.protocol.events_presence import PresenceUpdated, UserSettingsUpdated
from hubbub.protocol.events_profiles import UserEvent, UserMerged, UserUpdated, UserWiped
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
from hubbub.protocol.events_relations import PrivateMessage, RelationshipUpdated
from hubbub.protocol.events_reports import (
    MessageFlagged,
    ReportCreated,
    ReportEvent,
    ReportUpdated,
)
from hubbub.protocol.events_rooms import (
    MemberAccessUpdated,
    RoomClosed,
    RoomOpened,
    RoomStateEvent,
    RoomSubscribed,
)
from hubbub.protocol.events_sanctions import (
    RoomBanCreated,
    RoomBanEvent,
    RoomBanRemoved,
    SuspensionEvent,
    UserSuspended,
    UserUnsuspended,
)
from hubbub.protocol.events_schedule import (
    ScheduledEventCreated,
    ScheduledEventDeleted,
    ScheduledEventUpdated,
    ScheduleEvent,
)
from hubbub.protocol.events_sessions import (
    SessionCreated,
    SessionDeleted,
    SessionDeletedAll,
    SessionEvent,
    SessionLoggedOut,
    SessionUpdated,
)
from hubbub.protocol.events_spaces import (
    AuditEntryCreated,
    RoleCreated,
    RoleDeleted,
    RoleEvent,
    RoleRanksUpdated,
    RoleUpdated,
    SpaceCreated,
    SpaceDeleted,
    SpaceEvent,
    SpaceMemberEvent,
    SpaceMemberJoined,
    SpaceMemberRemoved,
    SpaceMemberUpdated,
    SpaceUpdated,
)
from hubbub.protocol.events_voice import (
    VoiceConnectionReassigned,
    VoiceEvent,
    VoiceMemberJoined,
    VoiceMemberLeft,
    VoiceMemberMoved,
    VoiceStateUpdated,
)
from hubbub.protocol.models import (
    Attachment,
    CommandResult,
    Embed,
    EmbedField,
    Reaction,
    ReadState,
)
from hubbub.protocol.models_inbox import Invitation
from hubbub.protocol.models_music import (
    Feed,
    FeedItem,
    MusicState,
    MusicStats,
    NowPlaying,
    QueueItem,
    Track,
    VoteResult,
)
from hubbub.protocol.models_people import Session
from hubbub.protocol.models_presence import RoomPresence, SettingsChange, UserPresence
from hubbub.protocol.models_profiles import UserMerge, UserStats, UserWipe
from hubbub.protocol.models_relations import Relationship
from hubbub.protocol.models_reports import FlagCounts, FlagState, Report, ReportPage
from hubbub.protocol.models_sanctions import RoomBan, Suspension, SuspensionState

__version__ = "0.1.0"

__all__ = [
    "Attachment",
    "AuditEntryCreated",
    "Authenticated",
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
    "Emoji",
    "EmojiCreated",
    "EmojiDeleted",
    "EmojiEvent",
    "Event",
    "EventCallbacks",
    "EventStream",
    "EventType",
    "EventsMissed",
    "Feed",
    "FeedItem",
    "FeedItemPosted",
    "FlagCounts",
    "FlagState",
    "Forbidden",
    "HandlerError",
    "HubbubError",
    "InvalidCursor",
    "Invitation",
    "InvitationUpdated",
    "LifecycleEvent",
    "LoggedOut",
    "Member",
    "MemberAccessUpdated",
    "MemberEvent",
    "MemberJoined",
    "MemberLeft",
    "MemberUpdated",
    "Message",
    "MessageAppended",
    "MessageCreated",
    "MessageDeleted",
    "MessageEvent",
    "MessageFlagged",
    "MessagePinned",
    "MessageStateEvent",
    "MessageUnpinned",
    "MessageUpdated",
    "MessagesBulkDeleted",
    "MessagesMovedIn",
    "MessagesMovedOut",
    "ModerationQueued",
    "ModerationResolved",
    "MusicEvent",
    "MusicSettingsUpdated",
    "MusicState",
    "MusicStats",
    "NetworkError",
    "NetworkEvent",
    "NetworkResponse",
    "NotFound",
    "NotLoaded",
    "Notification",
    "NotificationCreated",
    "NotificationEvent",
    "NotificationRead",
    "NowPlaying",
    "PayloadTooLarge",
    "PlaybackEnded",
    "PlaybackEvent",
    "PlaybackStarted",
    "PlaybackVoted",
    "PresenceUpdated",
    "PrivateMessage",
    "QueueEvent",
    "QueueItem",
    "QueueItemAdded",
    "QueueItemRemoved",
    "QueueItemReordered",
    "RateLimited",
    "Reaction",
    "ReactionAdded",
    "ReactionCleared",
    "ReactionEvent",
    "ReactionRemoved",
    "ReadState",
    "ReadStateUpdated",
    "Ready",
    "Relationship",
    "RelationshipUpdated",
    "Report",
    "ReportCreated",
    "ReportEvent",
    "ReportPage",
    "ReportUpdated",
    "Resumed",
    "Role",
    "RoleCreated",
    "RoleDeleted",
    "RoleEvent",
    "RoleRanksUpdated",
    "RoleUpdated",
    "Room",
    "RoomBan",
    "RoomBanCreated",
    "RoomBanEvent",
    "RoomBanRemoved",
    "RoomClosed",
    "RoomCreated",
    "RoomDeleted",
    "RoomEvent",
    "RoomOpened",
    "RoomPresence",
    "RoomStateEvent",
    "RoomSubscribed",
    "RoomTimeoutEnded",
    "RoomTimeoutEvent",
    "RoomTimeoutStarted",
    "RoomUpdated",
    "ScheduleEvent",
    "ScheduledEventCreated",
    "ScheduledEventDeleted",
    "ScheduledEventUpdated",
    "SearchHit",
    "ServerEvent",
    "ServiceUnavailable",
    "Session",
    "SessionCreated",
    "SessionDeleted",
    "SessionDeletedAll",
    "SessionEvent",
    "SessionLoggedOut",
    "SessionUpdated",
    "SettingsChange",
    "Space",
    "SpaceCreated",
    "SpaceDeleted",
    "SpaceEvent",
    "SpaceMember",
    "SpaceMemberEvent",
    "SpaceMemberJoined",
    "SpaceMemberRemoved",
    "SpaceMemberUpdated",
    "SpaceUpdated",
    "StarsUpdated",
    "Suspension",
    "SuspensionEvent",
    "SuspensionState",
    "Track",
    "TypingEvent",
    "TypingStarted",
    "TypingStopped",
    "Unauthorized",
    "UnknownEvent",
    "UnsupportedMediaType",
    "User",
    "UserEvent",
    "UserMerge",
    "UserMerged",
    "UserPresence",
    "UserSettingsUpdated",
    "UserStats",
    "UserSuspended",
    "UserUnsuspended",
    "UserUpdated",
    "UserWipe",
    "UserWiped",
    "ValidationError",
    "VoiceConnectionReassigned",
    "VoiceEvent",
    "VoiceMemberJoined",
    "VoiceMemberLeft",
    "VoiceMemberMoved",
    "VoiceStateUpdated",
    "VoteResult",
    "Waiter",
    "Webhook",
    "WebhookCreated",
    "WebhookDeleted",
    "WebhookEvent",
    "WebhookUpdated",
    "__version__",
]

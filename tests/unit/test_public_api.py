"""`hubbub.__all__` is exactly the intended public SDK surface, and all of it resolves."""

from __future__ import annotations

import subprocess
import sys

import hubbub

EVENTS = {
    "Event",
    "ServerEvent",
    "RoomEvent",
    "MessageEvent",
    "MessageCreated",
    "MessageUpdated",
    "MessageDeleted",
    "RoomCreated",
    "RoomUpdated",
    "RoomDeleted",
    "MemberEvent",
    "MemberJoined",
    "MemberLeft",
    "TypingEvent",
    "TypingStarted",
    "TypingStopped",
    "UnknownEvent",
    "NotificationEvent",
    "NotificationCreated",
    "NotificationRead",
    "MemberUpdated",
    "MessageAppended",
    "MessagesBulkDeleted",
    "MessagesMovedIn",
    "MessagesMovedOut",
    "MessageStateEvent",
    "ReactionEvent",
    "ReactionAdded",
    "ReactionRemoved",
    "ReactionCleared",
    "StarsUpdated",
    "MessagePinned",
    "MessageUnpinned",
    "EditingEvent",
    "EditingStarted",
    "EditingStopped",
    "ReadStateUpdated",
    "CommandCompleted",
    "SpaceEvent",
    "SpaceCreated",
    "SpaceUpdated",
    "SpaceDeleted",
    "SpaceMemberEvent",
    "SpaceMemberJoined",
    "SpaceMemberUpdated",
    "SpaceMemberRemoved",
    "RoleEvent",
    "RoleCreated",
    "RoleUpdated",
    "RoleDeleted",
    "RoleRanksUpdated",
    "AuditEntryCreated",
    "RoomStateEvent",
    "RoomOpened",
    "RoomClosed",
    "MemberAccessUpdated",
    # the message pipeline (issue 6)
    "RoomTimeoutEvent",
    "RoomTimeoutStarted",
    "RoomTimeoutEnded",
    "ModerationQueued",
    "ModerationResolved",
    "EmojiEvent",
    "EmojiCreated",
    "EmojiDeleted",
    "WebhookEvent",
    "WebhookCreated",
    "WebhookUpdated",
    "WebhookDeleted",
    "InvitationUpdated",
}
LIFECYCLE = {
    "LifecycleEvent",
    "Connecting",
    "Connected",
    "Ready",
    "Resumed",
    "Disconnected",
    "EventsMissed",
}
ERRORS = {
    "HubbubError",
    "BadRequest",
    "ValidationError",
    "InvalidCursor",
    "Unauthorized",
    "Forbidden",
    "NotFound",
    "Conflict",
    "PayloadTooLarge",
    "CursorExpired",
    "RateLimited",
    "ServiceUnavailable",
    "UnsupportedMediaType",
}
# Wire models an app may annotate with (the rest stay in hubbub.protocol.models).
MODELS = {"Attachment", "CommandResult", "Embed", "EmbedField", "Reaction", "ReadState"}
MODELS |= {"Invitation"}
# Profiles (issue 5).
EVENTS |= {"UserEvent", "UserUpdated", "UserWiped", "UserMerged"}
MODELS |= {"UserStats", "UserWipe", "UserMerge"}
# Relationships (issue 5).
EVENTS |= {"RelationshipUpdated", "PrivateMessage"}
MODELS |= {"Relationship"}
# Sessions (issue 5).
EVENTS |= {
    "SessionEvent",
    "SessionCreated",
    "SessionUpdated",
    "SessionDeleted",
    "SessionDeletedAll",
    "SessionLoggedOut",
}
MODELS |= {"Session"}
# Presence and settings (issue 5).
EVENTS |= {"PresenceUpdated", "UserSettingsUpdated"}
MODELS |= {"UserPresence", "RoomPresence", "SettingsChange"}
# Sanctions: room bans and suspensions (issue 6).
EVENTS |= {
    "RoomBanEvent",
    "RoomBanCreated",
    "RoomBanRemoved",
    "SuspensionEvent",
    "UserSuspended",
    "UserUnsuspended",
}
MODELS |= {"RoomBan", "Suspension", "SuspensionState"}
# Reports and flags (issue 6).
EVENTS |= {"ReportEvent", "ReportCreated", "ReportUpdated", "MessageFlagged"}
MODELS |= {"Report", "ReportPage", "FlagState", "FlagCounts"}
# Music rooms and feeds (issue 8).
EVENTS |= {
    "MusicEvent",
    "QueueEvent",
    "QueueItemAdded",
    "QueueItemRemoved",
    "QueueItemReordered",
    "PlaybackEvent",
    "PlaybackStarted",
    "PlaybackEnded",
    "PlaybackVoted",
    "MusicSettingsUpdated",
    "FeedItemPosted",
}
MODELS |= {"Track", "QueueItem", "NowPlaying", "MusicState", "MusicStats", "VoteResult"}
MODELS |= {"Feed", "FeedItem"}
CLIENT = {
    "Client",
    "Room",
    "Message",
    "User",
    "Notification",
    "SearchHit",
    "Space",
    "SpaceMember",
    "Role",
    "Emoji",
    "Webhook",
    "EventStream",
    "Backoff",
    "__version__",
}


def test_all_is_exactly_the_public_api() -> None:
    assert set(hubbub.__all__) == EVENTS | LIFECYCLE | ERRORS | CLIENT | MODELS
    assert len(hubbub.__all__) == len(set(hubbub.__all__))


def test_every_exported_name_resolves() -> None:
    for name in hubbub.__all__:
        assert getattr(hubbub, name) is not None


def test_event_classes_share_one_root() -> None:
    for name in EVENTS | LIFECYCLE:
        assert issubclass(getattr(hubbub, name), hubbub.Event)
    for name in ERRORS:
        assert issubclass(getattr(hubbub, name), hubbub.HubbubError)


def test_importing_the_sdk_does_not_import_the_server() -> None:
    code = (
        "import sys, hubbub; "
        "bad = [m for m in ('fastapi', 'sqlalchemy', 'uvicorn', 'hubbub.server') "
        "if m in sys.modules]; print(bad)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"

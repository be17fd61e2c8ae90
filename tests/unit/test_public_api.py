"""`hubbub.__all__` is exactly the intended public SDK surface, and all of it resolves;
every public module declares its `__all__` (httpx's lesson: the API is what is tested).

The sets below are the documented surface: the API reference (docs/sdk/reference.md)
renders `hubbub`'s members from its `__all__`, so a name added there without being
added here, or the other way round, fails.
"""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from types import ModuleType

import pytest

import hubbub
import hubbub.client
import hubbub.protocol
import hubbub.sync
from hubbub.protocol.catalogue import event_classes

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
# Subscribing to a room (#39).
EVENTS |= {"RoomSubscribed"}
# Voice rooms and scheduled events (issue 8).
EVENTS |= {
    "VoiceEvent",
    "VoiceMemberJoined",
    "VoiceMemberLeft",
    "VoiceMemberMoved",
    "VoiceStateUpdated",
    "VoiceConnectionReassigned",
    "ScheduleEvent",
    "ScheduledEventCreated",
    "ScheduledEventUpdated",
    "ScheduledEventDeleted",
}
# The dispatch pipeline and lifecycle (issue 7): LOCAL events the SDK generates.
LIFECYCLE |= {"Authenticated", "LoggedOut", "HandlerError"}
LIFECYCLE |= {"NetworkEvent", "NetworkResponse", "NetworkError"}
CLIENT = {
    "EventCallbacks",
    "EventType",
    "Waiter",
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
    "Member",
    "NotLoaded",
    "EventStream",
    "Backoff",
    "__version__",
}


def test_all_is_exactly_the_public_api() -> None:
    assert set(hubbub.__all__) == EVENTS | LIFECYCLE | ERRORS | CLIENT | MODELS
    assert len(hubbub.__all__) == len(set(hubbub.__all__))


def test_all_is_sorted_and_public() -> None:
    assert list(hubbub.__all__) == sorted(hubbub.__all__)
    assert [n for n in hubbub.__all__ if n.startswith("_")] == ["__version__"]


def _public_modules() -> list[str]:
    names = ["hubbub", "hubbub.client", "hubbub.sync", "hubbub.testing", "hubbub.errors"]
    names += ["hubbub.repl"]
    for package in (hubbub.protocol, hubbub.sync):
        prefix = package.__name__ + "."
        names += [m.name for m in pkgutil.iter_modules(package.__path__, prefix)]
    return names


@pytest.mark.parametrize("name", _public_modules())
def test_every_public_module_declares_its_all(name: str) -> None:
    module: ModuleType = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert isinstance(exported, list | tuple), f"{name} has no __all__"
    assert len(set(exported)) == len(exported), f"{name}.__all__ has duplicates"
    missing = [n for n in exported if not hasattr(module, n)]
    assert missing == [], f"{name}.__all__ names what it does not define: {missing}"
    if name != "hubbub":
        assert not [n for n in exported if n.startswith("_")], f"{name}.__all__ is private"


def test_every_catalogued_event_class_is_exported() -> None:
    # An app can annotate a handler with any event class without importing from a
    # submodule: `hubbub.X` for every event of the catalogue the SDK has a class for.
    for type_name, cls in event_classes().items():
        assert getattr(hubbub, cls.__name__, None) is cls, f"{type_name}: {cls.__name__}"


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

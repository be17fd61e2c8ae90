"""The event catalogue as data: every event name, its number in EVENTS.md C.2, its group
and who receives it. `EventType` is the typed enum of the names (SDK-02).

The classes live in the `events*` modules and are found through `event_classes()`; this
module only knows names, so the docs generator and the catalogue test can check that
every name here has a class and every class a name here. The audience texts are the
catalogue's (C.1): ROOM, ROOM−self, VIEWERS, SPACE, USER, SESSION, MODS, TRUSTED,
OBSERVERS, ALL, LOCAL.

Names with no C.2 number were added by later issues beside the catalogue: wire events
(a notification read, a queue item removed, …) and LOCAL ones the SDK derives (a missed
stretch of events, a handler's error, a private message next to its `message.created`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum

from hubbub.protocol.events import Event, registered_events

__all__ = [
    "CATALOGUE",
    "LOCAL",
    "CatalogueEntry",
    "EventType",
    "catalogue_entry",
    "event_classes",
]

LOCAL = "LOCAL"


class EventType(StrEnum):
    """Every event name of the catalogue: the `type` of a wire envelope, or the
    `type_name` of a LOCAL event class. A `str`, so it compares equal to the wire text."""

    # connection and session
    CLIENT_CONNECTING = "client.connecting"
    CLIENT_CONNECTED = "client.connected"
    CLIENT_DISCONNECTED = "client.disconnected"
    CLIENT_NETWORK_RESPONSE = "client.network_response"
    CLIENT_NETWORK_ERROR = "client.network_error"
    CLIENT_EVENTS_MISSED = "client.events_missed"
    CLIENT_LOGGED_OUT = "client.logged_out"
    CLIENT_HANDLER_ERROR = "client.handler_error"
    SESSION_AUTHENTICATED = "session.authenticated"
    SESSION_READY = "session.ready"
    SESSION_RESUMED = "session.resumed"
    SESSION_CREATED = "session.created"
    SESSION_UPDATED = "session.updated"
    SESSION_DELETED = "session.deleted"
    SESSION_DELETED_ALL = "session.deleted_all"
    SESSION_LOGGED_OUT = "session.logged_out"
    # users, settings, relationships, presence
    USER_UPDATED = "user.updated"
    USER_MERGED = "user.merged"
    USER_WIPED = "user.wiped"
    USER_SUSPENDED = "user.suspended"
    USER_UNSUSPENDED = "user.unsuspended"
    USER_SETTINGS_UPDATED = "user.settings.updated"
    RELATIONSHIP_UPDATED = "relationship.updated"
    PRESENCE_UPDATED = "presence.updated"
    # spaces, roles, emojis
    SPACE_CREATED = "space.created"
    SPACE_UPDATED = "space.updated"
    SPACE_DELETED = "space.deleted"
    SPACE_MEMBER_JOINED = "space.member.joined"
    SPACE_MEMBER_UPDATED = "space.member.updated"
    SPACE_MEMBER_REMOVED = "space.member.removed"
    ROLE_CREATED = "role.created"
    ROLE_UPDATED = "role.updated"
    ROLE_DELETED = "role.deleted"
    ROLE_RANKS_UPDATED = "role.ranks_updated"
    EMOJI_CREATED = "emoji.created"
    EMOJI_DELETED = "emoji.deleted"
    # rooms, membership, access, indicators
    ROOM_CREATED = "room.created"
    ROOM_UPDATED = "room.updated"
    ROOM_DELETED = "room.deleted"
    ROOM_OPENED = "room.opened"
    ROOM_CLOSED = "room.closed"
    ROOM_TIMEOUT_STARTED = "room.timeout.started"
    ROOM_TIMEOUT_ENDED = "room.timeout.ended"
    ROOM_SUBSCRIBED = "room.subscribed"
    ROOM_MEMBER_JOINED = "room.member.joined"
    ROOM_MEMBER_LEFT = "room.member.left"
    ROOM_MEMBER_UPDATED = "room.member.updated"
    ROOM_MEMBER_ACCESS_UPDATED = "room.member.access_updated"
    ROOM_BAN_CREATED = "room.ban.created"
    ROOM_BAN_REMOVED = "room.ban.removed"
    READ_STATE_UPDATED = "read_state.updated"
    TYPING_STARTED = "typing.started"
    TYPING_STOPPED = "typing.stopped"
    FEED_ITEM_POSTED = "feed.item.posted"
    INVITATION_UPDATED = "invitation.updated"
    # messages
    MESSAGE_CREATED = "message.created"
    MESSAGE_UPDATED = "message.updated"
    MESSAGE_APPENDED = "message.appended"
    MESSAGE_DELETED = "message.deleted"
    MESSAGE_BULK_DELETED = "message.bulk_deleted"
    MESSAGE_MOVED_OUT = "message.moved_out"
    MESSAGE_MOVED_IN = "message.moved_in"
    MESSAGE_EDITING_STARTED = "message.editing.started"
    MESSAGE_EDITING_STOPPED = "message.editing.stopped"
    MESSAGE_REACTION_ADDED = "message.reaction.added"
    MESSAGE_REACTION_REMOVED = "message.reaction.removed"
    MESSAGE_REACTION_CLEARED = "message.reaction.cleared"
    MESSAGE_STARS_UPDATED = "message.stars.updated"
    MESSAGE_PINNED = "message.pinned"
    MESSAGE_UNPINNED = "message.unpinned"
    MESSAGE_FLAGGED = "message.flagged"
    PRIVATE_MESSAGE = "private_message"
    # moderation, audit, notifications, commands
    REPORT_CREATED = "report.created"
    REPORT_UPDATED = "report.updated"
    MODERATION_QUEUED = "moderation.queued"
    MODERATION_RESOLVED = "moderation.resolved"
    AUDIT_ENTRY_CREATED = "audit.entry.created"
    NOTIFICATION_CREATED = "notification.created"
    NOTIFICATION_READ = "notification.read"
    COMMAND_COMPLETED = "command.completed"
    # webhooks
    WEBHOOK_CREATED = "webhook.created"
    WEBHOOK_UPDATED = "webhook.updated"
    WEBHOOK_DELETED = "webhook.deleted"
    # voice
    VOICE_MEMBER_JOINED = "voice.member.joined"
    VOICE_MEMBER_LEFT = "voice.member.left"
    VOICE_MEMBER_MOVED = "voice.member.moved"
    VOICE_STATE_UPDATED = "voice.state.updated"
    VOICE_CONNECTION_REASSIGNED = "voice.connection.reassigned"
    # music room
    QUEUE_ITEM_ADDED = "queue.item.added"
    QUEUE_ITEM_REMOVED = "queue.item.removed"
    QUEUE_ITEM_REORDERED = "queue.item.reordered"
    PLAYBACK_STARTED = "playback.started"
    PLAYBACK_ENDED = "playback.ended"
    PLAYBACK_VOTED = "playback.voted"
    MUSIC_SETTINGS_UPDATED = "music.settings.updated"
    # scheduled events
    SCHEDULED_EVENT_CREATED = "scheduled_event.created"
    SCHEDULED_EVENT_UPDATED = "scheduled_event.updated"
    SCHEDULED_EVENT_DELETED = "scheduled_event.deleted"
    # SDK only
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    type: EventType
    number: int | None
    """Its row in EVENTS.md C.2; None for names added beside the catalogue."""
    group: str
    audience: str

    @property
    def local(self) -> bool:
        """Generated by the SDK, never on the wire."""
        return self.audience == LOCAL


_T = EventType
_ROWS: tuple[tuple[EventType, int | None, str], ...] = (
    (_T.CLIENT_CONNECTING, 1, LOCAL),
    (_T.CLIENT_CONNECTED, 2, LOCAL),
    (_T.CLIENT_DISCONNECTED, 3, LOCAL),
    (_T.CLIENT_NETWORK_RESPONSE, 4, LOCAL),
    (_T.CLIENT_NETWORK_ERROR, 5, LOCAL),
    (_T.CLIENT_EVENTS_MISSED, None, LOCAL),
    (_T.CLIENT_LOGGED_OUT, None, LOCAL),
    (_T.CLIENT_HANDLER_ERROR, None, LOCAL),
    (_T.SESSION_AUTHENTICATED, 6, "SESSION"),
    (_T.SESSION_READY, 7, "SESSION"),
    (_T.SESSION_RESUMED, None, LOCAL),
    (_T.SESSION_CREATED, 8, "USER"),
    (_T.SESSION_UPDATED, None, "USER"),
    (_T.SESSION_DELETED, 9, "USER"),
    (_T.SESSION_DELETED_ALL, 10, "USER"),
    (_T.SESSION_LOGGED_OUT, 11, "SESSION (every connection of that session)"),
    (_T.USER_UPDATED, 12, "OBSERVERS"),
    (_T.USER_MERGED, 13, "OBSERVERS of either account"),
    (_T.USER_WIPED, 14, "OBSERVERS"),
    (_T.USER_SUSPENDED, 15, "USER (target) + global MODS"),
    (_T.USER_UNSUSPENDED, 16, "USER + global MODS"),
    (_T.USER_SETTINGS_UPDATED, 17, "USER"),
    (_T.RELATIONSHIP_UPDATED, 18, "USER (each party gets its own view)"),
    (_T.PRESENCE_UPDATED, 19, "OBSERVERS (or ROOM when room_id is set)"),
    (_T.SPACE_CREATED, 20, "USER (creator/joiner)"),
    (_T.SPACE_UPDATED, 21, "SPACE"),
    (_T.SPACE_DELETED, 22, "SPACE"),
    (_T.SPACE_MEMBER_JOINED, 23, "SPACE"),
    (_T.SPACE_MEMBER_UPDATED, 24, "SPACE"),
    (_T.SPACE_MEMBER_REMOVED, 25, "SPACE + removed USER"),
    (_T.ROLE_CREATED, 26, "SPACE"),
    (_T.ROLE_UPDATED, 27, "SPACE"),
    (_T.ROLE_DELETED, 28, "SPACE"),
    (_T.ROLE_RANKS_UPDATED, 29, "SPACE"),
    (_T.EMOJI_CREATED, 30, "SPACE"),
    (_T.EMOJI_DELETED, 31, "SPACE"),
    (_T.ROOM_CREATED, 32, "VIEWERS (only those who newly see it)"),
    (_T.ROOM_UPDATED, 33, "VIEWERS"),
    (_T.ROOM_DELETED, 34, "VIEWERS (those who lose it)"),
    (_T.ROOM_OPENED, 35, "ROOM"),
    (_T.ROOM_CLOSED, 36, "ROOM"),
    (_T.ROOM_TIMEOUT_STARTED, 37, "ROOM"),
    (_T.ROOM_TIMEOUT_ENDED, 38, "ROOM"),
    (_T.ROOM_SUBSCRIBED, 39, "SESSION"),
    (_T.ROOM_MEMBER_JOINED, 40, "ROOM"),
    (_T.ROOM_MEMBER_LEFT, 41, "ROOM + the removed USER"),
    (_T.ROOM_MEMBER_UPDATED, 42, "ROOM"),
    (_T.ROOM_MEMBER_ACCESS_UPDATED, 43, "MODS + target USER"),
    (_T.ROOM_BAN_CREATED, 44, "ROOM + target USER (reason only for MODS)"),
    (_T.ROOM_BAN_REMOVED, 45, "MODS + target USER"),
    (_T.READ_STATE_UPDATED, 46, "USER"),
    (_T.TYPING_STARTED, 47, "ROOM−self"),
    (_T.TYPING_STOPPED, 48, "ROOM−self"),
    (_T.FEED_ITEM_POSTED, 49, "ROOM"),
    (_T.INVITATION_UPDATED, None, "USER"),
    (_T.MESSAGE_CREATED, 50, "ROOM (author + MODS only if shadowbanned or pending)"),
    (_T.MESSAGE_UPDATED, 51, "ROOM"),
    (_T.MESSAGE_APPENDED, 52, "ROOM"),
    (_T.MESSAGE_DELETED, 53, "ROOM"),
    (_T.MESSAGE_BULK_DELETED, 54, "ROOM"),
    (_T.MESSAGE_MOVED_OUT, 55, "ROOM (source)"),
    (_T.MESSAGE_MOVED_IN, 56, "ROOM (destination)"),
    (_T.MESSAGE_EDITING_STARTED, 57, "ROOM−self"),
    (_T.MESSAGE_EDITING_STOPPED, 58, "ROOM−self"),
    (_T.MESSAGE_REACTION_ADDED, 59, "ROOM"),
    (_T.MESSAGE_REACTION_REMOVED, 60, "ROOM"),
    (_T.MESSAGE_REACTION_CLEARED, 61, "ROOM"),
    (_T.MESSAGE_STARS_UPDATED, 62, "ROOM (no actor)"),
    (_T.MESSAGE_PINNED, 63, "ROOM"),
    (_T.MESSAGE_UNPINNED, 64, "ROOM"),
    (_T.MESSAGE_FLAGGED, 65, "TRUSTED (spam/offensive) or MODS (moderator)"),
    (_T.PRIVATE_MESSAGE, None, LOCAL),
    (_T.REPORT_CREATED, 66, "MODS + reporter USER (ack)"),
    (_T.REPORT_UPDATED, None, "MODS + reporter USER"),
    (_T.MODERATION_QUEUED, 67, "MODS"),
    (_T.MODERATION_RESOLVED, 68, "MODS + author USER"),
    (_T.AUDIT_ENTRY_CREATED, 69, "MODS"),
    (_T.NOTIFICATION_CREATED, 70, "USER (target); ALL for kind=global"),
    (_T.NOTIFICATION_READ, None, "USER"),
    (_T.COMMAND_COMPLETED, 71, "SESSION"),
    (_T.WEBHOOK_CREATED, 72, "MODS (manage_webhooks on the room)"),
    (_T.WEBHOOK_UPDATED, 73, "MODS"),
    (_T.WEBHOOK_DELETED, 74, "MODS"),
    (_T.VOICE_MEMBER_JOINED, 75, "VIEWERS"),
    (_T.VOICE_MEMBER_LEFT, 76, "VIEWERS"),
    (_T.VOICE_MEMBER_MOVED, 77, "VIEWERS of both rooms"),
    (_T.VOICE_STATE_UPDATED, 78, "VIEWERS"),
    (_T.VOICE_CONNECTION_REASSIGNED, 79, "USER (the moved user)"),
    (_T.QUEUE_ITEM_ADDED, 80, "ROOM"),
    (_T.QUEUE_ITEM_REMOVED, None, "ROOM"),
    (_T.QUEUE_ITEM_REORDERED, None, "ROOM"),
    (_T.PLAYBACK_STARTED, 81, "ROOM"),
    (_T.PLAYBACK_ENDED, None, "ROOM"),
    (_T.PLAYBACK_VOTED, 82, "ROOM"),
    (_T.MUSIC_SETTINGS_UPDATED, None, "ROOM"),
    (_T.SCHEDULED_EVENT_CREATED, None, "ROOM"),
    (_T.SCHEDULED_EVENT_UPDATED, None, "ROOM"),
    (_T.SCHEDULED_EVENT_DELETED, None, "ROOM"),
    (_T.UNKNOWN, 83, LOCAL),
)

# The group of each name: its first word, as in C.2's headings.
_GROUPS = {
    "client": "Connection and session",
    "session": "Connection and session",
    "user": "Users, settings, relationships, presence",
    "relationship": "Users, settings, relationships, presence",
    "presence": "Users, settings, relationships, presence",
    "space": "Spaces, roles, emojis",
    "role": "Spaces, roles, emojis",
    "emoji": "Spaces, roles, emojis",
    "room": "Rooms, membership, access, indicators",
    "read_state": "Rooms, membership, access, indicators",
    "typing": "Rooms, membership, access, indicators",
    "feed": "Rooms, membership, access, indicators",
    "invitation": "Rooms, membership, access, indicators",
    "message": "Messages",
    "private_message": "Messages",
    "report": "Moderation, audit, notifications, commands",
    "moderation": "Moderation, audit, notifications, commands",
    "audit": "Moderation, audit, notifications, commands",
    "notification": "Moderation, audit, notifications, commands",
    "command": "Moderation, audit, notifications, commands",
    "webhook": "Webhooks",
    "voice": "Voice",
    "queue": "Music room",
    "playback": "Music room",
    "music": "Music room",
    "scheduled_event": "Scheduled events",
    "unknown": "SDK only",
}

CATALOGUE: tuple[CatalogueEntry, ...] = tuple(
    CatalogueEntry(type=name, number=number, group=_GROUPS[name.split(".")[0]], audience=aud)
    for name, number, aud in _ROWS
)
_BY_NAME: dict[str, CatalogueEntry] = {entry.type.value: entry for entry in CATALOGUE}


def catalogue_entry(name: str) -> CatalogueEntry | None:
    """The catalogue row of a name; None for a name the catalogue does not list."""
    return _BY_NAME.get(name)


def _walk(root: type[Event]) -> Iterator[type[Event]]:
    pending = [root]
    while pending:
        cls = pending.pop()
        yield cls
        pending.extend(cls.__subclasses__())


def event_classes() -> Mapping[str, type[Event]]:
    """Every imported event class that names an event (`type_name`), by that name: the
    wire registry's classes, and the LOCAL ones the client defines (lifecycle, network).

    A name claimed by two classes maps to the registered one (the wire parser's), then to
    the most general one: derived SDK events reuse their source's name only as a subclass.
    """
    found: dict[str, type[Event]] = dict(registered_events())
    for cls in _walk(Event):
        name = cls.type_name
        if not name or (name in found and issubclass(cls, found[name])):
            continue
        if not cls.__module__.startswith("hubbub."):
            continue  # an app's (or a test's) own subclass names no catalogue event
        found.setdefault(name, cls)
    return found

"""The seeds' own names for events (EVENTS.md C.3), in one table.

Handler aliases (`on_chat`, `on_dub`, `on_goal`, …) map to a canonical event plus a
routing condition; `@client.event` and `EventCallbacks` both read `ALIASES`, so a name
means the same thing wherever it is used. Targets are wire (or LOCAL) names matched
against `event.type` at dispatch, so they work whichever module registers the class, and
whenever (`EventDispatcher.handlers_for(cls)` counts them too).

Class aliases (stoat.py's `MessageCreateEvent`, …, and `<Canonical>Event` for every class)
resolve lazily as attributes of this module: `aliases.MessageCreateEvent is MessageCreated`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from hubbub.client.handlers import all_event_classes, local_event_class
from hubbub.protocol.events import Event, MessageCreated, MessageDeleted
from hubbub.protocol.events_commands import CommandCompleted
from hubbub.protocol.events_content import NotificationCreated
from hubbub.protocol.events_lifecycle import MessagesBulkDeleted

if TYPE_CHECKING:
    from hubbub.client.objects import Room, User

__all__ = ["ALIASES", "CLASS_ALIASES", "AliasContext", "Route", "class_alias"]


class AliasContext(Protocol):
    """What routing conditions may look at: the client's cache (the `Client`)."""

    @property
    def user(self) -> User | None: ...

    def get_room(self, room_id: int) -> Room | None: ...


Condition = Callable[[Event, AliasContext], bool]


@dataclass(frozen=True, slots=True)
class Route:
    """Events of `target` (a wire or LOCAL name) for which `when` holds; `expand` first
    turns one event into several (each then checked)."""

    target: str
    when: Condition | None = None
    expand: Callable[[Event], Iterable[Event]] | None = None

    def resolve(self) -> str:
        """The dispatcher key: the name itself, matched against `event.type` (or a local
        event's `type_name`) at dispatch. Never a class resolved at registration: a
        `playback.voted` that this SDK could not parse (an UnknownEvent) still routes,
        and so does one whose class registers after the handler."""
        return self.target


# -- routing conditions ---------------------------------------------------------------


def _is_dm(event: Event, ctx: AliasContext) -> bool:
    room_id = getattr(event, "room_id", None)
    room = None if room_id is None else ctx.get_room(room_id)
    return room is not None and room.kind == "dm"


def _chat(event: Event, ctx: AliasContext) -> bool:
    return isinstance(event, MessageCreated) and not _is_dm(event, ctx)


def _message_type(kind: str, custom: str | None = None) -> Condition:
    def check(event: Event, ctx: AliasContext) -> bool:
        if not isinstance(event, MessageCreated) or event.message.type != kind:
            return False
        return custom is None or event.message.custom_type == custom

    return check


def _reply(event: Event, ctx: AliasContext) -> bool:
    return isinstance(event, MessageCreated) and (
        event.message.type == "reply" or event.message.reply_to is not None
    )


def _in_room(event: Event, ctx: AliasContext) -> bool:
    return getattr(event, "room_id", None) is not None


def _command(help_: bool) -> Condition:
    def check(event: Event, ctx: AliasContext) -> bool:
        return isinstance(event, CommandCompleted) and (event.op == "help") == help_

    return check


def _notification(kind: str) -> Condition:
    def check(event: Event, ctx: AliasContext) -> bool:
        return isinstance(event, NotificationCreated) and event.kind == kind

    return check


def each_removed(event: Event) -> Iterator[Event]:
    """A bulk delete as one MessageDeleted per id (S3 onRemove fires once per message)."""
    if not isinstance(event, MessagesBulkDeleted):
        yield event
        return
    cached = {m.id: m for m in event.messages}
    for message_id in event.message_ids:
        yield MessageDeleted(
            raw=event.raw,
            type=MessageDeleted.type_name,
            seq=event.seq,
            ts=event.ts,
            at=event.at,
            space_id=event.space_id,
            room_id=event.room_id,
            actor=event.actor,
            data={"message_id": message_id, "bulk_reason": event.reason},
            message_id=message_id,
            actor_id=event.actor_id,
            by_moderator=True,
            message=cached.get(message_id),
        )


# -- the table (C.3) --------------------------------------------------------------------

ALIASES: dict[str, tuple[Route, ...]] = {
    # S2 (backtracked)
    "on_ready": (Route("session.ready"),),
    "on_joined_room": (Route("room.subscribed"),),
    "on_member_presence": (Route("presence.updated", _in_room),),
    "on_chat": (Route("message.created", _chat),),
    "on_chat_delete": (Route("message.deleted"),),
    "on_dub": (Route("playback.voted"),),
    "on_playlist_song_add": (Route("queue.item.added"),),
    "on_member_join": (Route("room.member.joined"),),
    "on_member_update": (Route("room.member.updated"),),
    "on_private_message": (Route("private_message"),),
    # S3 (SportsTalk)
    "on_chat_start": (Route("room.subscribed"),),
    "on_goal": (Route("message.created", _message_type("custom", "goal")),),
    "on_ad": (Route("message.created", _message_type("ad")),),
    "on_announcement": (Route("message.created", _message_type("announcement")),),
    "on_reply": (Route("message.created", _reply),),
    "on_replace": (Route("message.updated"),),
    "on_remove": (
        Route("message.deleted"),
        Route("message.bulk_deleted", expand=each_removed),
    ),
    "on_admin_command": (Route("command.completed", _command(help_=False)),),
    "on_help": (Route("command.completed", _command(help_=True)),),
    "on_network_response": (Route("client.network_response"),),
    "on_network_error": (Route("client.network_error"),),
    # S0 derived notifications
    "on_mention": (Route("notification.created", _notification("mention")),),
    "on_reply_notification": (Route("notification.created", _notification("reply")),),
}

# stoat.py's class names → wire or LOCAL names (C.2 seed column, C.3 last rows).
CLASS_ALIASES: dict[str, str] = {
    "BeforeConnectEvent": "client.connecting",
    "AfterConnectEvent": "client.connected",
    "AuthenticatedEvent": "session.authenticated",
    "ReadyEvent": "session.ready",
    "SessionCreateEvent": "session.created",
    "SessionDeleteEvent": "session.deleted",
    "SessionDeleteAllEvent": "session.deleted_all",
    "LogoutEvent": "session.logged_out",
    "UserUpdateEvent": "user.updated",
    "UserPlatformWipeEvent": "user.wiped",
    "UserSettingsUpdateEvent": "user.settings.updated",
    "UserRelationshipUpdateEvent": "relationship.updated",
    "ServerCreateEvent": "space.created",
    "ServerUpdateEvent": "space.updated",
    "ServerDeleteEvent": "space.deleted",
    "ServerMemberJoinEvent": "space.member.joined",
    "ServerMemberUpdateEvent": "space.member.updated",
    "ServerMemberRemoveEvent": "space.member.removed",
    "RawServerRoleUpdateEvent": "role.updated",
    "ServerRoleDeleteEvent": "role.deleted",
    "ServerRoleRanksUpdateEvent": "role.ranks_updated",
    "ServerEmojiCreateEvent": "emoji.created",
    "ServerEmojiDeleteEvent": "emoji.deleted",
    "ChannelCreateEvent": "room.created",
    "ChannelUpdateEvent": "room.updated",
    "ChannelDeleteEvent": "room.deleted",
    "MessageAckEvent": "read_state.updated",
    "ChannelStartTypingEvent": "typing.started",
    "ChannelStopTypingEvent": "typing.stopped",
    "MessageCreateEvent": "message.created",
    "MessageUpdateEvent": "message.updated",
    "MessageAppendEvent": "message.appended",
    "MessageDeleteEvent": "message.deleted",
    "MessageStartEditingEvent": "message.editing.started",
    "MessageStopEditingEvent": "message.editing.stopped",
    "MessageReactEvent": "message.reaction.added",
    "MessageUnreactEvent": "message.reaction.removed",
    "MessageClearReactionEvent": "message.reaction.cleared",
    "WebhookCreateEvent": "webhook.created",
    "WebhookUpdateEvent": "webhook.updated",
    "WebhookDeleteEvent": "webhook.deleted",
    "VoiceChannelJoinEvent": "voice.member.joined",
    "VoiceChannelLeaveEvent": "voice.member.left",
    "VoiceChannelMoveEvent": "voice.member.moved",
    "UserVoiceStateUpdateEvent": "voice.state.updated",
    "UserMoveVoiceChannelEvent": "voice.connection.reassigned",
}


def class_alias(name: str) -> type[Event] | None:
    """The class a seed class name stands for: a stoat.py name (`MessageCreateEvent`) or
    a canonical name with an `Event` suffix (`MessageCreatedEvent`); None if unknown."""
    if name in CLASS_ALIASES:
        return local_event_class(CLASS_ALIASES[name])
    if name.endswith("Event"):
        for cls in all_event_classes():
            if cls.__name__ == name[: -len("Event")]:
                return cls
    return None


def __getattr__(name: str) -> Any:
    found = class_alias(name)
    if found is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return found

"""The event catalogue: one class per wire event, and the one registry wire name ⇄ class.

    Event                         root of everything a client can dispatch (wire or local)
    └── ServerEvent               came from the server: envelope fields, `raw` frame
        ├── RoomEvent             room_id is always set
        │   ├── MessageEvent      message_id is always set
        │   │   ├── MessageCreated / MessageUpdated / MessageDeleted
        │   ├── RoomCreated / RoomUpdated / RoomDeleted
        │   ├── MemberEvent       user_id is always set
        │   │   ├── MemberJoined / MemberLeft
        │   └── TypingEvent       ephemeral (no seq); user_id is always set
        │       ├── TypingStarted / TypingStopped
        └── UnknownEvent          a type this SDK does not know, or a payload it could not parse

Events carry wire models (immutable snapshots), never client objects, so the server and
tests can build them without an SDK. `before`/`after` on update events are filled by the
client cache; they stay `None` when the event is parsed on its own or the object was not
cached.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar

from pydantic import ValidationError

from hubbub.protocol.models import Actor, Envelope, Member, Message, Room

__all__ = [
    "Event",
    "MemberEvent",
    "MemberJoined",
    "MemberLeft",
    "MessageCreated",
    "MessageDeleted",
    "MessageEvent",
    "MessageUpdated",
    "RoomCreated",
    "RoomDeleted",
    "RoomEvent",
    "RoomUpdated",
    "ServerEvent",
    "TypingEvent",
    "TypingStarted",
    "TypingStopped",
    "UnknownEvent",
    "event_class",
    "parse_event",
    "register",
    "registered_events",
]

_log = logging.getLogger(__name__)

_REGISTRY: dict[str, type[ServerEvent]] = {}

S = TypeVar("S", bound="type[ServerEvent]")


def register(cls: S) -> S:
    """Class decorator: map `cls.type_name` to `cls`. A name maps to exactly one class."""
    name = cls.type_name
    if not name:
        raise ValueError(f"{cls.__name__} has no type_name")
    if name in _REGISTRY and _REGISTRY[name] is not cls:
        raise ValueError(f"{name!r} is already registered to {_REGISTRY[name].__name__}")
    _REGISTRY[name] = cls
    return cls


def event_class(type_name: str) -> type[ServerEvent]:
    """The class for a wire name; `UnknownEvent` for names this SDK does not know."""
    return _REGISTRY.get(type_name, UnknownEvent)


def registered_events() -> Mapping[str, type[ServerEvent]]:
    return dict(_REGISTRY)


def parse_event(frame: Mapping[str, Any] | Envelope) -> ServerEvent:
    """Build the typed event for one envelope (a gateway `event` frame or a long-poll item).

    Never raises and never drops (SDK-16): an unknown type, a known type whose `data` does
    not match this SDK's expectations, or a frame that is not even a valid envelope
    becomes `UnknownEvent` with the raw frame kept and `parse_error` saying why. For a
    broken envelope the envelope fields are best effort (see `UnknownEvent`).
    """
    if isinstance(frame, Envelope):
        envelope, raw = frame, frame.model_dump(mode="json")
    else:
        raw = dict(frame)
        try:
            envelope = Envelope.model_validate({k: v for k, v in raw.items() if k != "op"})
        except ValidationError as exc:
            _log.warning("could not parse an event envelope: %s", exc)
            return UnknownEvent._from_broken(raw, str(exc))
    cls = event_class(envelope.type)
    try:
        return cls._from_envelope(envelope, raw)
    except (ValidationError, KeyError, TypeError, ValueError) as exc:
        # A newer or buggy server must not crash the client or lose the event.
        _log.warning("could not parse %s event (seq=%s): %s", envelope.type, envelope.seq, exc)
        return UnknownEvent._from_envelope(envelope, raw, parse_error=str(exc))


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@dataclass(kw_only=True, eq=False)
class Event:
    """Root of every dispatchable event. A handler on `Event` receives everything."""

    type_name: ClassVar[str] = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False)
    # Set by a before-dispatch hook to skip the cache update for this event (SDK-03).
    _canceled: bool = field(default=False, init=False, repr=False, compare=False)

    def cancel(self) -> None:
        """Skip the cache update for this event (call from a before-dispatch hook)."""
        self._canceled = True

    def uncancel(self) -> None:
        self._canceled = False

    def set_canceled(self, value: bool) -> None:
        self._canceled = bool(value)

    @property
    def is_canceled(self) -> bool:
        return self._canceled

    @classmethod
    def handler_name(cls) -> str:
        """`on_<snake_case class name>`, the name `@client.event` matches."""
        return "on_" + _snake(cls.__name__)


@dataclass(kw_only=True, eq=False)
class ServerEvent(Event):
    """An event delivered by the server. `seq is None` marks an ephemeral event."""

    type: str
    seq: int | None
    ts: int
    at: datetime
    space_id: int | None = None
    room_id: int | None = None
    actor: Actor | None = None
    data: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def ephemeral(self) -> bool:
        return self.seq is None

    @classmethod
    def _from_envelope(cls, envelope: Envelope, raw: dict[str, Any], **extra: Any) -> ServerEvent:
        fields: dict[str, Any] = {
            "raw": raw,
            "type": envelope.type,
            "seq": envelope.seq,
            "ts": envelope.ts,
            "at": envelope.at,
            "space_id": envelope.space_id,
            "room_id": envelope.room_id,
            "actor": envelope.actor,
            "data": envelope.data,
        }
        # Parsed fields win: e.g. a RoomEvent's room_id falls back to data["room_id"].
        return cls(**{**fields, **cls._parse_data(envelope), **extra})

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        """Typed fields from `data`; subclasses extend. Raise to fall back to UnknownEvent."""
        return {}


@dataclass(kw_only=True, eq=False)
class UnknownEvent(ServerEvent):
    """A wire event this SDK has no class for, or could not parse (#83). Never dropped:
    `raw` is the whole frame, `data` its payload, `type` the wire name it carried.

    `parse_error` is None for a type this SDK does not know, else why parsing failed.
    When the envelope itself was broken (no `type`, a bad `ts`), `type` is "unknown" if
    the frame named none, `ts` is 0 and `at` the Unix epoch if unreadable, and `data`
    is `{}` unless the frame had an object there.
    """

    type_name = "unknown"
    parse_error: str | None = None

    @classmethod
    def _from_broken(cls, raw: dict[str, Any], error: str) -> UnknownEvent:
        def opt_int(value: Any) -> int | None:
            return value if isinstance(value, int) and not isinstance(value, bool) else None

        ts = opt_int(raw.get("ts")) or 0
        try:
            at = datetime.fromisoformat(str(raw["at"]))
        except (KeyError, ValueError):
            at = datetime.fromtimestamp(ts / 1000, UTC)
        name, data = raw.get("type"), raw.get("data")
        return cls(
            raw=raw,
            type=name if isinstance(name, str) and name else cls.type_name,
            seq=opt_int(raw.get("seq")),
            ts=ts,
            at=at,
            space_id=opt_int(raw.get("space_id")),
            room_id=opt_int(raw.get("room_id")),
            data=dict(data) if isinstance(data, dict) else {},
            parse_error=error,
        )


@dataclass(kw_only=True, eq=False)
class RoomEvent(ServerEvent):
    room_id: int

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        room_id = envelope.room_id if envelope.room_id is not None else envelope.data["room_id"]
        return {**super()._parse_data(envelope), "room_id": int(room_id)}


# -- messages -------------------------------------------------------------------------


@dataclass(kw_only=True, eq=False)
class MessageEvent(RoomEvent):
    message_id: int


@register
@dataclass(kw_only=True, eq=False)
class MessageCreated(MessageEvent):
    """A message was posted (S2 on_chat, S3 speech and friends, S4 new_messages):
    `message` is the whole message object. A shadowbanned or pending message reaches
    only its author and the room's moderators."""

    type_name = "message.created"
    message: Message

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        message = Message.model_validate(envelope.data["message"])
        room_id = envelope.room_id if envelope.room_id is not None else message.room_id
        return {"room_id": room_id, "message": message, "message_id": message.id}


@register
@dataclass(kw_only=True, eq=False)
class MessageUpdated(MessageEvent):
    """A message was edited: `changes` has the new content (and rendered forms),
    `before`/`after` the cached message around the edit when it was cached."""

    type_name = "message.updated"
    changes: dict[str, Any]
    cleared: list[str]
    edit_count: int | None = None
    edited_by: int | None = None
    edited_by_moderator: bool = False
    modified_at: datetime | None = None
    before: Message | None = None
    after: Message | None = None

    @property
    def content(self) -> str | None:
        """The new Markdown source, when this edit changed it."""
        value = self.changes.get("content")
        return value if isinstance(value, str) else None

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        modified = d.get("modified_at")
        return {
            **super()._parse_data(envelope),
            "message_id": int(d["message_id"]),
            "changes": dict(d.get("changes") or {}),
            "cleared": list(d.get("cleared") or []),
            "edit_count": d.get("edit_count"),
            "edited_by": d.get("edited_by"),
            "edited_by_moderator": bool(d.get("edited_by_moderator", False)),
            "modified_at": datetime.fromisoformat(modified) if modified else None,
        }


@register
@dataclass(kw_only=True, eq=False)
class MessageDeleted(MessageEvent):
    """A message was deleted (a tombstone: it stays in history as deleted); the
    cache keeps it with `deleted=True`, and `message` is how it was."""

    type_name = "message.deleted"
    actor_id: int | None = None
    by_moderator: bool = False
    message: Message | None = None
    """The cached message as it was before deletion, when the client had it."""

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        return {
            **super()._parse_data(envelope),
            "message_id": int(d["message_id"]),
            "actor_id": d.get("actor_id"),
            "by_moderator": bool(d.get("by_moderator", False)),
        }


# -- rooms ----------------------------------------------------------------------------


@register
@dataclass(kw_only=True, eq=False)
class RoomCreated(RoomEvent):
    """A room became visible to this user: created, access gained, DM opened, …"""

    type_name = "room.created"
    room: Room
    reason: str = "created"

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        room = Room.model_validate(envelope.data["room"])
        return {
            "room_id": envelope.room_id if envelope.room_id is not None else room.id,
            "room": room,
            "reason": envelope.data.get("reason", "created"),
        }


@register
@dataclass(kw_only=True, eq=False)
class RoomUpdated(RoomEvent):
    """The room's settings changed: `changes` and `cleared`, with `before`/`after`
    when it was cached (VIEWERS)."""

    type_name = "room.updated"
    changes: dict[str, Any]
    cleared: list[str]
    actor_id: int | None = None
    before: Room | None = None
    after: Room | None = None

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        return {
            **super()._parse_data(envelope),
            "changes": dict(d.get("changes") or {}),
            "cleared": list(d.get("cleared") or []),
            "actor_id": d.get("actor_id"),
        }


@register
@dataclass(kw_only=True, eq=False)
class RoomDeleted(RoomEvent):
    """The room is gone for this user: deleted, access lost, or left."""

    type_name = "room.deleted"
    reason: str = "deleted"
    deleted_events_count: int | None = None
    room: Room | None = None
    """The cached room as it was, when the client had it."""

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        return {
            **super()._parse_data(envelope),
            "reason": d.get("reason", "deleted"),
            "deleted_events_count": d.get("deleted_events_count"),
        }


# -- membership -----------------------------------------------------------------------


@dataclass(kw_only=True, eq=False)
class MemberEvent(RoomEvent):
    user_id: int

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        return {**super()._parse_data(envelope), "user_id": int(envelope.data["user_id"])}


@register
@dataclass(kw_only=True, eq=False)
class MemberJoined(MemberEvent):
    """Someone joined the room: by themselves, added, invited or granted access
    (`via`)."""

    type_name = "room.member.joined"
    member: Member
    via: str = "self"

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        return {
            **super()._parse_data(envelope),
            "member": Member.model_validate(d["member"]),
            "via": d.get("via", "self"),
        }


@register
@dataclass(kw_only=True, eq=False)
class MemberLeft(MemberEvent):
    """Someone left the room, or was kicked, banned or removed (`reason`); also to
    the user removed."""

    type_name = "room.member.left"
    reason: str = "left"
    actor_id: int | None = None

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        return {
            **super()._parse_data(envelope),
            "reason": d.get("reason", "left"),
            "actor_id": d.get("actor_id"),
        }


@register
@dataclass(kw_only=True, eq=False)
class MemberUpdated(MemberEvent):
    """A member's room state changed (e.g. the owner made them a moderator)."""

    type_name = "room.member.updated"
    changes: dict[str, Any]
    cleared: list[str]
    # Filled by the client cache when it holds the member.
    before: Member | None = None
    after: Member | None = None

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        return {
            **super()._parse_data(envelope),
            "changes": dict(d.get("changes") or {}),
            "cleared": list(d.get("cleared") or []),
        }


# -- typing (ephemeral) ---------------------------------------------------------------


@dataclass(kw_only=True, eq=False)
class TypingEvent(RoomEvent):
    """Ephemeral: never has a seq, never replayed on resume."""

    user_id: int

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        return {**super()._parse_data(envelope), "user_id": int(envelope.data["user_id"])}


@register
@dataclass(kw_only=True, eq=False)
class TypingStarted(TypingEvent):
    """Someone is typing in the room (ephemeral, ROOM−self) until `expires_at`
    unless renewed."""

    type_name = "typing.started"
    expires_at: datetime | None = None

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        expires = envelope.data.get("expires_at")
        return {
            **super()._parse_data(envelope),
            "expires_at": datetime.fromisoformat(expires) if expires else None,
        }


@register
@dataclass(kw_only=True, eq=False)
class TypingStopped(TypingEvent):
    """Someone stopped typing (ephemeral, ROOM−self)."""

    type_name = "typing.stopped"


# The areas' event modules register their classes on import; importing them here means
# `parse_event` knows every type whichever module the caller imported first.
from hubbub.protocol import (  # noqa: E402
    events_commands,  # noqa: F401
    events_content,  # noqa: F401
    events_extras,  # noqa: F401
    events_feeds,  # noqa: F401
    events_inbox,  # noqa: F401
    events_lifecycle,  # noqa: F401
    events_moderation,  # noqa: F401
    events_music,  # noqa: F401
    events_presence,  # noqa: F401
    events_profiles,  # noqa: F401
    events_reactions,  # noqa: F401
    events_relations,  # noqa: F401
    events_reports,  # noqa: F401
    events_rooms,  # noqa: F401
    events_sanctions,  # noqa: F401
    events_schedule,  # noqa: F401
    events_sessions,  # noqa: F401
    events_spaces,  # noqa: F401
    events_voice,  # noqa: F401
)

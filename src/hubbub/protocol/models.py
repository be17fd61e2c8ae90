"""Wire models: the JSON objects that REST responses and event payloads carry.

Field names follow EVENTS.md C.2.1 and DESIGN.md §5; ids are integers, times ISO 8601 UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

__all__ = [
    "AccessLevel",
    "AccessMode",
    "Actor",
    "Ad",
    "Attachment",
    "AuthResult",
    "CommandResult",
    "Embed",
    "EmbedField",
    "Envelope",
    "ErrorBody",
    "ErrorResponse",
    "EventPage",
    "Member",
    "MemberRole",
    "Message",
    "MessagePage",
    "MessageType",
    "Notification",
    "NotificationKind",
    "NotificationPage",
    "QuoteRef",
    "Reaction",
    "ReadState",
    "ReplyRef",
    "Revision",
    "RevisionList",
    "Room",
    "RoomKind",
    "SearchPage",
    "SearchResult",
    "Timestamp",
    "User",
    "WireModel",
]

RoomKind = Literal["text", "voice", "dm", "group", "music"]
AccessMode = Literal["public", "gallery", "private"]
MemberRole = Literal["owner", "moderator", "member"]
MessageType = Literal[
    "speech", "reply", "quote", "action", "announcement", "ad", "custom", "system"
]


def _iso_ms(value: datetime) -> str:
    if value.tzinfo is None:  # wire times are UTC; a naive one can only mean UTC
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


# Every time on the wire has one spelling, ISO 8601 UTC with milliseconds
# ("2026-11-29T01:53:48.158Z"), whether it leaves through an event or a REST response model.
Timestamp = Annotated[datetime, PlainSerializer(_iso_ms, return_type=str, when_used="json")]


class WireModel(BaseModel):
    # Unknown fields from a newer server are kept, not rejected: forward compatibility.
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Actor(WireModel):
    """The small user snapshot in envelopes and message authors."""

    id: int
    handle: str
    display_name: str
    avatar_url: str | None = None


class User(WireModel):
    id: int
    handle: str
    display_name: str
    avatar_url: str | None = None
    bot: bool = False
    is_moderator: bool = False
    created_at: Timestamp
    about: str = ""
    status_text: str | None = None
    flags: list[str] = Field(default_factory=list)  # D.32: suspended | deleted | banned | spam
    raw_flags: int = 0
    reputation: int = 1


class Room(WireModel):
    id: int
    name: str
    description: str = ""
    topic: str = ""
    kind: RoomKind = "text"
    access_mode: AccessMode = "public"
    owner_id: int | None = None
    space_id: int | None = None
    member_count: int = 0
    created_at: Timestamp
    allow_actions: bool = True
    edit_window_s: int = 0
    tags: list[str] = Field(default_factory=list)
    custom_id: str | None = None
    slug: str | None = None
    allow_entry: bool = True
    is_open: bool = True
    max_reports: int = 3
    position: int = 0
    # The moderation pipeline (issue 6): pre/post moderation, the profanity filter, slow
    # mode and the broadcast delay (seconds), hiding at the report threshold, and when
    # a running timeout (freeze) ends.
    moderation: Literal["none", "pre", "post"] = "none"
    profanity_filter: bool = True
    throttle_seconds: int = 0
    delay_message_seconds: int = 0
    hide_on_report_threshold: bool = False
    timeout_ends_at: Timestamp | None = None
    # DMs and groups only: their members, in the order they joined (a DM has no name).
    recipients: list[Actor] | None = None


AccessLevel = Literal["none", "request", "read_only", "read_write", "owner"]


class Member(WireModel):
    room_id: int
    user: Actor
    role: MemberRole = "member"
    level: AccessLevel = "read_write"
    joined_at: Timestamp


class ReplyRef(WireModel):
    id: int
    author: Actor | None = None
    excerpt: str = ""


class Reaction(WireModel):
    """One emoji's aggregate on a message. `me` is set only in per-viewer reads."""

    emoji: str
    count: int
    user_ids: list[int] = Field(default_factory=list)
    me: bool | None = None


class Attachment(WireModel):
    """An uploaded file; `url` is relative to the server (GET it with the token)."""

    id: int
    filename: str
    content_type: str
    size: int
    url: str


class EmbedField(WireModel):
    name: str
    value: str
    inline: bool = False


class Embed(WireModel):
    """Rich content appended to a message by its author or a bot. Text is plain text."""

    title: str | None = None
    description: str | None = None
    url: str | None = None
    image_url: str | None = None
    colour: int | None = None
    fields: list[EmbedField] = Field(default_factory=list)


class QuoteRef(WireModel):
    """The quoted message as embedded in a quote (a snapshot), with the quote's fields."""

    id: int
    room_id: int | None = None
    author: Actor | None = None
    content_text: str = ""
    custom_field1: str | None = None
    custom_field2: str | None = None
    custom_tags: list[str] = Field(default_factory=list)


class Ad(WireModel):
    message: str | None = None
    img: str
    link: str
    id: str | None = None


class Message(WireModel):
    id: int
    room_id: int
    space_id: int | None = None
    author: Actor | None = None
    type: MessageType = "speech"
    content: str
    content_html: str = ""
    content_text: str = ""
    reply_to: ReplyRef | None = None
    parent_id: int | None = None
    show_parent: bool = False
    quote_of: QuoteRef | None = None
    mentions: list[int] = Field(default_factory=list)
    attachments: list[Attachment] = Field(default_factory=list)
    embeds: list[Embed] = Field(default_factory=list)
    custom_type: str | None = None
    custom_id: str | None = None
    custom_payload: Any = None
    ad: Ad | None = None
    nonce: str | None = None
    stars: int = 0
    # Per viewer (REST reads); absent from the shared copy inside events.
    starred_by_you: bool | None = None
    pinned: bool = False
    pin_count: int = 0
    pinned_at: Timestamp | None = None
    edit_count: int = 0
    reactions: list[Reaction] = Field(default_factory=list)
    moderation_state: Literal["na", "pending", "approved", "rejected"] = "na"
    # The moderation pipeline (issue 6): hidden (pending, rejected, deleted) is not active
    # (D.68); masked by the profanity filter. Moderators' copies alone carry
    # `original_content` (of a censored message), `shadowbanned: true` and `report_count`:
    # kept as extra fields, never declared, so that no one else's copy shows them even as
    # null.
    active: bool = True
    censored: bool = False
    deleted: bool = False
    created_at: Timestamp
    ts: int
    edited_at: Timestamp | None = None
    modified_at: Timestamp | None = None
    edited_by_moderator: bool = False


class MessagePage(WireModel):
    messages: list[Message]
    has_more: bool
    # Whether older / newer messages exist beyond this page (every page mode, `around` too).
    has_more_before: bool = False
    has_more_after: bool = False


class Revision(WireModel):
    """One version of a message; `replaced_*` say when and by whom it was edited away."""

    revision: int
    content: str
    content_html: str = ""
    content_text: str = ""
    custom_payload: Any = None
    created_at: Timestamp
    replaced_at: Timestamp | None = None
    replaced_by: int | None = None
    current: bool = False


class RevisionList(WireModel):
    message_id: int
    revisions: list[Revision]


NotificationKind = Literal[
    "mention", "reply", "invitation", "access_request", "kick", "global", "scheduled_event"
]


class Notification(WireModel):
    """EVENTS.md C.2 #70, plus `read`."""

    id: int
    kind: NotificationKind | str
    room_id: int | None = None
    room_name: str | None = None
    message_id: int | None = None
    actor: Actor | None = None
    content_html: str = ""
    content_text: str = ""
    data: dict[str, Any] = Field(default_factory=dict)
    created_at: Timestamp
    read: bool = False


class NotificationPage(WireModel):
    notifications: list[Notification]
    has_more: bool
    unread_count: int = 0


class SearchResult(WireModel):
    message: Message
    # A fragment of the message's text as safe HTML: escaped, with <mark> around the hits.
    highlight: str = ""


class SearchPage(WireModel):
    results: list[SearchResult]
    has_more: bool
    cursor: str | None = None


class ReadState(WireModel):
    """How far a user has read in one room (D.43)."""

    room_id: int
    last_read_message_id: int | None = None
    unread_count: int = 0
    mention_count: int = 0


class CommandResult(WireModel):
    """What a chat command did (MS-17, EVENTS.md #71): the REST answer of
    POST /rooms/{id}/commands and the body of `command.completed`. `result` by op:
    help `{commands}`, me `{action}`, shrug `{speech}` (messages), topic `{room}`,
    purge `{user, deleted_count}`. Refusals are typed errors, so `ok` is true."""

    op: str
    ok: bool = True
    message: str = ""
    result: dict[str, Any] = Field(default_factory=dict)


class Envelope(WireModel):
    """One event on the wire (EVENTS.md C.1). Ephemeral events have `seq = None`."""

    seq: int | None = None
    type: str
    ts: int
    at: Timestamp
    space_id: int | None = None
    room_id: int | None = None
    actor: Actor | None = None
    data: dict[str, Any] = Field(default_factory=dict)


class EventPage(WireModel):
    events: list[Envelope]
    cursor: str
    more: bool


class AuthResult(WireModel):
    user: User
    token: str


class ErrorBody(BaseModel):
    code: str
    message: str
    details: dict[str, Any] = Field(default_factory=dict)


class ErrorResponse(BaseModel):
    error: ErrorBody

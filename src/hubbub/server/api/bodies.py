"""Request bodies. Unknown fields are refused so that a typo is an error, not a no-op.
Text never holds NUL (U+0000): PostgreSQL cannot store it, so it is refused here on every
backend alike (a 422, not a 500 from the database)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from hubbub.server.services import content as content_rules


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any, info: ValidationInfo) -> Any:
        # `Any` fields (custom_payload) are JSON, stored with NUL escaped: left alone.
        field = cls.model_fields.get(info.field_name or "")
        if field is not None and field.annotation is Any:
            return value
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(t, str) and "\x00" in t for t in texts):
            raise ValueError("text must not contain NUL (U+0000) characters")
        return value


class Credentials(Body):
    username: str = Field(max_length=64)
    password: str = Field(max_length=1024)


class Registration(Credentials):
    display_name: str | None = Field(default=None, max_length=256)


class BotCreate(Body):
    username: str = Field(max_length=64)
    display_name: str | None = Field(default=None, max_length=256)


class RoomSettings(Body):
    """Settings shared by create and update; the service checks values and gives each
    refusal its own code (invalid_tag, invalid_custom_id, invalid_kind, …)."""

    description: str | None = Field(default=None, max_length=10_000)
    topic: str | None = Field(default=None, max_length=10_000)
    tags: list[str] | None = Field(default=None, max_length=100)
    custom_id: str | None = Field(default=None, max_length=1000)
    slug: str | None = Field(default=None, max_length=1000)  # alias of custom_id (D.82)
    access_mode: Literal["public", "gallery", "private"] | None = None
    allow_entry: bool | None = None
    is_open: bool | None = None
    max_reports: int | None = None
    position: int | None = None
    allow_actions: bool | None = None
    edit_window_s: int | None = Field(default=None, ge=0)
    # The message pipeline (issue 6); the service checks the ranges (invalid_throttle, …).
    moderation: str | None = Field(default=None, max_length=32)
    profanity_filter: bool | None = None
    throttle_seconds: int | None = None
    delay_message_seconds: int | None = None
    hide_on_report_threshold: bool | None = None


class RoomCreate(RoomSettings):
    name: str = Field(max_length=1000)
    kind: str | None = Field(default=None, max_length=32)
    space_id: int | None = Field(default=None, ge=1, le=2**63 - 1)


class RoomUpdate(RoomSettings):
    name: str | None = Field(default=None, max_length=1000)


class QuoteOf(Body):
    id: int = Field(ge=1, le=2**63 - 1)
    custom_field1: str | None = Field(default=None, max_length=10_000)
    custom_field2: str | None = Field(default=None, max_length=10_000)
    custom_tags: list[str] = Field(default_factory=list, max_length=1000)


class Ad(Body):
    message: str | None = Field(default=None, max_length=10_000)
    img: str = Field(max_length=10_000)
    link: str = Field(max_length=10_000)
    id: str | None = Field(default=None, max_length=1000)


MessageType = Literal[
    "speech", "reply", "quote", "action", "announcement", "ad", "custom", "system"
]


class MessageCreate(Body):
    # The character limit is a setting, checked by the service; this only bounds parsing.
    # Empty content is refused by the service except for ad, custom and quote messages.
    content: str = Field(default="", max_length=1_000_000)
    nonce: str | None = Field(default=None, max_length=1000)
    reply_to: int | None = Field(default=None, ge=1)
    # Content area (services.content): message types and their fields.
    type: MessageType | None = None
    custom_type: str | None = Field(default=None, max_length=1000)
    custom_id: str | None = Field(default=None, max_length=1000)
    custom_payload: Any = None  # any JSON (or a string holding JSON), ≤ 16 KiB
    quote_of: QuoteOf | None = None
    ad: Ad | None = None
    # ISO 8601; only for tokens with the import permission (D.71).
    created_at: str | None = Field(default=None, max_length=64)
    # Upload ids from POST /rooms/{id}/attachments (the sender's own, not yet attached).
    attachments: list[int] = Field(default_factory=list, max_length=100)

    def extras(self) -> content_rules.Extras:
        return content_rules.Extras(
            type=self.type,
            custom_type=self.custom_type,
            custom_id=self.custom_id,
            custom_payload=self.custom_payload,
            quote_of=None if self.quote_of is None else self.quote_of.model_dump(),
            ad=None if self.ad is None else self.ad.model_dump(),
            created_at=self.created_at,
            attachments=tuple(self.attachments),
        )


class MessageEdit(Body):
    content: str | None = Field(default=None, max_length=1_000_000)
    custom_payload: Any = None

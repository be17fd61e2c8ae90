"""Request bodies. Unknown fields are refused so that a typo is an error, not a no-op."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Credentials(Body):
    username: str = Field(max_length=64)
    password: str = Field(max_length=1024)


class Registration(Credentials):
    display_name: str | None = Field(default=None, max_length=256)


class BotCreate(Body):
    username: str = Field(max_length=64)
    display_name: str | None = Field(default=None, max_length=256)


class RoomCreate(Body):
    name: str = Field(max_length=1000)
    description: str | None = Field(default=None, max_length=10_000)
    topic: str | None = Field(default=None, max_length=10_000)
    access_mode: Literal["public", "private"] | None = None


class RoomUpdate(Body):
    name: str | None = Field(default=None, max_length=1000)
    description: str | None = Field(default=None, max_length=10_000)
    topic: str | None = Field(default=None, max_length=10_000)
    access_mode: Literal["public", "private"] | None = None


class MessageCreate(Body):
    # The character limit is a setting, checked by the service; this only bounds parsing.
    content: str = Field(max_length=1_000_000)
    nonce: str | None = Field(default=None, max_length=1000)
    reply_to: int | None = Field(default=None, ge=1)


class MessageEdit(Body):
    content: str = Field(max_length=1_000_000)


class RoomList(BaseModel):
    rooms: list[dict[str, object]]
    has_more: bool

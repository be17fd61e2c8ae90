"""Tables of issue 3's lifecycle area (see migrations/versions/0004_lifecycle.py).

Bulk deletes and moves need no table of their own: they tombstone messages and change
`messages.room_id` (ids are global, so a moved message keeps its id).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from hubbub.server.store.schema import metadata

# Rich embeds appended to a message after it was sent (by its author or a bot). `data` is
# the validated embed as JSON text; `position` keeps the order they were appended in.
embeds = Table(
    "embeds",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("message_id", BigInteger, ForeignKey("messages.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("data", Text, nullable=False),
    Column("created_by", BigInteger, ForeignKey("users.id"), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    # The append's nonce (on each of its rows): a retried append changes nothing.
    Column("nonce", String(64), nullable=True),
    Index("ix_embeds_message", "message_id", "position"),
)

# Uploaded files. An upload belongs to a room (only its readers may download it) and is
# unattached (`message_id` NULL) until a message carries it; unattached uploads older than
# a day are garbage-collected. The bytes live in the storage backend under `storage_key`.
attachments = Table(
    "attachments",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("room_id", BigInteger, ForeignKey("rooms.id"), nullable=False),
    Column("uploader_id", BigInteger, ForeignKey("users.id"), nullable=False),
    Column("message_id", BigInteger, ForeignKey("messages.id"), nullable=True),
    Column("filename", String(255), nullable=False),
    Column("content_type", String(127), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("storage_key", String(255), nullable=False),
    Column("nonce", String(64), nullable=True),
    Column("created_at", BigInteger, nullable=False),
    Index("ix_attachments_message", "message_id"),
    Index("ix_attachments_unattached", "message_id", "created_at"),
    # A retried upload with the same nonce returns the first one instead of a copy.
    UniqueConstraint("uploader_id", "nonce", name="uq_attachments_uploader_nonce"),
)

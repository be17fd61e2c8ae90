"""Tables of issue 3's content area (see migrations/versions/*_content.py)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Table

from hubbub.server.store.schema import metadata

# Who a message mentions (`@handle`), for notifications and unread-mention counts.
mentions = Table(
    "mentions",
    metadata,
    Column("message_id", BigInteger, ForeignKey("messages.id"), primary_key=True),
    Column("user_id", BigInteger, ForeignKey("users.id"), primary_key=True),
    Column("room_id", BigInteger, nullable=False),
    Index("ix_mentions_user_room", "user_id", "room_id", "message_id"),
)

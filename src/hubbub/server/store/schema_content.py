"""Tables of issue 3's content area (see migrations/versions/*_content.py).

Columns the area adds to `messages`, `rooms` and `tokens` are in schema.py with their
tables; these are the area's own tables.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, String, Table, Text

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

# A user's inbox: mention and reply notifications (and, later, invitations, kicks, …).
# `payload` is the wire object of EVENTS.md C.2 #70 as created (a snapshot), as JSON text.
notifications = Table(
    "notifications",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("user_id", BigInteger, ForeignKey("users.id"), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("room_id", BigInteger, nullable=True),
    Column("message_id", BigInteger, nullable=True),
    Column("actor_id", BigInteger, nullable=True),
    Column("payload", Text, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("read_at", BigInteger, nullable=True),
    # Issue 5 (0007): a copy of another notification, whose id it carries on the wire: a
    # global notification is one canonical row (in Feeds' inbox) plus one copy per user.
    Column("ref_id", BigInteger, nullable=True),
    Index("ix_notifications_user", "user_id", "id"),
)

# Every earlier version of an edited message: the content each edit replaced.
message_revisions = Table(
    "message_revisions",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("message_id", BigInteger, ForeignKey("messages.id"), nullable=False),
    # 0 = the original; revision n was current from edit n until edit n + 1.
    Column("revision", Integer, nullable=False),
    Column("content", Text, nullable=False),
    Column("content_html", Text, nullable=False),
    Column("content_text", Text, nullable=False),
    Column("custom_payload", Text, nullable=True),
    Column("created_at", BigInteger, nullable=False),  # when this version became current
    Column("replaced_at", BigInteger, nullable=False),
    Column("replaced_by", BigInteger, nullable=False),  # who made the edit that replaced it
    Index("ix_message_revisions_message", "message_id", "revision", unique=True),
)

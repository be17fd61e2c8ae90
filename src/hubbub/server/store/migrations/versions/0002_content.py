"""Issue 3, message types, mentions, notifications.

Adds to `messages` the columns of message types (custom_*, quote_of, ad), D.11's
parent_id, edits (edited_by_moderator) and imports (received_at); to `rooms` the
`allow_actions` and `edit_window_s` settings; to `tokens` their `permissions`. New tables:
mentions, notifications, message_revisions. Columns are only added (and, going down,
dropped), which SQLite does in place: `recreate="never"` keeps batch mode from copying
`rooms` (which other tables reference: the copy's DROP would break their foreign keys)
or the whole of `messages`.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("messages", recreate="never") as batch:
        batch.add_column(sa.Column("custom_type", sa.String(64), nullable=True))
        batch.add_column(sa.Column("custom_id", sa.String(128), nullable=True))
        batch.add_column(sa.Column("custom_payload", sa.Text, nullable=True))
        batch.add_column(sa.Column("quote_of", sa.Text, nullable=True))
        batch.add_column(sa.Column("ad", sa.Text, nullable=True))
        batch.add_column(sa.Column("parent_id", sa.BigInteger, nullable=True))
        batch.add_column(
            sa.Column("edited_by_moderator", sa.Boolean, nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("received_at", sa.BigInteger, nullable=True))
    op.create_index("ix_messages_room_author", "messages", ["room_id", "author_id", "id"])

    with op.batch_alter_table("rooms", recreate="never") as batch:
        batch.add_column(
            sa.Column("allow_actions", sa.Boolean, nullable=False, server_default=sa.true())
        )
        batch.add_column(sa.Column("edit_window_s", sa.Integer, nullable=False, server_default="0"))

    with op.batch_alter_table("tokens", recreate="never") as batch:
        batch.add_column(
            sa.Column("permissions", sa.String(256), nullable=False, server_default="")
        )

    # After the batch copies of `messages`: nothing references it while it is rebuilt.
    op.create_table(
        "mentions",
        sa.Column("message_id", sa.BigInteger, sa.ForeignKey("messages.id"), primary_key=True),
        sa.Column("user_id", sa.BigInteger, sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("room_id", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_mentions_user_room", "mentions", ["user_id", "room_id", "message_id"])

    op.create_table(
        "notifications",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.BigInteger, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("room_id", sa.BigInteger, nullable=True),
        sa.Column("message_id", sa.BigInteger, nullable=True),
        sa.Column("actor_id", sa.BigInteger, nullable=True),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("read_at", sa.BigInteger, nullable=True),
    )
    op.create_index("ix_notifications_user", "notifications", ["user_id", "id"])

    op.create_table(
        "message_revisions",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("message_id", sa.BigInteger, sa.ForeignKey("messages.id"), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("content_html", sa.Text, nullable=False),
        sa.Column("content_text", sa.Text, nullable=False),
        sa.Column("custom_payload", sa.Text, nullable=True),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("replaced_at", sa.BigInteger, nullable=False),
        sa.Column("replaced_by", sa.BigInteger, nullable=False),
    )
    op.create_index(
        "ix_message_revisions_message",
        "message_revisions",
        ["message_id", "revision"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_table("message_revisions")
    op.drop_table("notifications")
    with op.batch_alter_table("tokens", recreate="never") as batch:
        batch.drop_column("permissions")
    with op.batch_alter_table("rooms", recreate="never") as batch:
        batch.drop_column("edit_window_s")
        batch.drop_column("allow_actions")
    op.drop_index("ix_messages_room_author", table_name="messages")
    with op.batch_alter_table("messages", recreate="never") as batch:
        for column in (
            "received_at",
            "edited_by_moderator",
            "parent_id",
            "ad",
            "quote_of",
            "custom_payload",
            "custom_id",
            "custom_type",
        ):
            batch.drop_column(column)
    op.drop_table("mentions")

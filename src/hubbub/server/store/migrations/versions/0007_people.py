"""Issue 5: people. Profiles, presence, flags, merges and deletion on users; session
metadata on tokens; DMs; room activity and mutes; relationships, settings, invitations,
broadcasts; OBSERVERS fan-out on events; the reserved system users.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")
# Literal copies of services' constants: a migration keeps meaning what it meant.
_SYSTEM_USERS = [(-1, "community", "Community"), (-2, "feeds", "Feeds")]


def _fk(table: str) -> sa.ForeignKey:
    return sa.ForeignKey(f"{table}.id")


def upgrade() -> None:
    user_columns: list[sa.Column[object]] = [
        sa.Column("about", sa.Text, nullable=False, server_default=""),
        sa.Column("status_text", sa.String(128), nullable=True),
        sa.Column("presence", sa.String(16), nullable=False, server_default="online"),
        sa.Column("last_seen_at", sa.BigInteger, nullable=True),
        sa.Column("flags", sa.Integer, nullable=False, server_default="0"),
        sa.Column("reputation", sa.Integer, nullable=False, server_default="1"),
        sa.Column("merged_into", sa.BigInteger, nullable=True),
        sa.Column("deleted_at", sa.BigInteger, nullable=True),
    ]
    for column in user_columns:
        op.add_column("users", column)
    op.add_column("tokens", sa.Column("client", sa.String(64), nullable=False, server_default=""))
    op.add_column("tokens", sa.Column("ip", sa.String(64), nullable=True))
    op.add_column("rooms", sa.Column("dm_key", sa.String(64), nullable=True))
    op.create_index("uq_rooms_dm_key", "rooms", ["dm_key"], unique=True)
    op.add_column("room_members", sa.Column("last_active_at", sa.BigInteger, nullable=True))
    op.add_column(
        "room_members",
        sa.Column("muted", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_messages_author", "messages", ["author_id", "id"])
    op.add_column("events", sa.Column("fanout", sa.Text, nullable=True))
    op.create_table(
        "event_fanout",
        sa.Column("kind", sa.String(1), primary_key=True),
        sa.Column("key", sa.BigInteger, primary_key=True),
        sa.Column("seq", sa.BigInteger, primary_key=True),
    )
    op.create_table(
        "relationships",
        sa.Column("user_id", sa.BigInteger, _fk("users"), primary_key=True),
        sa.Column("other_id", sa.BigInteger, _fk("users"), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_relationships_other", "relationships", ["other_id"])
    op.create_table(
        "user_settings",
        sa.Column("user_id", sa.BigInteger, _fk("users"), primary_key=True),
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("updated_at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "invitations",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("room_id", sa.BigInteger, nullable=True),
        sa.Column("space_id", sa.BigInteger, nullable=True),
        sa.Column("inviter_id", sa.BigInteger, _fk("users"), nullable=False),
        sa.Column("invitee_id", sa.BigInteger, _fk("users"), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("notification_id", sa.BigInteger, nullable=True),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("responded_at", sa.BigInteger, nullable=True),
    )
    op.create_index("ix_invitations_invitee", "invitations", ["invitee_id", "status"])
    op.create_table(
        "broadcasts",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("actor_id", sa.BigInteger, nullable=True),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("content_html", sa.Text, nullable=False),
        sa.Column("content_text", sa.Text, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )
    # Inbox (notifications helper): a per-user copy of a global notification names the
    # canonical row whose id it carries on the wire.
    op.add_column("notifications", sa.Column("ref_id", sa.BigInteger, nullable=True))
    # Presence (presence helper): the last logged effective status per user.
    op.create_table(
        "presence_states",
        sa.Column("user_id", sa.BigInteger, _fk("users"), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("generation", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("changed_at", sa.BigInteger, nullable=False),
    )
    users = sa.table(
        "users",
        sa.column("id", sa.BigInteger),
        sa.column("handle", sa.String),
        sa.column("handle_key", sa.String),
        sa.column("display_name", sa.String),
        sa.column("bot", sa.Boolean),
        sa.column("created_at", sa.BigInteger),
    )
    op.bulk_insert(
        users,
        [
            {
                "id": uid,
                "handle": handle,
                "handle_key": handle,
                "display_name": name,
                "bot": True,
                "created_at": 0,
            }
            for uid, handle, name in _SYSTEM_USERS
        ],
    )


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM users WHERE id < 0"))
    op.drop_table("presence_states")  # presence helper
    with op.batch_alter_table("notifications") as batch:
        batch.drop_column("ref_id")
    for table in ("broadcasts", "invitations", "user_settings", "relationships"):
        op.drop_table(table)
    op.drop_table("event_fanout")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("fanout")
    op.drop_index("ix_messages_author", "messages")
    with op.batch_alter_table("room_members") as batch:
        batch.drop_column("muted")
        batch.drop_column("last_active_at")
    op.drop_index("uq_rooms_dm_key", "rooms")
    with op.batch_alter_table("rooms") as batch:
        batch.drop_column("dm_key")
    with op.batch_alter_table("tokens") as batch:
        batch.drop_column("ip")
        batch.drop_column("client")
    with op.batch_alter_table("users") as batch:
        for name in (
            "deleted_at",
            "merged_into",
            "reputation",
            "flags",
            "last_seen_at",
            "presence",
            "status_text",
            "about",
        ):
            batch.drop_column(name)

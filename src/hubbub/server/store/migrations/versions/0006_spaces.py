"""Issue 4: spaces, roles, overrides, invites, bans, emojis, webhooks, audit log, access
requests; room settings, member access levels, staff, webhook-authored messages.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def _fk(table: str) -> sa.ForeignKey:
    return sa.ForeignKey(f"{table}.id")


def upgrade() -> None:
    op.add_column(
        "users",
        sa.Column("is_moderator", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    room_columns: list[sa.Column[object]] = [
        sa.Column("tags", sa.Text, nullable=False, server_default="[]"),
        sa.Column("custom_id", sa.String(128), nullable=True),
        sa.Column("custom_id_key", sa.String(128), nullable=True),
        sa.Column("allow_entry", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("is_open", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("max_reports", sa.Integer, nullable=False, server_default="3"),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
    ]
    for column in room_columns:
        op.add_column("rooms", column)
    op.create_index("ix_rooms_space", "rooms", ["space_id"])
    op.create_index("uq_rooms_custom_id_key", "rooms", ["custom_id_key"], unique=True)
    op.add_column(
        "room_members",
        sa.Column("level", sa.String(16), nullable=False, server_default="read_write"),
    )
    op.add_column("room_members", sa.Column("perms", sa.BigInteger, nullable=True))
    op.create_index("ix_events_space_seq", "events", ["space_id", "seq"])
    op.add_column("messages", sa.Column("webhook_id", sa.BigInteger, nullable=True))
    op.add_column("messages", sa.Column("author_override", sa.Text, nullable=True))

    op.create_table(
        "spaces",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("icon_url", sa.Text, nullable=True),
        sa.Column("owner_id", sa.BigInteger, _fk("users"), nullable=False),
        sa.Column("system_room_id", sa.BigInteger, nullable=True),
        sa.Column("flags", sa.Integer, nullable=False),
        sa.Column("default_permissions", sa.BigInteger, nullable=False),
        sa.Column("open", sa.Boolean, nullable=False),
        sa.Column("categories", sa.Text, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("deleted_at", sa.BigInteger, nullable=True),
    )
    op.create_table(
        "space_members",
        sa.Column("space_id", sa.BigInteger, _fk("spaces"), primary_key=True),
        sa.Column("user_id", sa.BigInteger, _fk("users"), primary_key=True),
        sa.Column("nickname", sa.String(64), nullable=True),
        sa.Column("avatar_url", sa.Text, nullable=True),
        sa.Column("joined_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_space_members_user", "space_members", ["user_id"])
    op.create_table(
        "roles",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("space_id", sa.BigInteger, _fk("spaces"), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("permissions", sa.BigInteger, nullable=False),
        sa.Column("colour", sa.String(32), nullable=True),
        sa.Column("hoist", sa.Boolean, nullable=False),
        sa.Column("rank", sa.Integer, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_roles_space", "roles", ["space_id", "rank"])
    op.create_table(
        "space_member_roles",
        sa.Column("space_id", sa.BigInteger, _fk("spaces"), primary_key=True),
        sa.Column("user_id", sa.BigInteger, _fk("users"), primary_key=True),
        sa.Column("role_id", sa.BigInteger, _fk("roles"), primary_key=True),
    )
    op.create_index("ix_space_member_roles_role", "space_member_roles", ["role_id"])
    op.create_table(
        "room_overrides",
        sa.Column("room_id", sa.BigInteger, _fk("rooms"), primary_key=True),
        sa.Column("target_type", sa.String(8), primary_key=True),
        sa.Column("target_id", sa.BigInteger, primary_key=True),
        sa.Column("allow", sa.BigInteger, nullable=False),
        sa.Column("deny", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "space_bans",
        sa.Column("space_id", sa.BigInteger, _fk("spaces"), primary_key=True),
        sa.Column("user_id", sa.BigInteger, _fk("users"), primary_key=True),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("actor_id", sa.BigInteger, _fk("users"), nullable=True),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "invites",
        sa.Column("code", sa.String(32), primary_key=True),
        sa.Column("space_id", sa.BigInteger, _fk("spaces"), nullable=False),
        sa.Column("creator_id", sa.BigInteger, _fk("users"), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("expires_at", sa.BigInteger, nullable=True),
        sa.Column("max_uses", sa.Integer, nullable=True),
        sa.Column("uses", sa.Integer, nullable=False),
        sa.Column("revoked_at", sa.BigInteger, nullable=True),
    )
    op.create_index("ix_invites_space", "invites", ["space_id"])
    op.create_table(
        "emojis",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("space_id", sa.BigInteger, _fk("spaces"), nullable=False),
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("creator_id", sa.BigInteger, _fk("users"), nullable=False),
        sa.Column("animated", sa.Boolean, nullable=False),
        sa.Column("content_type", sa.String(127), nullable=False),
        sa.Column("storage_key", sa.String(255), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("deleted_at", sa.BigInteger, nullable=True),
    )
    op.create_index("ix_emojis_space", "emojis", ["space_id", "name"])
    op.create_table(
        "webhooks",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("room_id", sa.BigInteger, _fk("rooms"), nullable=False),
        sa.Column("user_id", sa.BigInteger, _fk("users"), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("avatar_url", sa.Text, nullable=True),
        sa.Column("creator_id", sa.BigInteger, _fk("users"), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("permissions", sa.BigInteger, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("deleted_at", sa.BigInteger, nullable=True),
    )
    op.create_index("ix_webhooks_room", "webhooks", ["room_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("scope", sa.String(8), nullable=False),
        sa.Column("scope_id", sa.BigInteger, nullable=False),
        sa.Column("space_id", sa.BigInteger, nullable=True),
        sa.Column("room_id", sa.BigInteger, nullable=True),
        sa.Column("action", sa.String(48), nullable=False),
        sa.Column("actor_id", sa.BigInteger, nullable=True),
        sa.Column("target_type", sa.String(16), nullable=True),
        sa.Column("target_id", sa.BigInteger, nullable=True),
        sa.Column("before", sa.Text, nullable=True),
        sa.Column("after", sa.Text, nullable=True),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_audit_scope", "audit_log", ["scope", "scope_id", "id"])
    op.create_table(
        "access_requests",
        sa.Column("room_id", sa.BigInteger, _fk("rooms"), primary_key=True),
        sa.Column("user_id", sa.BigInteger, _fk("users"), primary_key=True),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "access_requests",
        "audit_log",
        "webhooks",
        "emojis",
        "invites",
        "space_bans",
        "room_overrides",
        "space_member_roles",
        "roles",
        "space_members",
        "spaces",
    ):
        op.drop_table(table)
    op.drop_index("ix_events_space_seq", "events")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("author_override")
        batch.drop_column("webhook_id")
    with op.batch_alter_table("room_members") as batch:
        batch.drop_column("perms")
        batch.drop_column("level")
    op.drop_index("uq_rooms_custom_id_key", "rooms")
    op.drop_index("ix_rooms_space", "rooms")
    with op.batch_alter_table("rooms") as batch:
        for name in (
            "position",
            "max_reports",
            "is_open",
            "allow_entry",
            "custom_id_key",
            "custom_id",
            "tags",
        ):
            batch.drop_column(name)
    with op.batch_alter_table("users") as batch:
        batch.drop_column("is_moderator")

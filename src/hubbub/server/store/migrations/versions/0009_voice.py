"""Issue 8: voice state and scheduled events. Voice states (one row per user in voice),
scheduled events with their reminder claim, RSVPs; every space's default permissions gain
`connect` (1 << 18), as new spaces' do.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")
CONNECT = 1 << 18


def _fk(table: str) -> sa.ForeignKey:
    return sa.ForeignKey(f"{table}.id")


def _flag(name: str) -> sa.Column[bool]:
    return sa.Column(name, sa.Boolean, nullable=False, server_default=sa.false())


def upgrade() -> None:
    op.create_table(
        "voice_states",
        sa.Column("user_id", sa.BigInteger, _fk("users"), primary_key=True),
        sa.Column("room_id", sa.BigInteger, _fk("rooms"), nullable=False),
        sa.Column("joined_at", sa.BigInteger, nullable=False),
        _flag("self_mute"),
        _flag("self_deaf"),
        _flag("server_mute"),
        _flag("server_deaf"),
        _flag("camera"),
        _flag("screensharing"),
        sa.Column("node", sa.String(256), nullable=False, server_default=""),
    )
    op.create_index("ix_voice_states_room", "voice_states", ["room_id"])
    op.create_table(
        "scheduled_events",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("room_id", sa.BigInteger, _fk("rooms"), nullable=False),
        sa.Column("creator_id", sa.BigInteger, _fk("users"), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        sa.Column("starts_at", sa.BigInteger, nullable=False),
        sa.Column("ends_at", sa.BigInteger, nullable=False),
        sa.Column("reminder_minutes", sa.Integer, nullable=False, server_default="15"),
        sa.Column("remind_at", sa.BigInteger, nullable=True),
        sa.Column("reminded_at", sa.BigInteger, nullable=True),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.BigInteger, nullable=True),
    )
    op.create_index("ix_scheduled_events_room", "scheduled_events", ["room_id", "starts_at"])
    op.create_index("ix_scheduled_events_remind", "scheduled_events", ["reminded_at", "remind_at"])
    op.create_table(
        "scheduled_event_rsvps",
        sa.Column("event_id", sa.BigInteger, _fk("scheduled_events"), primary_key=True),
        sa.Column("user_id", sa.BigInteger, _fk("users"), primary_key=True),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_scheduled_event_rsvps_user", "scheduled_event_rsvps", ["user_id"])
    # Existing spaces' members may join voice rooms like new spaces' members.
    spaces = sa.table("spaces", sa.column("default_permissions", sa.BigInteger))
    op.execute(
        spaces.update().values(default_permissions=spaces.c.default_permissions.op("|")(CONNECT))
    )


def downgrade() -> None:
    op.drop_index("ix_scheduled_event_rsvps_user", "scheduled_event_rsvps")
    op.drop_table("scheduled_event_rsvps")
    op.drop_index("ix_scheduled_events_remind", "scheduled_events")
    op.drop_index("ix_scheduled_events_room", "scheduled_events")
    op.drop_table("scheduled_events")
    op.drop_index("ix_voice_states_room", "voice_states")
    op.drop_table("voice_states")

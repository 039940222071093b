"""coach dashboard: logins, partner consent, escalation notes, audit log, weekly rollups

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

UUID = postgresql.UUID(as_uuid=True)
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("users", sa.Column("username", sa.String(120), nullable=True))
    op.create_unique_constraint("users_username_key", "users", ["username"])
    op.add_column("users", sa.Column("password_hash", sa.String(255), nullable=True))
    op.add_column(
        "users",
        sa.Column(
            "coach_can_read_text", sa.Boolean(), nullable=False, server_default=sa.text("false")
        ),
    )
    op.add_column("users", sa.Column("consent_updated_at", TS, nullable=True))
    op.create_table(
        "escalation_notes",
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=True),
        sa.Column("escalation_id", UUID, sa.ForeignKey("escalations.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("author_id", UUID, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("note", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.CheckConstraint("action IN ('acknowledge', 'resolve', 'note')", name="action_known"),
    )  # fmt: skip
    op.create_index("ix_escalation_notes_escalation_id", "escalation_notes", ["escalation_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=True),
        sa.Column("actor_id", UUID, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("actor_role", sa.String(16), nullable=False),
        sa.Column("action", sa.String(48), nullable=False),
        sa.Column("subject_type", sa.String(24)),
        sa.Column("subject_id", sa.String(64)),
        sa.Column("couple_id", UUID),
        sa.Column("ip", sa.String(64)),
        sa.Column("user_agent", sa.String(200)),
        sa.Column("details", postgresql.JSONB(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_audit_log_created_at", "audit_log", ["created_at"])
    op.create_index("ix_audit_log_actor_id", "audit_log", ["actor_id"])
    op.create_table(
        "dashboard_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", UUID, sa.ForeignKey("users.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("ip", sa.String(64)),
    )  # fmt: skip
    op.create_index("ix_dashboard_sessions_user_id", "dashboard_sessions", ["user_id"])
    op.create_table(
        "weekly_rollups",
        sa.Column("couple_id", UUID, sa.ForeignKey("couples.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("week_start", sa.Date(), primary_key=True),
        sa.Column("checkins", sa.Integer(), nullable=False),
        sa.Column("partners", postgresql.JSONB(), nullable=False),
        sa.Column("mood_mean", sa.Float()),
        sa.Column("connection_mean", sa.Float()),
        sa.Column("mood_trend", sa.Float()),
        sa.Column("connection_trend", sa.Float()),
        sa.Column("patterns", postgresql.JSONB(), nullable=False),
        sa.Column("burnout_signals", postgresql.JSONB(), nullable=False),
        sa.Column("escalations", sa.Integer(), nullable=False),
        sa.Column("computed_at", TS, nullable=False),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("weekly_rollups")
    op.drop_table("dashboard_sessions")
    op.drop_table("audit_log")
    op.drop_table("escalation_notes")
    for column in ("consent_updated_at", "coach_can_read_text", "password_hash"):
        op.drop_column("users", column)
    op.drop_constraint("users_username_key", "users", type_="unique")
    op.drop_column("users", "username")

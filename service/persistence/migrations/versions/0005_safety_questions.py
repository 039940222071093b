"""safety questions: asking a partner directly whether they are safe, and their answer

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "classifications",
        sa.Column("ask_safety", sa.Boolean(), nullable=False, server_default=sa.text("false")),
    )
    op.add_column("classifications", sa.Column("ask_kind", sa.String(16), nullable=True))
    # An unanswered or declined question reaches a coach as a low-priority 'concern'.
    op.drop_constraint("severity_known", "escalations", type_="check")
    op.create_check_constraint(
        "severity_known", "escalations", "severity IN ('concern', 'elevated', 'urgent')"
    )
    op.create_table(
        "safety_questions",
        sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("user_id", postgresql.UUID(as_uuid=True),
                  sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("couple_id", postgresql.UUID(as_uuid=True),
                  sa.ForeignKey("couples.id", ondelete="SET NULL")),
        sa.Column("checkin_id", postgresql.UUID(as_uuid=True),
                  sa.ForeignKey("checkins.id", ondelete="CASCADE")),
        sa.Column("message_id", postgresql.UUID(as_uuid=True),
                  sa.ForeignKey("messages.id", ondelete="CASCADE")),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("locale", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("risk_score", sa.Float()),
        sa.Column("danger_now", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("answer", sa.String(16)),
        sa.Column("note", sa.LargeBinary()),
        sa.Column("escalation_id", postgresql.UUID(as_uuid=True),
                  sa.ForeignKey("escalations.id", ondelete="SET NULL")),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("kind IN ('self_harm', 'safety_at_home', 'child_safety')",
                           name="kind_known"),
        sa.CheckConstraint("status IN ('open', 'answered', 'expired')",
                           name="status_known"),
        sa.CheckConstraint("answer IS NULL OR answer IN ('yes', 'no', 'prefer_not')",
                           name="answer_known"),
    )  # fmt: skip
    op.create_index("ix_safety_questions_checkin_id", "safety_questions", ["checkin_id"])
    op.create_index("ix_safety_questions_message_id", "safety_questions", ["message_id"])
    op.create_index(
        "ix_safety_questions_user_kind", "safety_questions", ["user_id", "kind", "answered_at"]
    )
    op.create_index(
        "ux_safety_questions_one_open", "safety_questions", ["user_id"], unique=True,
        postgresql_where=sa.text("status = 'open'"),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("safety_questions")
    op.execute("DELETE FROM escalations WHERE severity = 'concern'")
    op.drop_constraint("severity_known", "escalations", type_="check")
    op.create_check_constraint(
        "severity_known", "escalations", "severity IN ('elevated', 'urgent')"
    )
    op.drop_column("classifications", "ask_kind")
    op.drop_column("classifications", "ask_safety")

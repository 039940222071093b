"""coaching: generations with guard verdicts, chat, coach assignments, escalations from chat

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_TEXT_ARRAY = postgresql.ARRAY(sa.Text())
_JSONB = postgresql.JSONB(astext_type=sa.Text())


def _stamp(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "coach_assignments",
        sa.Column("coach_id", sa.UUID(), nullable=False),
        sa.Column("couple_id", sa.UUID(), nullable=False),
        _stamp("created_at"),
        sa.ForeignKeyConstraint(["coach_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["couple_id"], ["couples.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("coach_id", "couple_id"),
    )
    op.create_index("ix_coach_assignments_couple_id", "coach_assignments", ["couple_id"])
    op.create_table(
        "conversations",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("couple_id", sa.UUID(), nullable=True),
        sa.Column("locale", sa.String(length=16), nullable=False),
        sa.Column("summary", sa.LargeBinary(), nullable=True),
        sa.Column("summarized_upto", sa.Integer(), nullable=False),
        _stamp("created_at"),
        _stamp("updated_at"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["couple_id"], ["couples.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_conversations_user_id", "conversations", ["user_id"])
    op.create_table(
        "messages",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("conversation_id", sa.UUID(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("risk_level", sa.String(length=16), nullable=True),
        sa.Column("risk_categories", _TEXT_ARRAY, nullable=False),
        sa.Column("citations", _TEXT_ARRAY, nullable=False),
        sa.Column("backend", sa.String(length=32), nullable=True),
        sa.Column("prompt_version", sa.String(length=64), nullable=True),
        _stamp("created_at"),
        sa.CheckConstraint("role IN ('user', 'assistant')", name="role_known"),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ux_messages_conversation_seq", "messages", ["conversation_id", "seq"], unique=True
    )
    op.create_table(
        "generations",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("checkin_id", sa.UUID(), nullable=True),
        sa.Column("message_id", sa.UUID(), nullable=True),
        sa.Column("attempt", sa.SmallInteger(), nullable=False),
        sa.Column("backend", sa.String(length=32), nullable=False),
        sa.Column("model", sa.String(length=120), nullable=True),
        sa.Column("prompt_version", sa.String(length=64), nullable=False),
        sa.Column("prompt_tokens", sa.Integer(), nullable=False),
        sa.Column("completion_tokens", sa.Integer(), nullable=False),
        sa.Column("latency_ms", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("verdict", _JSONB, nullable=False),
        _stamp("created_at"),
        sa.CheckConstraint("outcome IN ('accepted', 'rejected', 'error')", name="outcome_known"),
        sa.ForeignKeyConstraint(["checkin_id"], ["checkins.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_generations_checkin_id", "generations", ["checkin_id"])
    op.create_index("ix_generations_message_id", "generations", ["message_id"])
    op.alter_column("escalations", "checkin_id", nullable=True)
    op.add_column("escalations", sa.Column("message_id", sa.UUID(), nullable=True))
    op.add_column("escalations", sa.Column("user_id", sa.UUID(), nullable=True))
    for name in ("acknowledged_at", "resolved_at"):
        op.add_column("escalations", sa.Column(name, sa.DateTime(timezone=True), nullable=True))
    op.add_column("escalations", sa.Column("handled_by", sa.UUID(), nullable=True))
    op.create_foreign_key(
        "escalations_message_id_fkey", "escalations", "messages", ["message_id"], ["id"],
        ondelete="CASCADE",
    )  # fmt: skip
    op.create_foreign_key(
        "escalations_user_id_fkey", "escalations", "users", ["user_id"], ["id"], ondelete="CASCADE"
    )
    op.create_foreign_key(
        "escalations_handled_by_fkey", "escalations", "users", ["handled_by"], ["id"],
        ondelete="SET NULL",
    )  # fmt: skip
    op.create_unique_constraint("escalations_message_id_key", "escalations", ["message_id"])
    op.create_index("ix_escalations_user_id", "escalations", ["user_id"])
    op.create_check_constraint(
        "one_source", "escalations", "num_nonnulls(checkin_id, message_id) = 1"
    )
    # Backfill the writer of escalations opened before this revision.
    op.execute(
        "UPDATE escalations e SET user_id = c.user_id FROM checkins c WHERE c.id = e.checkin_id"
    )


def downgrade() -> None:
    op.execute("DELETE FROM escalations WHERE checkin_id IS NULL")
    op.drop_constraint("one_source", "escalations", type_="check")
    op.drop_index("ix_escalations_user_id", table_name="escalations")
    op.drop_constraint("escalations_message_id_key", "escalations", type_="unique")
    for fk in ("escalations_handled_by_fkey", "escalations_user_id_fkey",
               "escalations_message_id_fkey"):  # fmt: skip
        op.drop_constraint(fk, "escalations", type_="foreignkey")
    for column in ("handled_by", "resolved_at", "acknowledged_at", "user_id", "message_id"):
        op.drop_column("escalations", column)
    op.alter_column("escalations", "checkin_id", nullable=False)
    op.drop_table("generations")
    op.drop_index("ux_messages_conversation_seq", table_name="messages")
    op.drop_table("messages")
    op.drop_index("ix_conversations_user_id", table_name="conversations")
    op.drop_table("conversations")
    op.drop_index("ix_coach_assignments_couple_id", table_name="coach_assignments")
    op.drop_table("coach_assignments")

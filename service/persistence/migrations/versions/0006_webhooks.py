"""webhook integrations: clients, external user mappings, inbound receipts, idempotency keys,
outbound subscriptions, deliveries and their attempt log

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

UUID = postgresql.UUID(as_uuid=True)
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("outbox_events", sa.Column("checkin_id", UUID, nullable=True))
    op.create_table(
        "integrations",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("scopes", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("secret", sa.LargeBinary(), nullable=False),
        sa.Column("previous_secret", sa.LargeBinary()),
        sa.Column("previous_secret_expires_at", TS),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("disabled_at", TS),
        sa.CheckConstraint("status IN ('active', 'disabled')", name="status_known"),
    )
    op.create_table(
        "integration_users",
        sa.Column("integration_id", UUID, sa.ForeignKey("integrations.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("external_user_id", sa.String(200), primary_key=True),
        sa.Column("user_id", UUID, sa.ForeignKey("users.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )  # fmt: skip
    op.create_index("ix_integration_users_user_id", "integration_users", ["user_id"])
    op.create_table(
        "webhook_receipts",
        sa.Column("integration_id", UUID, sa.ForeignKey("integrations.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("webhook_id", sa.String(200), primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("status_code", sa.SmallInteger(), nullable=False),
        sa.Column("response", postgresql.JSONB(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )  # fmt: skip
    op.create_index("ix_webhook_receipts_created_at", "webhook_receipts", ["created_at"])
    op.create_table(
        "idempotency_keys",
        sa.Column("caller_id", UUID, primary_key=True),
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("status_code", sa.SmallInteger()),
        sa.Column("headers", postgresql.JSONB()),
        sa.Column("body", sa.LargeBinary()),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("locked_until", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.CheckConstraint("state IN ('running', 'done')", name="state_known"),
    )
    op.create_index("ix_idempotency_keys_expires_at", "idempotency_keys", ["expires_at"])
    op.create_table(
        "webhook_subscriptions",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("integration_id", UUID, sa.ForeignKey("integrations.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("events", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("coach_side", sa.Boolean(), nullable=False),
        sa.Column("secret", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("disabled_reason", sa.Text()),
        sa.Column("failing_since", TS),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.CheckConstraint("status IN ('active', 'disabled')", name="status_known"),
    )  # fmt: skip
    op.create_index(
        "ix_webhook_subscriptions_integration_id", "webhook_subscriptions", ["integration_id"]
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("subscription_id", UUID,
                  sa.ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("event_id", sa.BigInteger()),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("checkin_id", UUID),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TS),
        sa.Column("last_status_code", sa.SmallInteger()),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("delivered_at", TS),
        sa.CheckConstraint(
            "status IN ('held', 'pending', 'sending', 'delivered', 'failed', 'withheld',"
            " 'cancelled')", name="status_known"),
    )  # fmt: skip
    op.create_index(
        "ux_webhook_deliveries_event",
        "webhook_deliveries",
        ["subscription_id", "event_id"],
        unique=True,
    )
    op.create_index(
        "ix_webhook_deliveries_due",
        "webhook_deliveries",
        ["next_attempt_at"],
        postgresql_where=sa.text("status IN ('pending', 'sending')"),
    )
    op.create_index(
        "ix_webhook_deliveries_held",
        "webhook_deliveries",
        ["checkin_id"],
        postgresql_where=sa.text("status = 'held'"),
    )
    op.create_table(
        "webhook_attempts",
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=True),
        sa.Column("delivery_id", UUID,
                  sa.ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), nullable=False),
        sa.Column("attempt", sa.SmallInteger(), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("status_code", sa.SmallInteger()),
        sa.Column("latency_ms", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(200)),
        sa.Column("response_snippet", sa.String(200)),
    )  # fmt: skip
    op.create_index("ix_webhook_attempts_delivery_id", "webhook_attempts", ["delivery_id"])


def downgrade() -> None:
    for table in (
        "webhook_attempts",
        "webhook_deliveries",
        "webhook_subscriptions",
        "idempotency_keys",
        "webhook_receipts",
        "integration_users",
        "integrations",
    ):
        op.drop_table(table)
    op.drop_column("outbox_events", "checkin_id")

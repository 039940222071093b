"""account hygiene: several bearer tokens per user (named, expiring), invite codes that expire

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-14
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

UUID = postgresql.UUID(as_uuid=True)
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("user_id", UUID, sa.ForeignKey("users.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=True),
        sa.Column("last_used_at", TS, nullable=True),
        sa.UniqueConstraint("token_hash", name="api_tokens_token_hash_key"),
    )  # fmt: skip
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])
    # Every user keeps the token they have, under the name "default", without an expiry.
    op.execute(
        "INSERT INTO api_tokens (id, user_id, token_hash, name, created_at)"
        " SELECT gen_random_uuid(), id, token_hash, 'default', created_at FROM users"
    )
    op.drop_column("users", "token_hash")  # its unique constraint goes with it

    op.add_column("couples", sa.Column("invite_expires_at", TS, nullable=True))
    # Codes handed out before expiry existed get the default week from now.
    op.execute(
        "UPDATE couples SET invite_expires_at = now() + interval '7 days'"
        " WHERE invite_code IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_column("couples", "invite_expires_at")
    op.add_column("users", sa.Column("token_hash", sa.String(64), nullable=True))
    # One token per user again: the most recently created one that has not expired survives
    # (a user without one gets a random hash nobody holds; `attune users rotate-token` helps).
    op.execute(
        """
        UPDATE users SET token_hash = COALESCE(
            (SELECT t.token_hash FROM api_tokens t
             WHERE t.user_id = users.id AND (t.expires_at IS NULL OR t.expires_at > now())
             ORDER BY t.created_at DESC LIMIT 1),
            encode(sha256(gen_random_uuid()::text::bytea), 'hex'))
        """
    )
    op.alter_column("users", "token_hash", nullable=False)
    op.create_unique_constraint("users_token_hash_key", "users", ["token_hash"])
    op.drop_index("ix_api_tokens_user_id", table_name="api_tokens")
    op.drop_table("api_tokens")

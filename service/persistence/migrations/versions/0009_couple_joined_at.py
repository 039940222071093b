"""when each partner joined their couple: a partner sees the other's shared check-ins only
from the moment both were in it (unpairing and re-pairing keep earlier history private)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("couple_joined_at", sa.DateTime(timezone=True)))
    # Existing partners: from the couple's start, which is what they could see until now.
    op.execute(
        "UPDATE users SET couple_joined_at = couples.created_at"
        " FROM couples WHERE users.couple_id = couples.id"
    )


def downgrade() -> None:
    op.drop_column("users", "couple_joined_at")

"""classifications.risk_score: the calibrated probability of elevated or worse

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: classifications written before this model, and by the rules-only and
    # fail-closed backends, have no score.
    op.add_column("classifications", sa.Column("risk_score", sa.Float(), nullable=True))


def downgrade() -> None:
    op.drop_column("classifications", "risk_score")

"""add what each installation's Clockify was seen to serve (page size, long ranges)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NULL means "not learned yet": the client starts from the documented defaults.
    with op.batch_alter_table("installation") as batch:
        batch.add_column(sa.Column("report_page_size", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("report_range_service", sa.String(length=8), nullable=True))
        batch.add_column(
            sa.Column("report_limits_learned_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("installation") as batch:
        batch.drop_column("report_limits_learned_at")
        batch.drop_column("report_range_service")
        batch.drop_column("report_page_size")

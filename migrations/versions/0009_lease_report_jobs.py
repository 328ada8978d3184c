"""lease report jobs: the worker that holds a job, and how many times one was started

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing rows: queued or running jobs of the old in-process pool have no owner and are
    # claimed like new ones (their heartbeat stopped with the process that held them).
    with op.batch_alter_table("report_job") as batch:
        batch.add_column(sa.Column("owner", sa.String(length=64), nullable=True))
        batch.add_column(
            sa.Column("attempts", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
        batch.create_index("ix_report_job_state_created", ["state", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("report_job") as batch:
        batch.drop_index("ix_report_job_state_created")
        batch.drop_column("attempts")
        batch.drop_column("owner")

"""add whether an issued invoice's entries are marked invoiced in Clockify

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Invoices issued before this revision were never marked: they read as "off".
    with op.batch_alter_table("issued_invoice") as batch:
        batch.add_column(
            sa.Column("clockify_state", sa.String(length=16), server_default="off", nullable=False)
        )
        batch.add_column(sa.Column("clockify_error", sa.String(length=500), nullable=True))
        batch.add_column(sa.Column("clockify_marked_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("clockify_attempted_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch.create_index(
            batch.f("ix_issued_invoice_clockify_state"),
            ["clockify_state", "clockify_attempted_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("issued_invoice") as batch:
        batch.drop_index(batch.f("ix_issued_invoice_clockify_state"))
        batch.drop_column("clockify_attempted_at")
        batch.drop_column("clockify_marked_at")
        batch.drop_column("clockify_error")
        batch.drop_column("clockify_state")

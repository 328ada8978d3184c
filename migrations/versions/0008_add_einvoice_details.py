"""add the e-invoice details of sellers (per workspace) and buyers (per client)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # One versioned JSON document per row: see addon/store/einvoices.py for why.
    op.create_table(
        "einvoice_seller",
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("workspace_id", name=op.f("pk_einvoice_seller")),
    )
    op.create_table(
        "einvoice_buyer",
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("workspace_id", "client_id", name=op.f("pk_einvoice_buyer")),
    )


def downgrade() -> None:
    op.drop_table("einvoice_buyer")
    op.drop_table("einvoice_seller")

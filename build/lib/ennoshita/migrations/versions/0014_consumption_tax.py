"""consumption tax settings: how the 消費税 return is computed (issue 11 item 13)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 00:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consumption_tax_settings",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("output_calc", sa.String(length=12), nullable=False),
        sa.Column("input_calc", sa.String(length=12), nullable=False),
        sa.Column("credit_method", sa.String(length=12), nullable=False),
        sa.Column("simplified_type", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("consumption_tax_settings")

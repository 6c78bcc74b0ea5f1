"""消費税: 用途区分 on purchase order lines (carried to the 検収 posting, the month-end accrual and the bill)

Revision ID: 0030
Revises: 0029
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("purchase_order_lines") as batch:
        batch.add_column(sa.Column("tax_purpose", sa.String(length=12), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("purchase_order_lines") as batch:
        batch.drop_column("tax_purpose")

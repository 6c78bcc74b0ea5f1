"""消費税 簡易課税: 事業区分 (1..6) on sales document lines (見積, 受注, 納品, 請求書 and 返品・値引の請求書),
carried to the sales line's 税区分 (``sales_10:t2``) when it is posted

Revision ID: 0034
Revises: 0030
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0034"
down_revision = "0030"
branch_labels = None
depends_on = None

LINE_TABLES = ("quote_lines", "sales_order_lines", "delivery_lines", "invoice_lines")


def upgrade() -> None:
    # plain ADD COLUMN on both databases (no SQLite table rebuild: invoice_lines keeps its immutability triggers)
    for table in LINE_TABLES:
        op.add_column(table, sa.Column("business_type", sa.SmallInteger(), nullable=True))


def downgrade() -> None:
    for table in LINE_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("business_type")

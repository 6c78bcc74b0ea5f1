"""消費税: 用途区分 on bill and expense lines with a company default; the year's 割戻し/積上げ and credit method

Revision ID: 0025
Revises: 0024
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("fiscal_years") as batch:
        batch.add_column(sa.Column("output_calc", sa.String(length=12), nullable=True))
        batch.add_column(sa.Column("input_calc", sa.String(length=12), nullable=True))
        batch.add_column(sa.Column("credit_method", sa.String(length=12), nullable=True))
    with op.batch_alter_table("consumption_tax_settings") as batch:
        batch.add_column(sa.Column("default_purpose", sa.String(length=12), server_default="common",
                                   nullable=False))
    with op.batch_alter_table("supplier_bill_lines") as batch:
        batch.add_column(sa.Column("tax_purpose", sa.String(length=12), nullable=True))
    with op.batch_alter_table("expense_lines") as batch:
        batch.add_column(sa.Column("tax_purpose", sa.String(length=12), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("expense_lines") as batch:
        batch.drop_column("tax_purpose")
    with op.batch_alter_table("supplier_bill_lines") as batch:
        batch.drop_column("tax_purpose")
    with op.batch_alter_table("consumption_tax_settings") as batch:
        batch.drop_column("default_purpose")
    with op.batch_alter_table("fiscal_years") as batch:
        batch.drop_column("credit_method")
        batch.drop_column("input_calc")
        batch.drop_column("output_calc")

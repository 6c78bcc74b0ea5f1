"""purchase recognition: 検収基準 (each goods receipt posts its purchase) or the bill with a month-end accrual

- ``company.purchase_recognition``: ``receipt`` (検収基準, default: each 検収 posts 仕入高 + 仮払消費税 / 買掛金 on
  its receipt date; the supplier bill then only settles it) or ``bill`` (the bill posts; received-but-unbilled
  goods are accrued at each month end and reversed on the first day of the next month).
- ``goods_receipts``: the receipt's figures as posted (net, tax, gross, deductible tax, per-rate breakdown), its
  journal entry, the bill that settled it, and the month-end accrual entries made for it.

Revision ID: 0022
Revises: 0021
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("company", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purchase_recognition", sa.String(length=20), server_default="receipt",
                                      nullable=False))
    with op.batch_alter_table("goods_receipts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("net", sa.BigInteger(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("tax", sa.BigInteger(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("gross", sa.BigInteger(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("deductible_tax", sa.BigInteger(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("credit_reason", sa.String(length=40), server_default="", nullable=False))
        batch_op.add_column(sa.Column("journal_entry_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("bill_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_goods_receipts_bill_id", ["bill_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("goods_receipts", schema=None) as batch_op:
        batch_op.drop_index("ix_goods_receipts_bill_id")
        batch_op.drop_column("bill_id")
        batch_op.drop_column("journal_entry_id")
        batch_op.drop_column("credit_reason")
        batch_op.drop_column("deductible_tax")
        batch_op.drop_column("gross")
        batch_op.drop_column("tax")
        batch_op.drop_column("net")
    with op.batch_alter_table("company", schema=None) as batch_op:
        batch_op.drop_column("purchase_recognition")

"""sales: customer credit balances (前受金), deposit fee treatment and bookings, line tax kinds

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 00:20:00.000000

- ``customer_credits``: the customer credit sub-ledger (a credit note beyond what the invoice still owes, an
  overpayment), its application to later invoices and its refunds; one signed row per movement.
- ``company.sales_fee_treatment``: how a transfer fee the customer deducted from a deposit is booked
  (``sales_discount`` 売上値引 = 対価の返還等, the default; ``transfer_fee`` 支払手数料).
- ``bank_deposits``: the treatment used on each match, and deposits booked to another account (仮受金) with a memo.
- ``company.sales_revenue_recognition``: ``delivery`` (出荷基準/引渡基準, default: each delivery posts its sale on
  its delivery date, the invoice only bills) or ``invoice`` (the invoice posts the sale);
  ``deliveries.journal_entry_id``.
- ``tax_kind`` on document lines: a 0% line is 免税 (export), 非課税 or 不課税.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

LINE_TABLES = ("quote_lines", "sales_order_lines", "delivery_lines", "invoice_lines")


def upgrade() -> None:
    op.create_table(
        "customer_credits",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("partner_id", sa.Integer(), sa.ForeignKey("partners.id"), nullable=False),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=True),
        sa.Column("deposit_id", sa.Integer(), nullable=True),
        sa.Column("journal_entry_id", sa.Integer(), nullable=True),
        sa.Column("memo", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_customer_credits_partner", "customer_credits", ["partner_id", "id"])
    # plain ADD COLUMN on both databases (no SQLite table rebuild: invoice_lines keeps its immutability triggers)
    op.add_column("company", sa.Column("sales_fee_treatment", sa.String(length=20), nullable=False,
                                       server_default="sales_discount"))
    op.add_column("company", sa.Column("sales_revenue_recognition", sa.String(length=20), nullable=False,
                                       server_default="delivery"))
    op.add_column("deliveries", sa.Column("journal_entry_id", sa.Integer(), nullable=True))
    op.add_column("bank_deposits", sa.Column("fee_treatment", sa.String(length=20), nullable=True))
    op.add_column("bank_deposits", sa.Column("booked_account", sa.String(length=10), nullable=True))
    op.add_column("bank_deposits", sa.Column("memo", sa.String(length=200), nullable=False, server_default=""))
    for table in LINE_TABLES:
        op.add_column(table, sa.Column("tax_kind", sa.String(length=12), nullable=True))


def downgrade() -> None:
    for table in LINE_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("tax_kind")
    with op.batch_alter_table("bank_deposits", schema=None) as batch_op:
        batch_op.drop_column("memo")
        batch_op.drop_column("booked_account")
        batch_op.drop_column("fee_treatment")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_column("journal_entry_id")
    with op.batch_alter_table("company", schema=None) as batch_op:
        batch_op.drop_column("sales_revenue_recognition")
        batch_op.drop_column("sales_fee_treatment")
    op.drop_index("ix_customer_credits_partner", table_name="customer_credits")
    op.drop_table("customer_credits")

"""withholding and supplier terms: 源泉徴収 on 報酬・料金 (partner category, the bill's base and tax, the
withheld items and their 納付), 中小受託事業者 (取適法) on partners, 納期の特例, 全銀 EDI and the 少額特例 (with
the 基準期間 figure) as company settings, the basis of an expense line's input-tax credit.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 00:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ennoshita.guards import drop_immutable, immutable

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "withholding_remittances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("paid_date", sa.Date(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("journal_entry_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_withholding_remittances")),
    )
    with op.batch_alter_table("withholding_remittances", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_withholding_remittances_due_date"), ["due_date"], unique=False)
    op.create_table(
        "withholding_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_kind", sa.String(length=20), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("source_number", sa.String(length=30), nullable=False),
        sa.Column("payee_kind", sa.String(length=20), nullable=False),
        sa.Column("payee_id", sa.Integer(), nullable=False),
        sa.Column("payee_name", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("tax", sa.BigInteger(), nullable=False),
        sa.Column("accrual_date", sa.Date(), nullable=False),
        sa.Column("paid_date", sa.Date(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("remittance_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["remittance_id"], ["withholding_remittances.id"],
                                name=op.f("fk_withholding_items_remittance_id_withholding_remittances")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_withholding_items")),
    )
    with op.batch_alter_table("withholding_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_withholding_items_accrual_date"), ["accrual_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_withholding_items_paid_date"), ["paid_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_withholding_items_due_date"), ["due_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_withholding_items_remittance_id"), ["remittance_id"], unique=False)
        batch_op.create_index("ix_withholding_items_payee_year", ["payee_id", "accrual_date"], unique=False)

    with op.batch_alter_table("partners", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withholding_category", sa.String(length=20), server_default="",
                                      nullable=False))
        batch_op.add_column(sa.Column("small_subcontractor", sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column("small_subcontractor_basis", sa.String(length=200), server_default="",
                                      nullable=False))

    with op.batch_alter_table("company", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withholding_special_due", sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column("zengin_edi", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("small_amount_exception", sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column("base_period_taxable_sales", sa.BigInteger(), nullable=True))

    with op.batch_alter_table("expense_lines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("credit_basis", sa.String(length=30), server_default="", nullable=False))

    drop_immutable(bind, "supplier_bills")  # a SQLite rebuild would drop it anyway; recreated below
    with op.batch_alter_table("supplier_bills", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withholding_category", sa.String(length=20), server_default="",
                                      nullable=False))
        batch_op.add_column(sa.Column("withholding_base", sa.BigInteger(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("withholding_tax", sa.BigInteger(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("receipt_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("printed_tax", sa.Boolean(), server_default=sa.false(), nullable=False))
    immutable(bind, "supplier_bills", "OLD.status = 'posted'")


def downgrade() -> None:
    bind = op.get_bind()
    drop_immutable(bind, "supplier_bills")
    with op.batch_alter_table("supplier_bills", schema=None) as batch_op:
        batch_op.drop_column("printed_tax")
        batch_op.drop_column("receipt_date")
        batch_op.drop_column("withholding_tax")
        batch_op.drop_column("withholding_base")
        batch_op.drop_column("withholding_category")
    immutable(bind, "supplier_bills", "OLD.status = 'posted'")
    with op.batch_alter_table("expense_lines", schema=None) as batch_op:
        batch_op.drop_column("credit_basis")
    with op.batch_alter_table("company", schema=None) as batch_op:
        batch_op.drop_column("base_period_taxable_sales")
        batch_op.drop_column("small_amount_exception")
        batch_op.drop_column("zengin_edi")
        batch_op.drop_column("withholding_special_due")
    with op.batch_alter_table("partners", schema=None) as batch_op:
        batch_op.drop_column("small_subcontractor_basis")
        batch_op.drop_column("small_subcontractor")
        batch_op.drop_column("withholding_category")
    with op.batch_alter_table("withholding_items", schema=None) as batch_op:
        batch_op.drop_index("ix_withholding_items_payee_year")
        batch_op.drop_index(batch_op.f("ix_withholding_items_remittance_id"))
        batch_op.drop_index(batch_op.f("ix_withholding_items_due_date"))
        batch_op.drop_index(batch_op.f("ix_withholding_items_paid_date"))
        batch_op.drop_index(batch_op.f("ix_withholding_items_accrual_date"))
    op.drop_table("withholding_items")
    with op.batch_alter_table("withholding_remittances", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_withholding_remittances_due_date"))
    op.drop_table("withholding_remittances")

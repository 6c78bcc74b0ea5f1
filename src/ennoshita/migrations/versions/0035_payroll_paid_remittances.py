"""給与: 支払済 of a fixed run (paid date, amount, entry) and 納付済 of what the runs of a pay month withheld
(payroll_remittances: 源泉所得税, 住民税, 社会保険料 per month).

Revision ID: 0035
Revises: 0034
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("payroll_runs") as batch:
        batch.add_column(sa.Column("paid_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("paid_amount", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("paid_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("paid_entry_id", sa.Integer(), nullable=True))
    op.create_table(
        "payroll_remittances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("paid_date", sa.Date(), nullable=False),
        sa.Column("withheld", sa.BigInteger(), nullable=False),
        sa.Column("employer", sa.BigInteger(), nullable=False),
        sa.Column("journal_entry_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("month", "kind", name="uq_payroll_remittances_month_kind"),
    )


def downgrade() -> None:
    op.drop_table("payroll_remittances")
    with op.batch_alter_table("payroll_runs") as batch:
        batch.drop_column("paid_entry_id")
        batch.drop_column("paid_by")
        batch.drop_column("paid_amount")
        batch.drop_column("paid_date")

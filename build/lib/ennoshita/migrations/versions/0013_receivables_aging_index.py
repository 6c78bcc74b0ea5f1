"""receivables aging index: open receivables by due date, covering the 売掛金年齢表 and 延滞一覧

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-26 01:30:00.000000

(status, due_date, partner_id, open_amount, invoice_id): the aging's grouped pass and the overdue list's count
and total read the open receivables from this index alone, and the overdue page walks it in due-date order.
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("receivables", schema=None) as batch_op:
        batch_op.create_index("ix_receivables_aging", ["status", "due_date", "partner_id", "open_amount",
                                                       "invoice_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("receivables", schema=None) as batch_op:
        batch_op.drop_index("ix_receivables_aging")

"""customer credit refunds through payment runs: customer_credits.payment_run_id

A customer's credit balance (前受金) chosen for refund in a 支払 run is reserved by a ``refund_run`` movement
naming the run; it becomes a ``refund`` when the run is marked paid and is removed if the run lets it go.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 01:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("customer_credits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("payment_run_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_customer_credits_run", ["payment_run_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("customer_credits", schema=None) as batch_op:
        batch_op.drop_index("ix_customer_credits_run")
        batch_op.drop_column("payment_run_id")

"""approval fallback approver (代替承認者) on the company

Revision ID: 0024
Revises: 0023
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("company") as batch:
        batch.add_column(sa.Column("approval_fallback_role", sa.String(length=30), nullable=True))
        batch.add_column(sa.Column("approval_fallback_user_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("company") as batch:
        batch.drop_column("approval_fallback_user_id")
        batch.drop_column("approval_fallback_role")

"""給与 納付: 雇用保険料 leaves the monthly 社会保険料 納付 and is paid per 労働保険年度 as the 労働保険料 (kind
``labour_insurance``, ``month`` "2026"). ``includes_employment`` marks the 社会保険料 納付 recorded before this
revision, which cleared that month's 雇用保険料 too, so the 労働保険料 of its year does not clear it again.

Revision ID: 0036
Revises: 0035
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("payroll_remittances") as batch:
        batch.add_column(sa.Column("includes_employment", sa.Boolean(), server_default=sa.false(), nullable=False))
    remittances = sa.table("payroll_remittances", sa.column("kind", sa.String()),
                           sa.column("includes_employment", sa.Boolean()))
    op.execute(remittances.update().where(remittances.c.kind == "social_insurance")
               .values(includes_employment=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table("payroll_remittances") as batch:
        batch.drop_column("includes_employment")

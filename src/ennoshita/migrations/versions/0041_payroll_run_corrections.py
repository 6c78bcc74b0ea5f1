"""給与の訂正: ``payroll_runs.corrections``, the changed items of a correction run per employee (基本給, 通勤手当,
扶養親族等の数), applied over the pay setup in that run only. Existing runs get an empty mapping.

Revision ID: 0041
Revises: 0040
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0041"
down_revision = "0040"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # idempotent: a test may replay the migrations after 0037 on a database already at head
    if "corrections" in {c["name"] for c in sa.inspect(op.get_bind()).get_columns("payroll_runs")}:
        return
    with op.batch_alter_table("payroll_runs") as batch:
        batch.add_column(sa.Column("corrections", sa.JSON(), nullable=True))
    op.execute(sa.text("UPDATE payroll_runs SET corrections = '{}'"))
    with op.batch_alter_table("payroll_runs") as batch:
        batch.alter_column("corrections", existing_type=sa.JSON(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("payroll_runs") as batch:
        batch.drop_column("corrections")

"""年次有給休暇 for employees registered after their hire: ``hr_employees.records_from``, the 導入日 from which the
system holds the employee's attendance and leave (the grants before it are the 導入時残高, ``hr_leave_grants``
rows of kind ``opening``). Existing employees keep None: their records run from the hire, as before.

Revision ID: 0040
Revises: 0039
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0040"
down_revision = "0039"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # idempotent: a test may replay the migrations after 0037 on a database already at head
    if "records_from" in {c["name"] for c in sa.inspect(op.get_bind()).get_columns("hr_employees")}:
        return
    with op.batch_alter_table("hr_employees") as batch:
        batch.add_column(sa.Column("records_from", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("hr_employees") as batch:
        batch.drop_column("records_from")

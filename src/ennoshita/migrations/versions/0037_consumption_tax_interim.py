"""消費税の中間納付: the standard chart's 仮払税金 (1455), where a 中間納付 is booked until the year's settlement
clears it, added to a database seeded before it existed (a new database gets it from the chart seed of 0002); a
fiscal year's 確定消費税額 as filed (``fiscal_years.filed_national_tax``), when it differs from the books' return.

Revision ID: 0037
Revises: 0036
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None

ACCOUNTS = sa.table("accounts", sa.column("code", sa.String()), sa.column("name", sa.String()),
                    sa.column("name_kana", sa.String()), sa.column("name_en", sa.String()),
                    sa.column("category", sa.String()), sa.column("section", sa.String()),
                    sa.column("normal_side", sa.String()), sa.column("default_tax_category", sa.String()),
                    sa.column("active", sa.Boolean()))
CODE = "1455"


def upgrade() -> None:
    with op.batch_alter_table("fiscal_years") as batch:
        batch.add_column(sa.Column("filed_national_tax", sa.BigInteger(), nullable=True))
    bind = op.get_bind()
    if bind.execute(sa.select(ACCOUNTS.c.code).where(ACCOUNTS.c.code == CODE)).first() is None:
        # a company's own account of that name under another code keeps it: ours is then named for its use
        taken = bind.execute(sa.select(ACCOUNTS.c.code).where(ACCOUNTS.c.name == "仮払税金")).first()
        op.execute(ACCOUNTS.insert().values(
            code=CODE, name="仮払税金（中間納付）" if taken else "仮払税金", name_kana="カリバライゼイキン",
            name_en="Prepaid taxes (interim payments)", category="asset", section="current_assets",
            normal_side="debit", default_tax_category=None, active=True))


def downgrade() -> None:
    with op.batch_alter_table("fiscal_years") as batch:
        batch.drop_column("filed_national_tax")
    # 仮払税金 may carry entries by then: it stays

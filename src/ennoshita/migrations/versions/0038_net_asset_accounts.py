"""純資産の部: the standard chart's accounts for each group of 会社計算規則第76条 (その他資本剰余金 3130,
新株式申込証拠金 3140, 別途積立金 3230, 自己株式 3310, その他有価証券評価差額金 3410, 新株予約権 3510), added to a
database seeded before they existed (a new database gets them from the chart seed of 0002). An account the
company already has under that name, with another code, keeps its role: ours is then not added.

Revision ID: 0038
Revises: 0037
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0038"
down_revision = "0037"
branch_labels = None
depends_on = None

ACCOUNTS = sa.table("accounts", sa.column("code", sa.String()), sa.column("name", sa.String()),
                    sa.column("name_kana", sa.String()), sa.column("name_en", sa.String()),
                    sa.column("category", sa.String()), sa.column("section", sa.String()),
                    sa.column("normal_side", sa.String()), sa.column("default_tax_category", sa.String()),
                    sa.column("active", sa.Boolean()))
CODES = ("3130", "3140", "3230", "3310", "3410", "3510")


def upgrade() -> None:
    from ennoshita.ledger.seed import chart_rows

    bind = op.get_bind()
    have_codes = set(bind.execute(sa.select(ACCOUNTS.c.code)).scalars())
    have_names = set(bind.execute(sa.select(ACCOUNTS.c.name)).scalars())
    for row in chart_rows():
        if row["code"] in CODES and row["code"] not in have_codes and row["name"] not in have_names:
            op.execute(ACCOUNTS.insert().values(**row))


def downgrade() -> None:
    pass  # the accounts may carry entries by then: they stay

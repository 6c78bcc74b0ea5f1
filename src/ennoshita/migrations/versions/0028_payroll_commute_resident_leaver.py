"""payroll profile: 通勤手段・片道距離 (通勤手当の非課税限度額) and 退職時の住民税 徴収方法

Revision ID: 0028
Revises: 0026
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("payroll_profiles") as batch:
        batch.add_column(sa.Column("commute_means", sa.String(length=10), server_default="transit", nullable=False))
        batch.add_column(sa.Column("commute_distance", sa.String(length=10), server_default="", nullable=False))
        batch.add_column(sa.Column("resident_leaver_choice", sa.String(length=10), server_default="",
                                   nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("payroll_profiles") as batch:
        batch.drop_column("resident_leaver_choice")
        batch.drop_column("commute_distance")
        batch.drop_column("commute_means")

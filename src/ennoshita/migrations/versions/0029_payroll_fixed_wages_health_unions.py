"""給与: fixed-wage history (payroll_fixed_wages) for the 月額変更届, 健康保険組合 with dated rates, and the pay
setup's 組合 link.

Revision ID: 0029
Revises: 0028
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "payroll_health_unions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("insurer_number", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "payroll_union_rates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("union_id", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("health_rate", sa.String(length=12), nullable=False),
        sa.Column("health_employee_rate", sa.String(length=12), nullable=False),
        sa.Column("care_rate", sa.String(length=12), nullable=False),
        sa.Column("care_employee_rate", sa.String(length=12), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["union_id"], ["payroll_health_unions.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("union_id", "effective_from", name="uq_payroll_union_rates_from"),
    )
    op.create_index("ix_payroll_union_rates_union_id", "payroll_union_rates", ["union_id"])
    op.create_table(
        "payroll_fixed_wages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("pay_type", sa.String(length=10), nullable=False),
        sa.Column("base_amount", sa.BigInteger(), nullable=False),
        sa.Column("allowances", sa.JSON(), nullable=False),
        sa.Column("commute_allowance", sa.BigInteger(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["employee_id"], ["hr_employees.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("employee_id", "effective_from", name="uq_payroll_fixed_wages_from"),
    )
    op.create_index("ix_payroll_fixed_wages_employee_id", "payroll_fixed_wages", ["employee_id"])
    with op.batch_alter_table("payroll_profiles") as batch:
        batch.add_column(sa.Column("health_union_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_payroll_profiles_health_union_id_payroll_health_unions", "payroll_health_unions",
                                 ["health_union_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("payroll_profiles") as batch:
        batch.drop_constraint("fk_payroll_profiles_health_union_id_payroll_health_unions", type_="foreignkey")
        batch.drop_column("health_union_id")
    op.drop_index("ix_payroll_fixed_wages_employee_id", table_name="payroll_fixed_wages")
    op.drop_table("payroll_fixed_wages")
    op.drop_index("ix_payroll_union_rates_union_id", table_name="payroll_union_rates")
    op.drop_table("payroll_union_rates")
    op.drop_table("payroll_health_unions")

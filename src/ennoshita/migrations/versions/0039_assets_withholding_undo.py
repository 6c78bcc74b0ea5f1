"""The undo of 減価償却 runs and of the 源泉所得税 納付: a run and a 納付 get a status (posted/paid → cancelled) with
the reversing entry, who and when; the runs' one-per-period rule holds for the standing runs only (a cancelled
period may be run again); ``depreciation_run_assets`` keeps, for every asset a run moved on, its last depreciated
month before the run, which the run's 取消 puts back. Existing rows are standing (posted / paid).

Revision ID: 0039
Revises: 0038
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0039"
down_revision = "0038"
branch_labels = None
depends_on = None

STANDING = sa.text("status = 'posted'")


def upgrade() -> None:
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("depreciation_runs")}
    if "status" in columns:
        return  # already there (a database whose recorded revision was set back, as the migration tests do)
    with op.batch_alter_table("depreciation_runs") as batch:
        batch.add_column(sa.Column("status", sa.String(length=10), server_default="posted", nullable=False))
        batch.add_column(sa.Column("reversal_entry_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("cancelled_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True))
        batch.drop_constraint("uq_depreciation_runs_period_start", type_="unique")
    op.create_index("ux_depreciation_runs_standing", "depreciation_runs", ["period_start"], unique=True,
                    sqlite_where=STANDING, postgresql_where=STANDING)
    op.create_table(
        "depreciation_run_assets",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("prev_month", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["depreciation_runs.id"],
                                name=op.f("fk_depreciation_run_assets_run_id_depreciation_runs")),
        sa.PrimaryKeyConstraint("run_id", "asset_id", name=op.f("pk_depreciation_run_assets")),
    )
    with op.batch_alter_table("withholding_remittances") as batch:
        batch.add_column(sa.Column("status", sa.String(length=10), server_default="paid", nullable=False))
        batch.add_column(sa.Column("reversal_entry_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("cancelled_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("withholding_remittances") as batch:
        batch.drop_column("cancelled_at")
        batch.drop_column("cancelled_by")
        batch.drop_column("reversal_entry_id")
        batch.drop_column("status")
    op.drop_table("depreciation_run_assets")
    op.drop_index("ux_depreciation_runs_standing", table_name="depreciation_runs")
    with op.batch_alter_table("depreciation_runs") as batch:
        batch.create_unique_constraint("uq_depreciation_runs_period_start", ["period_start"])
        batch.drop_column("cancelled_at")
        batch.drop_column("cancelled_by")
        batch.drop_column("reversal_entry_id")
        batch.drop_column("status")

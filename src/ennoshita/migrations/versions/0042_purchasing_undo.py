"""購買の取消: a posted supplier bill may become ``cancelled`` (受領請求書の取消; nothing else of it changes, and a
cancelled bill never changes again), a 検収 gets a status (``posted`` / ``cancelled``), and each 取消 of a
purchasing document (検収, 受領請求書, 支払済の支払) keeps its reason and the reversing entries in
``purchasing_cancellations``.

Revision ID: 0042
Revises: 0041
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ennoshita.guards import drop_immutable, immutable, immutable_but

revision = "0042"
down_revision = "0041"
branch_labels = None
depends_on = None

# the one change a posted bill allows: its status to cancelled, its figures and number as they were
BILL_CANCEL = ("OLD.status = 'posted' AND NEW.status = 'cancelled' AND NEW.number = OLD.number "
               "AND NEW.gross = OLD.gross AND NEW.net = OLD.net AND NEW.tax = OLD.tax "
               "AND NEW.supplier_id = OLD.supplier_id AND NEW.bill_date = OLD.bill_date")


def upgrade() -> None:
    op.create_table(
        "purchasing_cancellations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reversal_entry_ids", sa.JSON(), nullable=False),
        sa.Column("cancelled_by", sa.Integer(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchasing_cancellations")),
    )
    with op.batch_alter_table("purchasing_cancellations", schema=None) as batch_op:
        batch_op.create_index("ix_purchasing_cancellations_document", ["kind", "document_id"], unique=False)
    with op.batch_alter_table("goods_receipts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=12), server_default="posted", nullable=False))
    bind = op.get_bind()
    drop_immutable(bind, "supplier_bills")
    immutable_but(bind, "supplier_bills", "OLD.status IN ('posted', 'cancelled')", BILL_CANCEL)
    immutable(bind, "purchasing_cancellations")


def downgrade() -> None:
    bind = op.get_bind()
    drop_immutable(bind, "purchasing_cancellations")
    drop_immutable(bind, "supplier_bills")
    immutable(bind, "supplier_bills", "OLD.status = 'posted'")
    with op.batch_alter_table("goods_receipts", schema=None) as batch_op:
        batch_op.drop_column("status")
    op.drop_table("purchasing_cancellations")

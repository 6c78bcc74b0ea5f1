"""evidence search index: the 証憑検索 order (取引日 desc, id desc) and its filters served from one index

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 00:10:00.000000

``ix_attachments_search`` becomes (transaction_date, id, amount, counterparty, owner_type): the search's
order up to the id tie-breaker, and every column the search filters on, so the count and the page's ids
come from the index alone (a deferred join then loads the page's rows). The table itself is never scanned,
which matters most on SQLite, where each row carries its file content. ``ix_attachments_counterparty`` goes:
the search matches a part of the name (LIKE '%…%'), which that index cannot serve, and the new index holds
the column. Index changes only: the table, and its append-only triggers, stay as they are.
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_attachments_search", table_name="attachments")
    op.drop_index("ix_attachments_counterparty", table_name="attachments")
    op.create_index("ix_attachments_search", "attachments",
                    ["transaction_date", "id", "amount", "counterparty", "owner_type"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_attachments_search", table_name="attachments")
    op.create_index("ix_attachments_counterparty", "attachments", ["counterparty"], unique=False)
    op.create_index("ix_attachments_search", "attachments", ["transaction_date", "amount"], unique=False)

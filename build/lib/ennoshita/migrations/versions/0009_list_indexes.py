"""list indexes: invoices by (issue_date, id) and text search; desk queue and requester orders end in id

Revision ID: 0009
Revises: 0007
Create Date: 2026-11-26 00:30:00.000000

The work lists page with deferred joins (the page's ids from an index, then those rows), so each index
matches its list's ORDER BY up to the id tie-breaker. The invoice text search (number / subject
LIKE '%…%') gets a pg_trgm GIN index on PostgreSQL; on SQLite the same index is a plain one over both
columns, narrower than the table, which the search scans instead.
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_index("ix_invoices_issue_date")
        batch_op.create_index("ix_invoices_list", ["issue_date", "id"], unique=False)
        batch_op.create_index("ix_invoices_text", ["number", "subject"], unique=False, postgresql_using="gin",
                              postgresql_ops={"number": "gin_trgm_ops", "subject": "gin_trgm_ops"})
    with op.batch_alter_table("desk_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_desk_requests_queue")
        batch_op.drop_index("ix_desk_requests_requester")
        batch_op.create_index("ix_desk_requests_queue", ["team", "status", "sla_due_at", "id"], unique=False)
        batch_op.create_index("ix_desk_requests_requester", ["requester_id", "created_at", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("desk_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_desk_requests_requester")
        batch_op.drop_index("ix_desk_requests_queue")
        batch_op.create_index("ix_desk_requests_requester", ["requester_id", "created_at"], unique=False)
        batch_op.create_index("ix_desk_requests_queue", ["team", "status", "sla_due_at"], unique=False)
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_index("ix_invoices_text")
        batch_op.drop_index("ix_invoices_list")
        batch_op.create_index("ix_invoices_issue_date", ["issue_date"], unique=False)

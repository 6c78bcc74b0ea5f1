"""security hardening (issue 14): TRUNCATE refused on every immutable table, the first fiscal year setting

Revision ID: 0018
Revises: 0016
Create Date: 2026-12-06 01:00:00.000000

On PostgreSQL ``TRUNCATE`` bypasses row triggers: every table that has an immutability trigger (``*_no_change``)
gets a statement trigger refusing it, as the audit table already had. ``company.first_fiscal_year``: the first
fiscal year a posting may fall in (empty: the first fiscal year with data). ``login_throttles``: failed logins
per (e-mail, client address), known and unknown e-mails alike.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ennoshita.guards import drop_no_truncate, no_truncate

revision = "0018"
down_revision = "0016"
branch_labels = None
depends_on = None


def _immutable_tables(bind: sa.engine.Connection) -> list[str]:
    rows = bind.exec_driver_sql(
        "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE NOT t.tgisinternal AND right(t.tgname, 10) = '_no_change' ORDER BY c.relname")
    return [r[0] for r in rows]


def upgrade() -> None:
    with op.batch_alter_table("company", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_fiscal_year", sa.Integer(), nullable=True))
    op.create_table(
        "login_throttles",
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("refused", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key_hash", name=op.f("pk_login_throttles")),
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for table in _immutable_tables(bind):
            no_truncate(bind, table)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for table in _immutable_tables(bind):
            drop_no_truncate(bind, table)
    op.drop_table("login_throttles")
    with op.batch_alter_table("company", schema=None) as batch_op:
        batch_op.drop_column("first_fiscal_year")

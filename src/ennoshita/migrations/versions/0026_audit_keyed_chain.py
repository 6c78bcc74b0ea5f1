"""keyed audit chain: record version, checkpoints, the marker that starts the HMAC part (issue 14 item 16)

Revision ID: 0026
Revises: 0025
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ennoshita.audit.ddl import (
    create_checkpoint_triggers,
    create_triggers,
    drop_checkpoint_triggers,
    drop_triggers,
)
from ennoshita.audit.services import start_keyed_chain

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_records") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    op.create_table(
        "audit_checkpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("label", sa.String(length=60), nullable=False),
        sa.Column("chain", sa.String(length=16), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("head", sa.String(length=64), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("signature", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checkpoints")),
    )
    conn = op.get_bind()
    create_checkpoint_triggers(conn)
    # Existing records stay version 1 (SHA-256); the marker starts the keyed part, creating the key on a fresh
    # install (var/audit_key or ENNOSHITA_AUDIT_KEY_FILE).
    start_keyed_chain(conn)


def downgrade() -> None:
    conn = op.get_bind()
    drop_checkpoint_triggers(conn)
    op.drop_table("audit_checkpoints")
    drop_triggers(conn)
    with op.batch_alter_table("audit_records") as batch:
        batch.drop_column("version")
    create_triggers(conn)

"""Triggers that make the audit table append-only, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy.engine import Connection

_SQLITE = [
    "CREATE TRIGGER IF NOT EXISTS audit_records_no_update BEFORE UPDATE ON audit_records "
    "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_records_no_delete BEFORE DELETE ON audit_records "
    "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
]
_PG = [
    "CREATE OR REPLACE FUNCTION audit_records_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit records are append-only'; END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER audit_records_no_update BEFORE UPDATE OR DELETE ON audit_records "
    "FOR EACH ROW EXECUTE FUNCTION audit_records_append_only()",
    "CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_records_append_only()",
]


def create_triggers(conn: Connection) -> None:
    for stmt in _PG if conn.dialect.name == "postgresql" else _SQLITE:
        conn.exec_driver_sql(stmt)


def drop_triggers(conn: Connection) -> None:
    """Only for tests that tamper with the table behind the application's back, and for downgrade."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_records_no_update ON audit_records")
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_records_no_truncate ON audit_records")
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS audit_records_append_only()")
    else:
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_records_no_update")
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_records_no_delete")


_SQLITE_CP = [
    "CREATE TRIGGER IF NOT EXISTS audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints "
    "BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints "
    "BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END",
]
_PG_CP = [
    "CREATE OR REPLACE FUNCTION audit_checkpoints_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit checkpoints are append-only'; END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER audit_checkpoints_no_change BEFORE UPDATE OR DELETE ON audit_checkpoints "
    "FOR EACH ROW EXECUTE FUNCTION audit_checkpoints_append_only()",
    "CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_checkpoints_append_only()",
]


def create_checkpoint_triggers(conn: Connection) -> None:
    for stmt in _PG_CP if conn.dialect.name == "postgresql" else _SQLITE_CP:
        conn.exec_driver_sql(stmt)


def drop_checkpoint_triggers(conn: Connection) -> None:
    """Only for tests that tamper behind the application's back, and for downgrade."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_checkpoints_no_change ON audit_checkpoints")
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_checkpoints_no_truncate ON audit_checkpoints")
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS audit_checkpoints_append_only()")
    else:
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_checkpoints_no_update")
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_checkpoints_no_delete")

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

"""Database triggers that keep posted records immutable, on SQLite and PostgreSQL.

The application never updates or deletes these rows; the triggers make sure nothing else does either
(a script, a console, a bug): corrections are new records that reference the original.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection


def immutable(conn: Connection, table: str, when: str | None = None) -> None:
    """Refuse UPDATE and DELETE on ``table`` (only for rows matching ``when``, an SQL condition on OLD)."""
    message = f"{table}: posted records are immutable"
    if conn.dialect.name == "postgresql":
        func = f"{table}_immutable"
        conn.exec_driver_sql(
            f"CREATE OR REPLACE FUNCTION {func}() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{message}'; END $$ LANGUAGE plpgsql")
        cond = f" WHEN ({when})" if when else ""
        conn.exec_driver_sql(f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
                             f"FOR EACH ROW{cond} EXECUTE FUNCTION {func}()")
        no_truncate(conn, table)
        return
    cond = f" WHEN {when}" if when else ""
    for op in ("UPDATE", "DELETE"):
        conn.exec_driver_sql(f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table}"
                             f"{cond} BEGIN SELECT RAISE(ABORT, '{message}'); END")


def immutable_but(conn: Connection, table: str, when: str, allowed: str) -> None:
    """As :func:`immutable` (rows matching ``when``), except the one UPDATE that ``allowed`` (an SQL condition on
    OLD and NEW) describes: a posted supplier bill may only become ``cancelled``, nothing else of it changing.
    Dropped by :func:`drop_immutable` (same trigger names)."""
    message = f"{table}: posted records are immutable"
    if conn.dialect.name == "postgresql":
        func = f"{table}_immutable"
        conn.exec_driver_sql(
            f"CREATE OR REPLACE FUNCTION {func}() RETURNS trigger AS $$ "
            f"BEGIN IF TG_OP = 'UPDATE' THEN IF {allowed} THEN RETURN NEW; END IF; END IF; "
            f"RAISE EXCEPTION '{message}'; END $$ LANGUAGE plpgsql")
        conn.exec_driver_sql(f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
                             f"FOR EACH ROW WHEN ({when}) EXECUTE FUNCTION {func}()")
        no_truncate(conn, table)
        return
    conn.exec_driver_sql(f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
                         f"WHEN ({when}) AND NOT ({allowed}) BEGIN SELECT RAISE(ABORT, '{message}'); END")
    conn.exec_driver_sql(f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
                         f"WHEN {when} BEGIN SELECT RAISE(ABORT, '{message}'); END")


def no_truncate(conn: Connection, table: str) -> None:
    """PostgreSQL: refuse ``TRUNCATE`` of ``table`` (row triggers do not see it). SQLite has no TRUNCATE."""
    if conn.dialect.name != "postgresql":
        return
    conn.exec_driver_sql(
        "CREATE OR REPLACE FUNCTION immutable_no_truncate() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'posted records are immutable (TRUNCATE refused)'; END $$ LANGUAGE plpgsql")
    conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    conn.exec_driver_sql(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                         "FOR EACH STATEMENT EXECUTE FUNCTION immutable_no_truncate()")


def drop_no_truncate(conn: Connection, table: str) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")


def drop_immutable(conn: Connection, table: str) -> None:
    if conn.dialect.name == "postgresql":
        drop_no_truncate(conn, table)
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}")
        conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {table}_immutable()")
        return
    for op in ("update", "delete"):
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_{op}")


def immutable_children(conn: Connection, table: str, parent: str, fk: str, parent_when: str) -> None:
    """Refuse UPDATE and DELETE on the rows of ``table`` whose parent row (``parent.id = OLD.fk``) matches
    ``parent_when``, an SQL condition on the parent's columns (``status = 'issued'``): the lines of an issued
    document never change, the lines of a draft may. Dropped by :func:`drop_immutable`."""
    message = f"{table}: posted records are immutable"
    exists = f"EXISTS (SELECT 1 FROM {parent} WHERE {parent}.id = OLD.{fk} AND {parent}.{parent_when})"
    if conn.dialect.name == "postgresql":
        func = f"{table}_immutable"
        conn.exec_driver_sql(
            f"CREATE OR REPLACE FUNCTION {func}() RETURNS trigger AS $$ "
            f"BEGIN IF {exists} THEN RAISE EXCEPTION '{message}'; END IF; "
            f"IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$ LANGUAGE plpgsql")
        conn.exec_driver_sql(f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
                             f"FOR EACH ROW EXECUTE FUNCTION {func}()")
        no_truncate(conn, table)
        return
    for op in ("UPDATE", "DELETE"):
        conn.exec_driver_sql(f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
                             f"WHEN {exists} BEGIN SELECT RAISE(ABORT, '{message}'); END")

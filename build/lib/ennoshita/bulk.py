"""Fast bulk inserts for imports: executemany on SQLite, COPY on PostgreSQL, bypassing per-row ORM work.

Only for rows the caller has fully checked; values must already be plain Python (int, str, date, aware
datetime, bool, None).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session


def _sqlite_value(value: Any) -> Any:
    # The same text forms SQLAlchemy's SQLite types write, so ORM reads parse them back.
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal):
        return str(value)
    return value


def db_timestamp(session: Session, moment: dt.datetime) -> str:
    """A timestamp as text each database's column reads back (SQLite: naive UTC, as SQLAlchemy writes it)."""
    if session.get_bind().dialect.name == "postgresql":
        return moment.astimezone(dt.UTC).isoformat(sep=" ")
    return str(_sqlite_value(moment))


def insert_rows(session: Session, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]],
                convert: bool = True, first_offset: int = 0) -> None:
    """Insert rows; ``convert=False`` when every value is already int, str or None (dates as ISO text).
    ``first_offset`` is added to each row's first value (an int), in the statement itself on SQLite, so
    that rows built elsewhere (a batch index standing for an id) go in without being copied."""
    if not rows:
        return
    conn = session.connection()
    raw = conn.connection.dbapi_connection
    assert raw is not None
    cols = ", ".join(columns)
    if conn.dialect.name == "postgresql":
        pg_cur: Any = raw.cursor()
        try:
            with pg_cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                if first_offset:
                    for row in rows:
                        copy.write_row((row[0] + first_offset, *row[1:]))
                else:
                    for row in rows:
                        copy.write_row(row)
        finally:
            pg_cur.close()
        return
    marks = ", ".join("?" for _ in columns)
    if first_offset:
        marks = f"? + {int(first_offset)}" + marks[1:]
    cur = raw.cursor()
    try:
        data = [tuple(_sqlite_value(v) for v in row) for row in rows] if convert else rows
        cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", data)
    finally:
        cur.close()


def reserve_ids(session: Session, table: str, count: int) -> list[int]:
    """``count`` new primary keys for ``table`` (PostgreSQL: from its sequence; SQLite: after the current
    maximum, which is safe because the import holds SQLite's write lock)."""
    if count <= 0:
        return []
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        seq = conn.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table}).scalar_one()
        rows = conn.execute(text("SELECT nextval(:s) FROM generate_series(1, :n)"), {"s": seq, "n": count})
        return [int(r[0]) for r in rows]
    top = conn.execute(text(f"SELECT COALESCE(MAX(id), 0) FROM {table}")).scalar_one()
    return list(range(int(top) + 1, int(top) + 1 + count))

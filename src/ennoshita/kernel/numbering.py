"""Gapless document numbers per kind and fiscal year, for every domain: each domain keeps its own sequence
table (columns kind, fiscal_year, last_number) and names its prefixes; this takes the numbers.

A number is taken in the transaction that issues the document: a rollback gives it back, so numbers are never
skipped nor used twice (the row update serialises concurrent issuers on PostgreSQL; SQLite has one writer).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ennoshita.dates import fiscal_year_of


def reserve(session: Session, table: Any, kind: str, day: dt.date, start_month: int,
            count: int = 1) -> tuple[int, int]:
    """Take ``count`` consecutive numbers of ``kind`` in the fiscal year of ``day`` from the sequence ``table``
    (a mapped class): (fiscal year, first number)."""
    fy = fiscal_year_of(day, start_month)
    dialect = session.get_bind().dialect.name
    ins = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    session.execute(ins.values(kind=kind, fiscal_year=fy, last_number=0).on_conflict_do_nothing())
    last = session.execute(
        update(table).where(table.kind == kind, table.fiscal_year == fy)
        .values(last_number=table.last_number + count).returning(table.last_number)
    ).scalar_one()
    return fy, int(last) - count + 1

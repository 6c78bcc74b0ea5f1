"""Gapless document numbers per kind and fiscal year, for every domain: each domain keeps its own sequence
table (columns kind, fiscal_year, last_number) and names its prefixes (a :class:`Series`); this takes the numbers
and writes them one way, ``INV-2026-000123``.

A number is taken in the transaction that issues the document: a rollback gives it back, so numbers are never
skipped nor used twice (the row update serialises concurrent issuers on PostgreSQL; SQLite has one writer).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
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


def format_number(prefix: str, fiscal_year: int, seq: int) -> str:
    """A document number as people read it: ``INV-2026-000123``."""
    return f"{prefix}-{fiscal_year}-{seq:06d}"


@dataclass(frozen=True)
class Series:
    """The document numbers of one domain: its sequence table and the prefix of each kind it numbers."""

    table: Any
    prefixes: Mapping[str, str]

    def reserve(self, session: Session, kind: str, day: dt.date, start_month: int,
                count: int = 1) -> tuple[int, int]:
        """Take ``count`` consecutive numbers of ``kind`` in the fiscal year of ``day``: (fiscal year, first)."""
        return reserve(session, self.table, kind, day, start_month, count)

    def format_number(self, kind: str, fiscal_year: int, seq: int) -> str:
        return format_number(self.prefixes[kind], fiscal_year, seq)

    def next_number(self, session: Session, kind: str, day: dt.date, start_month: int) -> str:
        fy, seq = self.reserve(session, kind, day, start_month)
        return self.format_number(kind, fy, seq)

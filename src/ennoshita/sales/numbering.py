"""Gapless document numbers per kind and fiscal year: ``INV-2026-000123``.

A number is taken in the transaction that issues the document: a rollback gives it back, so numbers are
never skipped nor used twice (the row update serialises concurrent issuers on PostgreSQL; SQLite has one
writer at a time).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ennoshita.dates import fiscal_year_of
from ennoshita.sales.models import SalesSequence

PREFIXES = {"quote": "Q", "order": "SO", "delivery": "DN", "invoice": "INV", "credit_note": "CN"}


def reserve(session: Session, kind: str, day: dt.date, start_month: int, count: int = 1) -> tuple[int, int]:
    """Take ``count`` consecutive numbers of ``kind`` in the fiscal year of ``day``: (fiscal year, first)."""
    fy = fiscal_year_of(day, start_month)
    dialect = session.get_bind().dialect.name
    ins = postgresql.insert(SalesSequence) if dialect == "postgresql" else sqlite.insert(SalesSequence)
    session.execute(ins.values(kind=kind, fiscal_year=fy, last_number=0).on_conflict_do_nothing())
    last = session.execute(
        update(SalesSequence).where(SalesSequence.kind == kind, SalesSequence.fiscal_year == fy)
        .values(last_number=SalesSequence.last_number + count).returning(SalesSequence.last_number)
    ).scalar_one()
    return fy, int(last) - count + 1


def format_number(kind: str, fiscal_year: int, seq: int) -> str:
    return f"{PREFIXES[kind]}-{fiscal_year}-{seq:06d}"


def next_number(session: Session, kind: str, day: dt.date, start_month: int) -> str:
    fy, seq = reserve(session, kind, day, start_month)
    return format_number(kind, fy, seq)

"""Gapless document numbers per kind and fiscal year: ``INV-2026-000123``.

A number is taken in the transaction that issues the document: a rollback gives it back, so numbers are
never skipped nor used twice (the row update serialises concurrent issuers on PostgreSQL; SQLite has one
writer at a time).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from ennoshita import numbering
from ennoshita.sales.models import SalesSequence

PREFIXES = {"quote": "Q", "order": "SO", "delivery": "DN", "invoice": "INV", "credit_note": "CN"}


def reserve(session: Session, kind: str, day: dt.date, start_month: int, count: int = 1) -> tuple[int, int]:
    """Take ``count`` consecutive numbers of ``kind`` in the fiscal year of ``day``: (fiscal year, first)."""
    return numbering.reserve(session, SalesSequence, kind, day, start_month, count)


def format_number(kind: str, fiscal_year: int, seq: int) -> str:
    return f"{PREFIXES[kind]}-{fiscal_year}-{seq:06d}"


def next_number(session: Session, kind: str, day: dt.date, start_month: int) -> str:
    fy, seq = reserve(session, kind, day, start_month)
    return format_number(kind, fy, seq)

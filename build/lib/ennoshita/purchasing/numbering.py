"""Gapless purchasing numbers per kind and fiscal year: ``PO-2026-000012``, ``BILL-2026-000003``,
``PAY-2026-000001`` (the same rule as :mod:`ennoshita.sales.numbering`, in ``purchasing_sequences``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from ennoshita import numbering
from ennoshita.purchasing.models import PurchasingSequence

PREFIXES = {"purchase_order": "PO", "bill": "BILL", "payment_run": "PAY"}


def reserve(session: Session, kind: str, day: dt.date, start_month: int, count: int = 1) -> tuple[int, int]:
    """Take ``count`` consecutive numbers of ``kind`` in the fiscal year of ``day``: (fiscal year, first)."""
    return numbering.reserve(session, PurchasingSequence, kind, day, start_month, count)


def format_number(kind: str, fiscal_year: int, seq: int) -> str:
    return f"{PREFIXES[kind]}-{fiscal_year}-{seq:06d}"


def next_number(session: Session, kind: str, day: dt.date, start_month: int) -> str:
    fy, seq = reserve(session, kind, day, start_month)
    return format_number(kind, fy, seq)

"""Gapless document numbers per kind and fiscal year: ``INV-2026-000123``.

A number is taken in the transaction that issues the document: a rollback gives it back, so numbers are
never skipped nor used twice (the row update serialises concurrent issuers on PostgreSQL; SQLite has one
writer at a time).
"""

from __future__ import annotations

from ennoshita.kernel import numbering
from ennoshita.sales.models import SalesSequence

PREFIXES = {"quote": "Q", "order": "SO", "delivery": "DN", "invoice": "INV", "credit_note": "CN"}

SERIES = numbering.Series(SalesSequence, PREFIXES)
reserve = SERIES.reserve
format_number = SERIES.format_number
next_number = SERIES.next_number

"""Gapless purchasing numbers per kind and fiscal year: ``PO-2026-000012``, ``BILL-2026-000003``,
``PAY-2026-000001`` (the same rule as :mod:`ennoshita.sales.numbering`, in ``purchasing_sequences``)."""

from __future__ import annotations

from ennoshita.kernel import numbering
from ennoshita.purchasing.models import PurchasingSequence

PREFIXES = {"purchase_order": "PO", "bill": "BILL", "payment_run": "PAY"}

SERIES = numbering.Series(PurchasingSequence, PREFIXES)
reserve = SERIES.reserve
format_number = SERIES.format_number
next_number = SERIES.next_number

"""The journal entry of a sale: 売掛金 / 売上高 + 仮受消費税 per rate, shared by deliveries (出荷基準), invoices,
credit notes and replacements.

The tax is posted exactly as the document computed it (never split again). Under 出荷基準 each delivery posts
its sale; its invoice, whose tax is computed once per rate over all its lines (消費税法施行令70条の10), then
posts only the remainder: the invoice's figures per rate less those its deliveries already posted (a yen or two
of rounding, or nothing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from ennoshita.ledger import EntryDraft, LineDraft, chart
from ennoshita.sales.rules import RateTotal

SALES_CATEGORY = {"10": "sales_10", "8": "sales_8r", "0": "sales_exempt"}
CODE_ADVANCES = "2190"  # 前受金


def _side(account: str, amount: int, debit: bool, category: str | None, sub: str | None = None) -> LineDraft:
    if amount < 0:  # a negative remainder goes on the other side
        amount, debit = -amount, not debit
    return LineDraft(account, amount if debit else 0, 0 if debit else amount, category, sub)


def sale_draft(day: dt.date, description: str, counterparty: str, partner_code: str, rates: Sequence[RateTotal],
               credit: bool, inclusive_books: bool, advance: int = 0) -> EntryDraft | None:
    """The entry of a sale (``credit``: of its return). ``advance``: the part of a return beyond what the invoice
    still owes, credited to 前受金 (the customer's credit balance) instead of 売掛金. None when every figure is
    zero (nothing to post)."""
    lines: list[LineDraft] = []
    for rate in rates:
        category = SALES_CATEGORY[rate.rate]
        if inclusive_books or rate.tax == 0:
            lines.append(_side(chart.CODE_SALES, rate.gross, credit, category))
        else:
            lines.append(_side(chart.CODE_SALES, rate.net, credit, category))
            lines.append(_side(chart.CODE_OUTPUT_TAX, rate.tax, credit, category))
    gross = sum(r.gross for r in rates)
    head = [_side(chart.CODE_RECEIVABLE, gross - advance, not credit, None, partner_code)]
    if advance:
        head.append(_side(CODE_ADVANCES, advance, False, None, partner_code))
    lines = [ln for ln in head + lines if ln.debit or ln.credit]
    if not lines:
        return None
    return EntryDraft(day, description, counterparty, tuple(lines))


def remainder(document: Iterable[RateTotal], posted: Iterable[RateTotal]) -> tuple[RateTotal, ...]:
    """Per rate: the document's figures less what was already posted for it (its deliveries)."""
    out: dict[str, list[int]] = {}
    for r in document:
        out.setdefault(r.rate, [0, 0, 0])
        out[r.rate][0] += r.net
        out[r.rate][1] += r.tax
        out[r.rate][2] += r.gross
    for r in posted:
        out.setdefault(r.rate, [0, 0, 0])
        out[r.rate][0] -= r.net
        out[r.rate][1] -= r.tax
        out[r.rate][2] -= r.gross
    return tuple(RateTotal(rate, n, t, g) for rate, (n, t, g) in out.items() if n or t or g)  # type: ignore[arg-type]

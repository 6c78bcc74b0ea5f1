"""The journal entry of a sale: 売掛金 / 売上高 + 仮受消費税 per rate, shared by deliveries (出荷基準), invoices,
credit notes and replacements.

The tax is posted exactly as the document computed it (never split again). Under 出荷基準 each delivery posts
its sale; its invoice, whose tax is computed once per rate over all its lines (消費税法施行令70条の10), then
posts only the remainder: the invoice's figures per rate less those its deliveries already posted (a yen or two
of rounding, or nothing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from ennoshita.kernel.lines import ResolvedLine
from ennoshita.kernel.tax import RateTotal
from ennoshita.ledger import EntryDraft, LineDraft, chart

SALES_CATEGORY = {"10": "sales_10", "8": "sales_8r", "0": "sales_exempt"}
# a 0% line's kind → its 税区分: 輸出免税売上 (免税, 消費税法7条), 非課税売上 (6条), 不課税
KIND_CATEGORY = {"export": "sales_export", "exempt": "sales_exempt", "out_of_scope": "out_of_scope"}
CODE_ADVANCES = "2190"  # 前受金


def _side(account: str, amount: int, debit: bool, category: str | None, sub: str | None = None) -> LineDraft:
    if amount < 0:  # a negative remainder goes on the other side
        amount, debit = -amount, not debit
    return LineDraft(account, amount if debit else 0, 0 if debit else amount, category, sub)


def zero_kinds(lines: Iterable[ResolvedLine]) -> dict[str, int]:
    """The 0% lines' amounts by kind (免税 / 非課税 / 不課税), to post each to its 税区分."""
    out: dict[str, int] = {}
    for ln in lines:
        if ln.tax_rate == "0":
            kind = ln.tax_kind or "exempt"
            out[kind] = out.get(kind, 0) + ln.amount
    return out


def sale_draft(day: dt.date, description: str, counterparty: str, partner_code: str, rates: Sequence[RateTotal],
               credit: bool, inclusive_books: bool, advance: int = 0,
               zero: Mapping[str, int] | None = None) -> EntryDraft | None:
    """The entry of a sale (``credit``: of its return). ``advance``: the part of a return beyond what the invoice
    still owes, credited to 前受金 (the customer's credit balance) instead of 売掛金. ``zero``: the 0% amount by
    kind (:func:`zero_kinds`), posted as 輸出免税売上 / 非課税売上 / 不課税 (when it adds up to the 0% figure).
    None when every figure is zero (nothing to post)."""
    lines: list[LineDraft] = []
    for rate in rates:
        category = SALES_CATEGORY[rate.rate]
        if rate.rate == "0" and zero and sum(zero.values()) == rate.gross:
            lines.extend(_side(chart.CODE_SALES, amount, credit, KIND_CATEGORY.get(kind, "sales_exempt"))
                         for kind, amount in sorted(zero.items()))
            continue
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

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
from ennoshita.ledger.taxes import with_business_type

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


def business_types(lines: Iterable[ResolvedLine]) -> dict[str, dict[int, int]]:
    """The 10% / 8% lines' amounts per rate and 簡易課税の事業区分 (0: none named, the company's default), to post
    each type's share of the rate's 売上高 with its tagged 税区分 (``sales_10:t2``)."""
    out: dict[str, dict[int, int]] = {}
    for ln in lines:
        if ln.tax_rate != "0":
            per = out.setdefault(ln.tax_rate, {})
            per[ln.business_type or 0] = per.get(ln.business_type or 0, 0) + ln.amount
    return out


def split_by_type(amount: int, weights: Mapping[int, int]) -> list[tuple[int, int]]:
    """``amount`` (a rate's 売上高 as the document computed it, tax rounded once per rate) shared among the 事業区分
    in proportion to their line amounts: each share 1円未満切捨て, the last type (the highest number) gets the
    rest, so the shares add up to ``amount``. One type, or weights adding to zero: that type / untagged whole."""
    items = sorted((t, w) for t, w in weights.items() if w)
    total = sum(w for _t, w in items)
    if not items or total == 0:
        return [(0, amount)]
    if len(items) == 1:
        return [(items[0][0], amount)]
    shares = [(t, amount * w // total) for t, w in items[:-1]]
    return [*shares, (items[-1][0], amount - sum(v for _t, v in shares))]


def sale_draft(day: dt.date, description: str, counterparty: str, partner_code: str, rates: Sequence[RateTotal],
               credit: bool, inclusive_books: bool, advance: int = 0,
               zero: Mapping[str, int] | None = None,
               types: Mapping[str, Mapping[int, int]] | None = None) -> EntryDraft | None:
    """The entry of a sale (``credit``: of its return). ``advance``: the part of a return beyond what the invoice
    still owes, credited to 前受金 (the customer's credit balance) instead of 売掛金. ``zero``: the 0% amount by
    kind (:func:`zero_kinds`), posted as 輸出免税売上 / 非課税売上 / 不課税 (when it adds up to the 0% figure).
    ``types``: the 10% / 8% amounts per 事業区分 (:func:`business_types`): the rate's 売上高 line is split among them
    (:func:`split_by_type`), each with its tagged 税区分; the 仮受消費税 line stays one per rate (the 簡易課税
    return reads the types from the 売上高 lines). None when every figure is zero (nothing to post)."""
    lines: list[LineDraft] = []
    for rate in rates:
        category = SALES_CATEGORY[rate.rate]
        if rate.rate == "0" and zero and sum(zero.values()) == rate.gross:
            lines.extend(_side(chart.CODE_SALES, amount, credit, KIND_CATEGORY.get(kind, "sales_exempt"))
                         for kind, amount in sorted(zero.items()))
            continue
        weights = (types or {}).get(rate.rate, {})
        sales = rate.gross if inclusive_books or rate.tax == 0 else rate.net
        lines.extend(_side(chart.CODE_SALES, amount, credit, with_business_type(category, btype))
                     for btype, amount in split_by_type(sales, weights))
        if not (inclusive_books or rate.tax == 0):
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

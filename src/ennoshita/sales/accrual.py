"""未請求売上の計上 under 請求基準 (issue 11 item 3 (b)).

With ``sales_revenue_recognition = "invoice"`` the sale posts on the invoice date, so a delivery made in
March and billed in April would fall in the next fiscal year (法人税法22条の2, 消費税基本通達9-1-1 put the
sale on the day of delivery). At each month end the deliveries made up to that day and not billed by then
are accrued: 未収入金 (未請求売上) / 売上高 + 仮受消費税 per rate and 0% kind, with each delivery's own
figures; the entry is reversed on the first day of the next month, when the invoice posts the sale.

One accrual per month: the entries carry ``source_ref`` ``未請求-YYYY-MM``; a second run for a month that
already has one is refused. The journal's 取消 refuses these entries (:mod:`ennoshita.sales.ledger_owner`): the
accrual and its reversal are one pair, and reversing either alone would leave the month's sales wrong.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select

from ennoshita import audit
from ennoshita.actor import Actor
from ennoshita.db import UnitOfWork
from ennoshita.errors import Invalid
from ennoshita.identity import load_company
from ennoshita.identity.roles import require
from ennoshita.kernel.lines import totals_of
from ennoshita.kernel.tax import PriceEntry, RateTotal
from ennoshita.ledger import EntryDraft, LineDraft, PostingBatch, chart
from ennoshita.ledger.models import JournalEntry
from ennoshita.sales import settings as sales_settings
from ennoshita.sales.flow import delivery_lines
from ennoshita.sales.models import Delivery, Invoice
from ennoshita.sales.posting import business_types, remainder, sale_draft, zero_kinds

SOURCE = "sales"
CODE_UNBILLED = chart.CODE_OTHER_RECEIVABLE  # 未収入金 (未請求売上): the 売掛金 sub-ledger stays the invoices'


@dataclass(frozen=True)
class AccrualResult:
    month: str  # YYYY-MM
    month_end: dt.date
    deliveries: tuple[str, ...]
    net: int
    tax: int
    gross: int
    entry_id: int | None  # None: nothing unbilled, nothing posted
    reversal_id: int | None


def month_ref(month_end: dt.date) -> str:
    return f"未請求-{month_end:%Y-%m}"


def parse_month(text: str) -> dt.date:
    """``YYYY-MM`` → the month's last day."""
    try:
        first = dt.date.fromisoformat(f"{text.strip()}-01")
    except ValueError:
        raise Invalid("sales.error.accrual_month", field="month", value=text) from None
    return _last_day(first)


def _last_day(day: dt.date) -> dt.date:
    nxt = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return nxt - dt.timedelta(days=1)


def _mirror(draft: EntryDraft, day: dt.date, description: str) -> EntryDraft:
    return EntryDraft(day, description, draft.counterparty, tuple(
        LineDraft(ln.account_code, ln.credit, ln.debit, ln.tax_category, ln.sub_account, ln.department, ln.memo)
        for ln in draft.lines))


def accrue_month(uow: UnitOfWork, actor: Actor, month_end: dt.date) -> AccrualResult:
    """Accrue the deliveries not billed by ``month_end`` (any day of the month is taken as its last day) and
    reverse the accrual on the next day; one transaction, audited. Refused unless the company books sales on
    the invoice date, and for a month already accrued."""
    require(actor, "sales.edit")
    month_end = _last_day(month_end)
    ref = month_ref(month_end)
    with uow:
        s = uow.session
        if sales_settings.read_in(uow).revenue_recognition != "invoice":
            raise Invalid("sales.error.accrual_setting", field="month")
        if s.scalar(select(JournalEntry.id).where(JournalEntry.source == SOURCE, JournalEntry.source_ref == ref)
                    .limit(1)) is not None:
            raise Invalid("sales.error.accrual_done", field="month", month=f"{month_end:%Y-%m}")
        company = load_company(uow)
        deliveries = list(s.scalars(
            select(Delivery).outerjoin(Invoice, Invoice.id == Delivery.invoice_id)
            .where(Delivery.delivery_date <= month_end, Delivery.journal_entry_id.is_(None),  # 出荷基準 posted it
                   or_(Delivery.invoice_id.is_(None), Invoice.status == "draft", Invoice.issue_date > month_end))
            .order_by(Delivery.delivery_date, Delivery.id)))
        rates: list[RateTotal] = []
        zero: dict[str, int] = {}
        types: dict[str, dict[int, int]] = {}
        for d in deliveries:
            lines = delivery_lines(s, d.id)
            rates.extend(totals_of(lines, PriceEntry(d.price_entry), company.rounding).rates)
            for kind, amount in zero_kinds(lines).items():
                zero[kind] = zero.get(kind, 0) + amount
            for rate, per in business_types(lines).items():
                for btype, amount in per.items():
                    types.setdefault(rate, {})[btype] = types.setdefault(rate, {}).get(btype, 0) + amount
        merged = remainder(rates, ())
        entry_id = reversal_id = None
        draft = sale_draft(month_end, f"未請求売上 {month_end:%Y-%m}", "", "", merged, False,
                           company.tax_accounting != "exclusive", zero=zero, types=types)
        if draft is not None:
            draft = EntryDraft(draft.date, draft.description, draft.counterparty, tuple(
                LineDraft(CODE_UNBILLED, ln.debit, ln.credit) if ln.account_code == chart.CODE_RECEIVABLE else ln
                for ln in draft.lines))
            batch = PostingBatch(s)
            entry_id = batch.post(actor, draft, source=SOURCE, source_ref=ref).id
            back = _mirror(draft, month_end + dt.timedelta(days=1), f"未請求売上 振戻 {month_end:%Y-%m}")
            reversal_id = batch.post(actor, back, source=SOURCE, source_ref=ref, reverses_id=entry_id).id
        result = AccrualResult(f"{month_end:%Y-%m}", month_end, tuple(d.number for d in deliveries),
                               sum(r.net for r in merged), sum(r.tax for r in merged), sum(r.gross for r in merged),
                               entry_id, reversal_id)
        audit.record(s, actor, "sales_accrual", entry_id or 0, "accrue",
                     after={"month": result.month, "deliveries": list(result.deliveries), "gross": result.gross,
                            "entry_id": entry_id, "reversal_id": reversal_id})
        uow.commit()
    return result


__all__ = ["AccrualResult", "accrue_month", "month_ref", "parse_month"]

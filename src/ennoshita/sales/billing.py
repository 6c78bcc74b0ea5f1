"""請求: qualified invoices (適格請求書) per delivery, by 締め請求 run, or entered directly; credit notes
(適格返還請求書) and replacement invoices; each issued together with its posting to the ledger.

An invoice is issued once: its number is gapless per fiscal year, its rows never change (database trigger),
its tax is computed once per rate over all its lines. Issuing posts 売掛金 / 売上高 + 仮受消費税 (per rate)
with the customer as 補助科目 in the same transaction, and opens the invoice's row in the receivables
sub-ledger; a credit note posts the reverse and reduces what the original still owes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from ennoshita import audit
from ennoshita.actor import Actor
from ennoshita.bulk import insert_rows, reserve_ids
from ennoshita.dates import HolidayShift, now_utc, today_tokyo
from ennoshita.db import UnitOfWork
from ennoshita.errors import Conflict, Invalid, NotFound, Problem
from ennoshita.identity import load_company
from ennoshita.identity.company import CompanyData
from ennoshita.identity.roles import require
from ennoshita.kernel.lines import LineInput, ResolvedLine, line_problems, price_entry_of, resolve_lines, totals_of
from ennoshita.kernel.tax import InvoiceTotals, PriceEntry, RateTotal
from ennoshita.ledger import EntryDraft, PostingBatch, chart
from ennoshita.ledger.batch import ensure_sub_accounts, post_many
from ennoshita.lengths import length_problems
from ennoshita.money import Rounding
from ennoshita.partners.models import Partner
from ennoshita.partners.terms import closing_date_for, day_in_month, payment_due
from ennoshita.sales import credit, customer_credit
from ennoshita.sales import settings as sales_settings
from ennoshita.sales.models import Delivery, DeliveryLine, Invoice, InvoiceLine, Receivable
from ennoshita.sales.numbering import format_number, reserve
from ennoshita.sales.posting import business_types, remainder, sale_draft, zero_kinds
from ennoshita.sales.rules import CreditWarning, statement_balance


@dataclass(frozen=True)
class InvoiceSummary:
    id: int
    number: str
    kind: str
    partner_id: int
    issue_date: dt.date
    due_date: dt.date
    net: int
    tax: int
    gross: int
    billed: int
    entry_no: str
    warnings: tuple[CreditWarning, ...] = ()  # the customer is over its credit limit (issued all the same)


@dataclass(frozen=True)
class _Line:
    resolved: ResolvedLine
    line_date: dt.date | None = None
    delivery_id: int | None = None


@dataclass
class _Issuer:
    """What every invoice of one transaction shares: the company, the ledger batch, partners' sub-accounts."""

    session: Session
    actor: Actor
    company: CompanyData
    batch: PostingBatch

    @classmethod
    def open(cls, session: Session, actor: Actor, company: CompanyData) -> _Issuer:
        if not company.registration_number:
            raise Invalid("sales.error.no_registration_number", field="registration_number")
        return cls(session, actor, company, PostingBatch(session))

    def draft(self, partner: Partner, number: str, day: dt.date, rates: Sequence[RateTotal], credit: bool,
              advance: int = 0, zero: dict[str, int] | None = None,
              types: dict[str, dict[int, int]] | None = None) -> EntryDraft | None:
        """The journal entry of an invoice (or, ``credit``, of a credit note) for ``rates`` (the invoice's, or
        what is left of them after its deliveries posted theirs: :func:`ennoshita.sales.posting.remainder`)."""
        memo = "返還" if credit else "売上"
        return sale_draft(day, f"{memo} {number} {partner.name}", partner.name, partner.code, rates, credit,
                          self.company.tax_accounting != "exclusive", advance, zero, types)

    def post(self, partner: Partner, number: str, day: dt.date, rates: Sequence[RateTotal], credit: bool,
             reverses_id: int | None = None, advance: int = 0,
             zero: dict[str, int] | None = None,
             types: dict[str, dict[int, int]] | None = None) -> tuple[int | None, str]:
        self.batch.sub_account(self.actor, chart.CODE_RECEIVABLE, partner.code, partner.name, partner.name_kana,
                               partner.id)
        if advance:
            customer_credit.advance_sub(self.batch, self.actor, partner)
        draft = self.draft(partner, number, day, rates, credit, advance, zero, types)
        if draft is None:
            return None, ""
        posted = self.batch.post(self.actor, draft, source="sales", source_ref=number, reverses_id=reverses_id)
        return posted.id, posted.entry_no

    def on_delivery(self) -> bool:
        """出荷基準 (the company setting): a sale belongs to the date it was supplied."""
        return sales_settings.read_session(self.session).revenue_recognition == "delivery"

    def post_earlier_lines(self, partner: Partner, number: str, issue_date: dt.date, lines: Sequence[_Line],
                           price_entry: PriceEntry) -> tuple[RateTotal, ...]:
        """Lines with a 取引年月日 before the issue date post their sale on that date (one entry per date, their
        tax computed per date); the invoice's own entry then posts the rest (:func:`remainder`). Returns what
        was posted."""
        by_day: dict[dt.date, list[ResolvedLine]] = defaultdict(list)
        for ln in lines:
            if ln.line_date is not None and ln.line_date < issue_date:
                by_day[ln.line_date].append(ln.resolved)
        posted: list[RateTotal] = []
        for day in sorted(by_day):
            rates = totals_of(by_day[day], price_entry, self.company.rounding).rates
            draft = sale_draft(day, f"売上 {number} {partner.name} ({day:%m/%d}取引)", partner.name, partner.code,
                               rates, False, self.company.tax_accounting != "exclusive",
                               zero=zero_kinds(by_day[day]), types=business_types(by_day[day]))
            if draft is not None:
                self.batch.sub_account(self.actor, chart.CODE_RECEIVABLE, partner.code, partner.name,
                                       partner.name_kana, partner.id)
                self.batch.post(self.actor, draft, source="sales", source_ref=number)
                posted.extend(rates)
        return tuple(posted)

    def issue(self, partner: Partner, kind: str, lines: Sequence[_Line], price_entry: PriceEntry,
              issue_date: dt.date, due_date: dt.date, *, billing: str, subject: str = "", notes: str = "",
              period: tuple[dt.date, dt.date] | None = None, statement: tuple[int, int] | None = None,
              original: Invoice | None = None, replaces: Invoice | None = None,
              number: str | None = None, draft: Invoice | None = None, advance: int = 0,
              posted: Sequence[RateTotal] = ()) -> InvoiceSummary:
        """Number, post and write one invoice (or credit note) with its lines and receivable. ``draft``: the
        draft row this issues (its lines are written again as resolved; its row becomes the issued one);
        ``posted``: what its deliveries already posted (出荷基準), taken off its own posting."""
        totals = totals_of([ln.resolved for ln in lines], price_entry, self.company.rounding)
        if kind == "invoice" and totals.gross < 0:
            raise Invalid("sales.error.negative_invoice", field="lines")
        if number is None:
            fy, seq = reserve(self.session, kind, issue_date, self.company.fiscal_year_start_month)
            number = format_number(kind, fy, seq)
        rest = [ln.resolved for ln in lines]
        if kind == "invoice" and not posted and self.on_delivery():
            posted = self.post_earlier_lines(partner, number, issue_date, lines, price_entry)
            rest = [ln.resolved for ln in lines if not (ln.line_date and ln.line_date < issue_date)]
        entry_id, entry_no = self.post(partner, number, issue_date, remainder(totals.rates, posted),
                                       kind == "credit_note", advance=advance, zero=zero_kinds(rest),
                                       types=business_types(rest))
        rates = {r.rate: r for r in totals.rates}
        previous = received = carried = None
        billed = totals.gross
        if statement is not None:
            previous, received = statement
            carried, billed = statement_balance(previous, received, totals.gross)
        values: dict[str, Any] = dict(  # noqa: C408 (keyword names are the column names)
            number=number, status="issued", kind=kind, partner_id=partner.id, issue_date=issue_date,
            period_from=period[0] if period else None, period_to=period[1] if period else None,
            due_date=due_date, billing=billing, subject=subject, recipient_name=partner.name,
            issuer_name=self.company.name, issuer_registration_number=self.company.registration_number or "",
            price_entry=price_entry.value, rounding=self.company.tax_rounding,
            net_10=rates["10"].net if "10" in rates else 0, tax_10=rates["10"].tax if "10" in rates else 0,
            net_8=rates["8"].net if "8" in rates else 0, tax_8=rates["8"].tax if "8" in rates else 0,
            net_0=rates["0"].net if "0" in rates else 0, net=totals.net, tax=totals.tax, gross=totals.gross,
            previous_billed=previous, received=received, carried_over=carried, billed=billed,
            original_id=original.id if original else None, replaces_id=replaces.id if replaces else None,
            notes=notes, journal_entry_id=entry_id, issued_by=self.actor.user_id, issued_at=now_utc())
        if draft is not None:  # lines go while the row is still a draft (the trigger guards issued rows)
            self.session.execute(delete(InvoiceLine).where(InvoiceLine.invoice_id == draft.id))
            for key, value in values.items():
                setattr(draft, key, value)
            invoice = draft
        else:
            invoice = Invoice(**values)
            self.session.add(invoice)
        self.session.flush()
        self.session.execute(insert(InvoiceLine), [
            {"invoice_id": invoice.id, "line_date": ln.line_date, "delivery_id": ln.delivery_id,
             "price_includes_tax": ln.resolved.price_includes_tax, **ln.resolved.sales_row(n)}
            for n, ln in enumerate(lines, start=1)])
        if kind == "invoice":
            self.session.add(Receivable(invoice_id=invoice.id, partner_id=partner.id, due_date=due_date,
                                        amount=totals.gross, paid_amount=0, open_amount=totals.gross, status="open"))
        audit.record(self.session, self.actor, "invoice", invoice.id, "issue", after={
            "number": number, "kind": kind, "partner_id": partner.id, "issue_date": issue_date.isoformat(),
            "due_date": due_date.isoformat(), "rates": totals.breakdown(), "gross": totals.gross, "billed": billed,
            "journal_entry": entry_no, "original": original.number if original else None,
            "replaces": replaces.number if replaces else None, "lines": len(lines)})
        return InvoiceSummary(invoice.id, number, kind, partner.id, issue_date, due_date, totals.net, totals.tax,
                              totals.gross, billed, entry_no)


def _customer(s: Session, partner_id: int) -> Partner:
    partner = s.get(Partner, partner_id)
    if partner is None or not partner.is_customer:
        raise Invalid("sales.error.customer_required", field="partner_id", id=partner_id)
    return partner


def due_date_for(partner: Partner, closing_date: dt.date) -> dt.date:
    return payment_due(closing_date, partner.months_after, partner.pay_day, HolidayShift(partner.holiday_shift))


# --- direct invoices ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InvoiceInput:
    partner_id: int
    issue_date: dt.date
    lines: tuple[LineInput, ...]
    subject: str = ""
    price_entry: str = "exclusive"  # empty: 税込 when every line says its price includes tax, else 税抜
    due_date: dt.date | None = None
    notes: str = ""


def invoice_price_entry(cmd: InvoiceInput) -> PriceEntry:
    """The invoice's price entry: as given, else taken from the lines (税込 only when every line is)."""
    if cmd.price_entry:
        return price_entry_of(cmd.price_entry)
    if cmd.lines and all(ln.price_includes_tax for ln in cmd.lines):
        return PriceEntry.TAX_INCLUSIVE
    return PriceEntry.TAX_EXCLUSIVE


def invoice_problems(uow: UnitOfWork, cmd: InvoiceInput) -> list[Problem]:
    """What :func:`issue_invoice` (or a draft) would refuse in the subject and the lines, without writing; the
    customer and the dates are not looked at (a form that cannot read them reports that itself, and this beside it)."""
    with uow:
        too_long = length_problems(Invoice, {"subject": cmd.subject})
        return too_long + line_problems(uow.session, cmd.lines, invoice_price_entry(cmd).value,
                                        load_company(uow).rounding)


def issue_invoice(uow: UnitOfWork, actor: Actor, cmd: InvoiceInput) -> InvoiceSummary:
    """An invoice entered directly (no delivery behind it): 請求書発行依頼, a service, a fee."""
    require(actor, "sales.edit")
    price_entry = invoice_price_entry(cmd)
    with uow:
        s = uow.session
        company = load_company(uow)
        partner = _customer(s, cmd.partner_id)
        too_long = length_problems(Invoice, {"subject": cmd.subject})
        try:
            resolved, _totals = resolve_lines(s, cmd.lines, price_entry, company.rounding)
        except Invalid as exc:
            raise Invalid(problems=too_long + exc.problems) from None
        if too_long:
            raise Invalid(problems=too_long)
        due = cmd.due_date or due_date_for(partner, closing_date_for(cmd.issue_date, partner.closing_day or 31))
        if due < cmd.issue_date:
            raise Invalid("sales.error.due_before_issue", field="due_date")
        days = line_dates(cmd.lines, cmd.issue_date)
        issuer = _Issuer.open(s, actor, company)
        result = issuer.issue(partner, "invoice", [_Line(r, d) for r, d in zip(resolved, days, strict=True)],
                              price_entry, cmd.issue_date, due, billing="manual", subject=cmd.subject,
                              notes=cmd.notes)
        result = replace(result, warnings=credit.warnings_for(s, partner.id))
        uow.commit()
    return result


def line_dates(lines: Sequence[LineInput], issue_date: dt.date) -> list[dt.date]:
    """Each line's 取引年月日 (消費税法57条の4①二): as given, else the issue date; a date after the issue date is
    refused (the invoice bills what was supplied)."""
    problems = [Problem("sales.error.line_after_issue", f"lines[{i}].line_date", {"date": ln.line_date})
                for i, ln in enumerate(lines) if ln.line_date is not None and ln.line_date > issue_date]
    if problems:
        raise Invalid(problems=problems)
    return [ln.line_date or issue_date for ln in lines]


def invoice_delivery(uow: UnitOfWork, actor: Actor, delivery_id: int,
                     issue_date: dt.date | None = None) -> InvoiceSummary:
    """都度請求: one invoice for one delivery."""
    require(actor, "sales.edit")
    with uow:
        s = uow.session
        company = load_company(uow)
        delivery = s.get(Delivery, delivery_id)
        if delivery is None:
            raise NotFound("sales.error.delivery_not_found", field="delivery_id", id=delivery_id)
        if delivery.invoice_id is not None:
            raise Conflict("sales.error.delivery_billed", field="delivery_id", number=delivery.number)
        partner = _customer(s, delivery.partner_id)
        day = issue_date or delivery.delivery_date
        resolved = _delivery_lines(s, [delivery.id])[delivery.id]
        lines = [_Line(r, delivery.delivery_date, delivery.id) for r in resolved]
        posted = totals_of(resolved, PriceEntry(delivery.price_entry), company.rounding).rates \
            if delivery.journal_entry_id is not None else ()
        issuer = _Issuer.open(s, actor, company)
        result = issuer.issue(partner, "invoice", lines, PriceEntry(delivery.price_entry), day,
                              due_date_for(partner, delivery.delivery_date), billing="delivery",
                              subject=_order_subject(s, delivery), posted=posted)
        delivery.invoice_id = result.id
        result = replace(result, warnings=credit.warnings_for(s, partner.id))
        uow.commit()
    return result


def _order_subject(s: Session, delivery: Delivery) -> str:
    """件名 of a per-delivery invoice: the order's subject, else the delivery number."""
    from ennoshita.sales.models import SalesOrder

    order = s.get(SalesOrder, delivery.order_id) if delivery.order_id else None
    return order.subject if order is not None and order.subject else delivery.number


def _delivery_lines(s: Session, ids: Sequence[int]) -> dict[int, list[ResolvedLine]]:
    from decimal import Decimal

    out: dict[int, list[ResolvedLine]] = defaultdict(list)
    for start in range(0, len(ids), 5000):
        chunk = ids[start:start + 5000]
        rows = s.execute(select(DeliveryLine.delivery_id, DeliveryLine.item_id, DeliveryLine.description,
                                DeliveryLine.quantity, DeliveryLine.unit, DeliveryLine.unit_price,
                                DeliveryLine.tax_rate, DeliveryLine.amount, DeliveryLine.tax_kind,
                                DeliveryLine.business_type)
                         .where(DeliveryLine.delivery_id.in_(chunk))
                         .order_by(DeliveryLine.delivery_id, DeliveryLine.line_no))
        for r in rows:
            out[r.delivery_id].append(ResolvedLine(r.item_id, r.description, Decimal(r.quantity), r.unit,
                                                   Decimal(r.unit_price), r.tax_rate, r.amount, r.amount < 0,
                                                   tax_kind=r.tax_kind, business_type=r.business_type))
    return out


# --- 締め請求 -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BillingRunResult:
    closing_date: dt.date
    invoices: tuple[InvoiceSummary, ...]
    problems: tuple[Problem, ...] = field(default=())

    @property
    def total_billed(self) -> int:
        return sum(i.gross for i in self.invoices)


def closing_days_for(closing_date: dt.date) -> list[int]:
    """The partner closing days (5/10/.../末日) whose closing falls on ``closing_date``."""
    return [d for d in (5, 10, 15, 20, 25, 31)
            if day_in_month(closing_date.year, closing_date.month, d) == closing_date]


@dataclass(frozen=True)
class _Statement:
    """Where a customer's statement chain stands before this run."""

    previous: int  # 前回御請求額: the last statement's 今回御請求額 + what was billed apart since (net of 差替)
    balance: int  # what the customer owes now: its open receivables − its credit balance (the sub-ledger)
    last_close: dt.date | None  # the last statement's closing date


def _statements(s: Session, partner_ids: Sequence[int], exclude: Sequence[int] = ()) -> dict[int, _Statement]:
    """Per customer: the statement figures, from the receivables sub-ledger, in a few grouped queries.

    前回御請求額 = the previous statement's 今回御請求額, plus the invoices issued to the customer since apart from
    any statement (a 都度 or direct invoice; a replacement counts its difference to the invoice it replaced);
    the balance now = open receivables − credit balance; so 御入金額 = 前回御請求額 − balance is every receipt
    and credit applied since the previous statement was cut, whatever the deposit's own date, net of 消込取消."""
    wanted = set(partner_ids)
    last = (select(Invoice.partner_id, func.max(Invoice.id).label("last_id"))
            .where(Invoice.kind == "invoice", Invoice.status == "issued", Invoice.previous_billed.is_not(None),
                   Invoice.id.not_in(list(exclude) or [0]))  # an early run's statements being recomputed
            .group_by(Invoice.partner_id).subquery())
    previous: dict[int, tuple[int, dt.date | None]] = {
        int(pid): (int(billed), period_to) for pid, billed, period_to in s.execute(
            select(Invoice.partner_id, Invoice.billed, Invoice.period_to).join(last, last.c.last_id == Invoice.id))
        if int(pid) in wanted}
    since = func.coalesce(last.c.last_id, 0)
    apart: dict[int, int] = defaultdict(int)
    for pid, gross in s.execute(
            select(Invoice.partner_id, func.sum(Invoice.gross))
            .outerjoin(last, last.c.partner_id == Invoice.partner_id)
            .where(Invoice.kind == "invoice", Invoice.status == "issued", Invoice.previous_billed.is_(None),
                   Invoice.id > since)
            .group_by(Invoice.partner_id)):
        apart[int(pid)] += int(gross or 0)
    replaced = Invoice.__table__.alias("replaced")
    for pid, gross in s.execute(
            select(Invoice.partner_id, func.sum(replaced.c.gross))
            .join(replaced, replaced.c.id == Invoice.replaces_id)
            .outerjoin(last, last.c.partner_id == Invoice.partner_id)
            .where(Invoice.status == "issued", Invoice.id > since)
            .group_by(Invoice.partner_id)):
        apart[int(pid)] -= int(gross or 0)
    owed: dict[int, int] = defaultdict(int)
    for pid, amount in s.execute(select(Receivable.partner_id, func.sum(Receivable.open_amount))
                                 .where(Receivable.status == "open").group_by(Receivable.partner_id)):
        owed[int(pid)] += int(amount or 0)
    for pid, amount in customer_credit.balances(s).items():
        owed[pid] -= amount
    out: dict[int, _Statement] = {}
    for pid in wanted:
        billed, last_close = previous.get(pid, (0, None))
        out[pid] = _Statement(billed + apart.get(pid, 0), owed.get(pid, 0), last_close)
    return out


@dataclass
class _Plan:
    partner: Partner
    lines: list[_Line]
    price_entry: PriceEntry
    due_date: dt.date
    billing: str
    totals: InvoiceTotals
    period: tuple[dt.date, dt.date] | None = None
    statement: tuple[int, int] | None = None
    posted: tuple[RateTotal, ...] = ()  # what its deliveries already posted (出荷基準)
    zero: dict[str, int] = field(default_factory=dict)  # 0% amounts by kind not yet posted
    replaces: int | None = None  # the early run's invoice this re-run replaces
    types: dict[str, dict[int, int]] = field(default_factory=dict)  # 10% / 8% amounts by 事業区分 not yet posted


INVOICE_COLUMNS = (
    "id", "number", "kind", "partner_id", "issue_date", "period_from", "period_to", "due_date", "billing", "subject",
    "recipient_name", "issuer_name", "issuer_registration_number", "price_entry", "rounding", "net_10", "tax_10",
    "net_8", "tax_8", "net_0", "net", "tax", "gross", "previous_billed", "received", "carried_over", "billed",
    "original_id", "replaces_id", "notes", "journal_entry_id", "issued_by", "issued_at")
INVOICE_LINE_COLUMNS = ("invoice_id", "line_no", "item_id", "description", "quantity", "unit", "unit_price",
                        "tax_rate", "amount", "line_date", "delivery_id", "tax_kind")


def billing_run(uow: UnitOfWork, actor: Actor, closing_date: dt.date, issue_date: dt.date | None = None,
                partner_ids: Sequence[int] | None = None, *, early: bool = False,
                today: dt.date | None = None) -> BillingRunResult:
    """締め請求 for every customer at once: one invoice per customer (and price entry) per closing date over
    every unbilled delivery up to that date; customers billed per delivery (都度) get one invoice per
    delivery. All or nothing: one transaction for the whole run, written in bulk (numbers, postings,
    invoices, receivables), with one audit record naming every invoice and its journal entry.

    Each statement's 前回御請求額 / 御入金額 / 繰越 / 今回御請求額 come from the receivables sub-ledger at the
    time of the run (:func:`_statements`), so the new 今回御請求額 is what the customer owes; a credit balance
    the customer has is applied to its new invoices. A closing date after ``today`` (Japan time) is refused
    unless the user confirms it is early (``early``): the receipts up to the closing date are not known yet, and
    the statement then counts only those applied when it is run."""
    require(actor, "sales.edit")
    day = issue_date or closing_date
    if closing_date > (today or today_tokyo()) and not early:
        raise Invalid("sales.error.closing_in_future", field="closing_date", date=closing_date)
    if day < closing_date:
        raise Invalid("sales.error.issue_before_closing", field="issue_date")
    days = closing_days_for(closing_date)
    with uow:
        s = uow.session
        company = load_company(uow)
        query = select(Partner).where(Partner.is_customer.is_(True), Partner.closing_day.in_([0, *days]))
        if partner_ids is not None:
            query = query.where(Partner.id.in_(list(partner_ids)))
        partners = {p.id: p for p in s.scalars(query)}
        redo: dict[tuple[int, str], int] = {}
        if closing_date >= (today or today_tokyo()):  # the date has not passed: an early run is recomputed
            redo = _void_early_run(s, actor, closing_date, sorted(partners))
        deliveries = [d for d in s.execute(
            select(Delivery.id, Delivery.partner_id, Delivery.delivery_date, Delivery.price_entry,
                   Delivery.journal_entry_id)
            .where(Delivery.invoice_id.is_(None), Delivery.delivery_date <= closing_date)
            .order_by(Delivery.partner_id, Delivery.delivery_date, Delivery.id)) if d.partner_id in partners]
        if not deliveries:
            return BillingRunResult(closing_date, ())
        lines = _delivery_lines(s, [d.id for d in deliveries])
        groups: dict[tuple[int, str], list[tuple[int, dt.date]]] = defaultdict(list)
        posted_by: dict[int, tuple[RateTotal, ...]] = {}
        for d in deliveries:
            groups[(d.partner_id, d.price_entry)].append((d.id, d.delivery_date))
            if d.journal_entry_id is not None:  # 出荷基準: its sale is in the books already
                posted_by[d.id] = totals_of(lines[d.id], PriceEntry(d.price_entry), company.rounding).rates
        statements = _statements(s, sorted({d.partner_id for d in deliveries}), list(redo.values()))
        plans: list[_Plan] = []
        delivery_groups: list[list[int]] = []
        for (partner_id, entry), items in groups.items():
            partner = partners[partner_id]
            price_entry = PriceEntry(entry)
            if partner.closing_day == 0:
                for delivery_id, delivery_date in items:
                    inv_lines = [_Line(r, delivery_date, delivery_id) for r in lines[delivery_id]]
                    plans.append(_Plan(partner, inv_lines, price_entry, due_date_for(partner, delivery_date),
                                       "delivery", _totals(inv_lines, price_entry, company),
                                       posted=posted_by.get(delivery_id, ()),
                                       zero=zero_kinds(lines[delivery_id]) if delivery_id not in posted_by else {},
                                       types=business_types(lines[delivery_id]) if delivery_id not in posted_by
                                       else {}))
                    delivery_groups.append([delivery_id])
                continue
            stmt = statements[partner_id]
            prev_close = stmt.last_close
            period_from = (prev_close + dt.timedelta(days=1)) if prev_close and prev_close < closing_date \
                else min(d for _, d in items)
            inv_lines = [_Line(r, d, i) for i, d in items for r in lines[i]]
            totals = _totals(inv_lines, price_entry, company)
            plans.append(_Plan(partner, inv_lines, price_entry, due_date_for(partner, closing_date), "closing",
                               totals, (period_from, closing_date), (stmt.previous, stmt.previous - stmt.balance),
                               tuple(r for i, _ in items for r in posted_by.get(i, ())),
                               zero_kinds([r for i, _ in items if i not in posted_by for r in lines[i]]),
                               redo.get((partner_id, entry)),
                               business_types([r for i, _ in items if i not in posted_by for r in lines[i]])))
            delivery_groups.append([i for i, _ in items])
            # a second statement for the customer in this run (another price entry) follows on from this one
            billed = stmt.balance + totals.gross
            statements[partner_id] = _Statement(billed, billed, prev_close)
        issued = _issue_many(s, actor, company, plans, day)
        _mark_billed(s, {d: inv.id for inv, ids in zip(issued, delivery_groups, strict=True) for d in ids})
        credits = customer_credit.balances(s, {p.partner.id for p in plans})
        if credits:  # a credit balance (返還・過入金) is applied to the customer's new invoices
            batch = PostingBatch(s)
            for pid in sorted(credits):
                if credits[pid] > 0:
                    customer_credit.apply_to_open(s, actor, batch, partners[pid], day,
                                                  [i.id for i in issued if i.partner_id == pid])
        audit.record(s, actor, "billing_run", closing_date.isoformat(), "run", after={
            "closing_date": closing_date.isoformat(), "issue_date": day.isoformat(), "invoices": len(issued),
            "deliveries": len(deliveries), "total": sum(i.gross for i in issued),
            "issued": [[i.number, i.partner_id, i.gross, i.entry_no] for i in issued]})
        uow.commit()
    return BillingRunResult(closing_date, tuple(issued))


def _void_early_run(s: Session, actor: Actor, closing_date: dt.date,
                    partner_ids: Sequence[int]) -> dict[tuple[int, str], int]:
    """An early 締め請求 (issue 12 item 2) is recomputed while its closing date has not passed: each statement it
    issued for ``closing_date`` is voided the way a 差替え is (its posting reversed by a 取消 entry, its
    receivable marked replaced, its deliveries unbilled again); the issued invoice itself stays as it was and
    the new one names it (``replaces_id``). A statement already paid (or with a credit applied) is refused:
    its 消込 must be undone first. Returns (customer, price entry) → the voided invoice's id."""
    from ennoshita.ledger.services import reverse_in

    rows = list(s.execute(
        select(Invoice, Receivable).join(Receivable, Receivable.invoice_id == Invoice.id)
        .where(Invoice.kind == "invoice", Invoice.status == "issued", Invoice.billing == "closing",
               Invoice.period_to == closing_date, Receivable.status != "replaced",
               Invoice.partner_id.in_(list(partner_ids) or [0]))
        .order_by(Invoice.id)))
    out: dict[tuple[int, str], int] = {}
    for inv, rec in rows:
        if rec.paid_amount or rec.open_amount != rec.amount:
            raise Conflict("sales.error.early_rerun_paid", field="closing_date", number=inv.number)
        if inv.journal_entry_id is not None:
            reverse_in(s, actor, inv.journal_entry_id, reason="締め請求の再計算")
        rec.open_amount = 0
        rec.status = "replaced"
        s.execute(update(Delivery).where(Delivery.invoice_id == inv.id).values(invoice_id=None))
        audit.record(s, actor, "invoice", inv.id, "void_early_run", after={"closing_date": closing_date.isoformat()})
        out[(inv.partner_id, inv.price_entry)] = inv.id
    s.flush()
    return out


def _totals(lines: Sequence[_Line], price_entry: PriceEntry, company: CompanyData) -> InvoiceTotals:
    totals = totals_of([ln.resolved for ln in lines], price_entry, company.rounding)
    if totals.gross < 0:
        raise Invalid("sales.error.negative_invoice", field="lines")
    return totals


def _issue_many(s: Session, actor: Actor, company: CompanyData, plans: Sequence[_Plan],
                day: dt.date) -> list[InvoiceSummary]:
    """Issue every planned invoice in bulk: numbers, postings, invoice rows and lines, receivables."""
    issuer = _Issuer.open(s, actor, company)
    index = issuer.batch.index
    ensure_sub_accounts(s, actor, index, chart.CODE_RECEIVABLE,
                        [(p.partner.code, p.partner.name, p.partner.name_kana, p.partner.id) for p in plans])
    fy, first = reserve(s, "invoice", day, company.fiscal_year_start_month, len(plans))
    numbers = [format_number("invoice", fy, first + n) for n in range(len(plans))]
    drafts = [issuer.draft(p.partner, number, day, remainder(p.totals.rates, p.posted), False, zero=p.zero,
                            types=p.types)
              for p, number in zip(plans, numbers, strict=True)]
    to_post = [(d, n) for d, n in zip(drafts, numbers, strict=True) if d is not None]
    done = iter(post_many(s, actor, [d for d, _ in to_post], source="sales", source_refs=[n for _, n in to_post],
                          index=index, ctx=issuer.batch.ctx))
    posted = [next(done) if d is not None else None for d in drafts]
    ids = reserve_ids(s, "invoices", len(plans))
    now = now_utc()
    invoices, inv_lines, recs, out = [], [], [], []
    for inv_id, number, plan, entry in zip(ids, numbers, plans, posted, strict=True):
        t = plan.totals
        rates = {r.rate: r for r in t.rates}
        previous = received = carried = None
        billed = t.gross
        if plan.statement is not None:
            previous, received = plan.statement
            carried, billed = statement_balance(previous, received, t.gross)
        invoices.append((
            inv_id, number, "invoice", plan.partner.id, day, plan.period[0] if plan.period else None,
            plan.period[1] if plan.period else None, plan.due_date, plan.billing, "", plan.partner.name,
            company.name, company.registration_number or "", plan.price_entry.value, company.tax_rounding,
            rates["10"].net if "10" in rates else 0, rates["10"].tax if "10" in rates else 0,
            rates["8"].net if "8" in rates else 0, rates["8"].tax if "8" in rates else 0,
            rates["0"].net if "0" in rates else 0, t.net, t.tax, t.gross, previous, received, carried, billed,
            None, plan.replaces, "", entry.id if entry else None, actor.user_id, now))
        for n, ln in enumerate(plan.lines, start=1):
            r = ln.resolved
            inv_lines.append((inv_id, n, r.item_id, r.description, r.quantity, r.unit, r.unit_price, r.tax_rate,
                              r.amount, ln.line_date, ln.delivery_id, r.tax_kind))
        recs.append((inv_id, plan.partner.id, plan.due_date, t.gross, 0, t.gross, "open"))
        out.append(InvoiceSummary(inv_id, number, "invoice", plan.partner.id, day, plan.due_date, t.net, t.tax,
                                  t.gross, billed, entry.entry_no if entry else ""))
    insert_rows(s, "invoices", INVOICE_COLUMNS, invoices)
    insert_rows(s, "invoice_lines", INVOICE_LINE_COLUMNS, inv_lines)
    insert_rows(s, "receivables", ("invoice_id", "partner_id", "due_date", "amount", "paid_amount", "open_amount",
                                   "status"), recs)
    return out


def _mark_billed(s: Session, billed_by: dict[int, int]) -> None:
    if not billed_by:
        return
    conn = s.connection()
    if conn.dialect.name == "postgresql":  # one statement for the whole run
        conn.execute(text("UPDATE deliveries SET invoice_id = v.iid FROM unnest(CAST(:dids AS integer[]), "
                          "CAST(:iids AS integer[])) AS v(did, iid) WHERE deliveries.id = v.did"),
                     {"dids": list(billed_by), "iids": list(billed_by.values())})
        return
    stmt = update(Delivery).where(Delivery.id == bindparam("did")).values(invoice_id=bindparam("iid"))
    conn.execute(stmt, [{"did": d, "iid": i} for d, i in billed_by.items()])


def unbilled_preview(uow: UnitOfWork, actor: Actor, closing_date: dt.date) -> list[tuple[int, str, int, int]]:
    """What a run on ``closing_date`` would bill: (partner id, name, deliveries, gross) per customer."""
    require(actor, "sales.view")
    days = closing_days_for(closing_date)
    with uow:
        rows = uow.session.execute(
            select(Partner.id, Partner.name, func.count(Delivery.id), func.coalesce(func.sum(Delivery.gross), 0))
            .join(Delivery, Delivery.partner_id == Partner.id)
            .where(Delivery.invoice_id.is_(None), Delivery.delivery_date <= closing_date,
                   Partner.closing_day.in_([0, *days]))
            .group_by(Partner.id, Partner.name).order_by(Partner.name))
        return [(int(r[0]), str(r[1]), int(r[2]), int(r[3])) for r in rows]


# --- corrections ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CreditNoteInput:
    original_id: int
    issue_date: dt.date
    lines: tuple[LineInput, ...]  # what is returned or discounted, as positive quantities
    reason: str = ""


def issue_credit_note(uow: UnitOfWork, actor: Actor, cmd: CreditNoteInput) -> InvoiceSummary:
    """適格返還請求書 (消費税法57条の4③): returns or discounts against an issued invoice, whatever its payment
    state. Posts the reverse of a sale: what the invoice still owes is reduced (売掛金), and the rest, when
    the invoice is (partly) paid, becomes the customer's credit balance (前受金), applied to its next invoice or
    refunded. Credit notes beyond the invoice's own total are refused."""
    require(actor, "sales.edit")
    with uow:
        s = uow.session
        company = load_company(uow)
        original = s.get(Invoice, cmd.original_id)
        if original is None or original.kind != "invoice" or original.status != "issued":
            raise NotFound("sales.error.invoice_not_found", field="original_id", id=cmd.original_id)
        if cmd.issue_date < original.issue_date:
            raise Invalid("sales.error.credit_before_invoice", field="issue_date")
        receivable = s.get(Receivable, original.id, with_for_update=True)
        assert receivable is not None
        if receivable.status == "replaced":
            raise Conflict("sales.error.invoice_replaced", field="original_id", number=original.number)
        price_entry = PriceEntry(original.price_entry)
        resolved, totals = resolve_lines(s, cmd.lines, price_entry, company.rounding)
        credited = int(s.scalar(select(func.coalesce(func.sum(Invoice.gross), 0)).where(
            Invoice.original_id == original.id, Invoice.kind == "credit_note", Invoice.status == "issued")) or 0)
        if totals.gross > original.gross - credited:
            raise Invalid("sales.error.credit_exceeds_invoice", field="lines", left=original.gross - credited,
                          amount=totals.gross)
        partner = _customer(s, original.partner_id)
        on_invoice = min(totals.gross, receivable.open_amount)
        advance = totals.gross - on_invoice
        issuer = _Issuer.open(s, actor, company)
        result = issuer.issue(partner, "credit_note", [_Line(r, cmd.issue_date) for r in resolved], price_entry,
                              cmd.issue_date, cmd.issue_date, billing="manual", subject=cmd.reason,
                              notes=cmd.reason, original=original, advance=advance)
        receivable.open_amount -= on_invoice
        if receivable.open_amount == 0 and receivable.status == "open":
            receivable.status = "credited"
        if advance:
            customer_credit.record(s, actor, partner.id, cmd.issue_date, "credit_note", advance,
                                   invoice_id=result.id, memo=f"{result.number} ({original.number})")
        uow.commit()
    return result


def replace_invoice(uow: UnitOfWork, actor: Actor, original_id: int, cmd: InvoiceInput) -> InvoiceSummary:
    """A replacement invoice (修正した適格請求書) for an unpaid invoice: the original's posting is reversed,
    the original is marked replaced in the receivables, and the new invoice references it."""
    require(actor, "sales.edit")
    price_entry = invoice_price_entry(cmd)
    with uow:
        s = uow.session
        company = load_company(uow)
        original = s.get(Invoice, original_id)
        if original is None or original.kind != "invoice" or original.status != "issued":
            raise NotFound("sales.error.invoice_not_found", field="original_id", id=original_id)
        receivable = s.get(Receivable, original.id)
        assert receivable is not None
        if receivable.paid_amount or receivable.open_amount != receivable.amount or receivable.status != "open":
            raise Conflict("sales.error.replace_paid", field="original_id", number=original.number)
        if cmd.partner_id != original.partner_id:
            raise Invalid("sales.error.revision_partner", field="partner_id")
        partner = _customer(s, original.partner_id)
        resolved, _ = resolve_lines(s, cmd.lines, price_entry, company.rounding)
        issuer = _Issuer.open(s, actor, company)
        old_lines = list(s.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == original.id)))
        old_resolved = [ResolvedLine(ln.item_id, ln.description, ln.quantity, ln.unit, ln.unit_price, ln.tax_rate,
                                     ln.amount, ln.amount < 0, ln.price_includes_tax, ln.tax_kind, ln.business_type)
                        for ln in old_lines]
        old_totals = totals_of(old_resolved, PriceEntry(original.price_entry), Rounding(original.rounding))
        issuer.post(partner, f"{original.number} 取消", cmd.issue_date, old_totals.rates, True,
                    reverses_id=original.journal_entry_id, zero=zero_kinds(old_resolved),
                    types=business_types(old_resolved))
        receivable.open_amount = 0
        receivable.status = "replaced"
        due = cmd.due_date or original.due_date
        result = issuer.issue(partner, "invoice", [_Line(r, cmd.issue_date) for r in resolved], price_entry,
                              cmd.issue_date, due, billing=original.billing, subject=cmd.subject or original.subject,
                              notes=cmd.notes, replaces=original,
                              period=(original.period_from, original.period_to)
                              if original.period_from and original.period_to else None)
        audit.record(s, actor, "invoice", original.id, "replace", after={"replacement": result.number})
        uow.commit()
    return result

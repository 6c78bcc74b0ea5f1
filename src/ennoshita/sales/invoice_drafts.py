"""Invoice drafts (下書き): an invoice entered directly, kept without a number and without a posting until
someone issues it.

A draft is a row of ``invoices`` with ``status = 'draft'``: no number, no journal entry, no receivable, so no
report, statement, 消込 or export sees it (they read issued invoices or their receivables). It may be changed
or deleted, each change audited. Issuing goes through the same code path as a direct invoice
(:func:`ennoshita.sales.billing.issue_invoice`): the gapless number is taken, 売掛金 / 売上高 + 仮受消費税 is
posted and the receivable opened in the issuing transaction; from then on the row is immutable (trigger).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from ennoshita import audit
from ennoshita.actor import Actor
from ennoshita.dates import now_utc
from ennoshita.db import UnitOfWork
from ennoshita.errors import Conflict, Invalid, NotFound
from ennoshita.identity import load_company
from ennoshita.identity.company import CompanyData
from ennoshita.identity.roles import require
from ennoshita.kernel.lines import ResolvedLine, resolve_lines, totals_of
from ennoshita.kernel.tax import InvoiceTotals, PriceEntry
from ennoshita.lengths import length_problems
from ennoshita.partners.models import Partner
from ennoshita.partners.terms import closing_date_for
from ennoshita.sales import credit
from ennoshita.sales.billing import (
    InvoiceInput,
    InvoiceSummary,
    _customer,
    _Issuer,
    _Line,
    due_date_for,
    invoice_price_entry,
    line_dates,
)
from ennoshita.sales.models import Invoice, InvoiceLine
from ennoshita.sales.queries_docs import InvoiceDetail, invoice_detail


@dataclass(frozen=True)
class DraftSummary:
    id: int
    partner_id: int
    issue_date: dt.date
    due_date: dt.date
    net: int
    tax: int
    gross: int


def _load_draft(s: Session, invoice_id: int) -> Invoice:
    invoice = s.get(Invoice, invoice_id)
    if invoice is None:
        raise NotFound("sales.error.invoice_not_found", field="invoice_id", id=invoice_id)
    if invoice.status != "draft":
        raise Conflict("sales.error.invoice_not_draft", field="invoice_id", number=invoice.number or "")
    return invoice


def _write(s: Session, actor: Actor, company: CompanyData, invoice: Invoice | None,
           cmd: InvoiceInput) -> tuple[Invoice, InvoiceTotals]:
    """Check the input as issuing would (customer, lines, dates) and write the draft row and its lines."""
    price_entry = invoice_price_entry(cmd)
    partner = _customer(s, cmd.partner_id)
    too_long = length_problems(Invoice, {"subject": cmd.subject})
    try:
        resolved, totals = resolve_lines(s, cmd.lines, price_entry, company.rounding)
    except Invalid as exc:
        raise Invalid(problems=too_long + exc.problems) from None
    if too_long:
        raise Invalid(problems=too_long)
    if totals.gross < 0:
        raise Invalid("sales.error.negative_invoice", field="lines")
    due = cmd.due_date or due_date_for(partner, closing_date_for(cmd.issue_date, partner.closing_day or 31))
    if due < cmd.issue_date:
        raise Invalid("sales.error.due_before_issue", field="due_date")
    rates = {r.rate: r for r in totals.rates}
    values: dict[str, Any] = dict(  # noqa: C408 (keyword names are the column names)
        number=None, status="draft", kind="invoice", partner_id=partner.id, issue_date=cmd.issue_date,
        due_date=due, billing="manual", subject=cmd.subject, recipient_name=partner.name,
        issuer_name=company.name, issuer_registration_number=company.registration_number or "",
        price_entry=price_entry.value, rounding=company.tax_rounding,
        net_10=rates["10"].net if "10" in rates else 0, tax_10=rates["10"].tax if "10" in rates else 0,
        net_8=rates["8"].net if "8" in rates else 0, tax_8=rates["8"].tax if "8" in rates else 0,
        net_0=rates["0"].net if "0" in rates else 0, net=totals.net, tax=totals.tax, gross=totals.gross,
        billed=totals.gross, notes=cmd.notes)
    if invoice is None:
        invoice = Invoice(**values, created_by=actor.user_id, created_at=now_utc())
        s.add(invoice)
    else:
        s.execute(delete(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id))
        for key, value in values.items():
            setattr(invoice, key, value)
    s.flush()
    s.execute(insert(InvoiceLine), [
        {"invoice_id": invoice.id, "line_date": day, "delivery_id": None,
         "price_includes_tax": r.price_includes_tax, **r.sales_row(n)}
        for n, (r, day) in enumerate(zip(resolved, line_dates(cmd.lines, cmd.issue_date), strict=True), start=1)])
    return invoice, totals


def _summary(invoice: Invoice) -> DraftSummary:
    return DraftSummary(invoice.id, invoice.partner_id, invoice.issue_date, invoice.due_date, invoice.net,
                        invoice.tax, invoice.gross)


def _audit_after(invoice: Invoice, totals: InvoiceTotals, lines: int) -> dict[str, object]:
    return {"partner_id": invoice.partner_id, "issue_date": invoice.issue_date.isoformat(),
            "due_date": invoice.due_date.isoformat(), "price_entry": invoice.price_entry,
            "rates": totals.breakdown(), "gross": totals.gross, "lines": lines}


def draft_detail(uow: UnitOfWork, actor: Actor, invoice_id: int) -> InvoiceDetail:
    """A draft as the edit form shows it; an issued invoice is refused (409): it never changes."""
    require(actor, "sales.edit")
    detail = invoice_detail(uow, actor, invoice_id)
    if detail.doc.status != "draft":
        raise Conflict("sales.error.invoice_not_draft", field="invoice_id", number=detail.doc.number or "")
    return detail


def create_draft(uow: UnitOfWork, actor: Actor, cmd: InvoiceInput) -> DraftSummary:
    """A draft invoice: checked like an issued one, but without a number, a posting or a receivable."""
    require(actor, "sales.edit")
    with uow:
        s = uow.session
        invoice, totals = _write(s, actor, load_company(uow), None, cmd)
        audit.record(s, actor, "invoice", invoice.id, "draft", after=_audit_after(invoice, totals, len(cmd.lines)))
        result = _summary(invoice)
        uow.commit()
    return result


def update_draft(uow: UnitOfWork, actor: Actor, invoice_id: int, cmd: InvoiceInput) -> DraftSummary:
    """Replace what a draft says (customer, dates, lines); an issued invoice is refused."""
    require(actor, "sales.edit")
    with uow:
        s = uow.session
        invoice = _load_draft(s, invoice_id)
        before = {"partner_id": invoice.partner_id, "issue_date": invoice.issue_date.isoformat(),
                  "gross": invoice.gross}
        invoice, totals = _write(s, actor, load_company(uow), invoice, cmd)
        audit.record(s, actor, "invoice", invoice.id, "update", before=before,
                     after=_audit_after(invoice, totals, len(cmd.lines)))
        result = _summary(invoice)
        uow.commit()
    return result


def delete_draft(uow: UnitOfWork, actor: Actor, invoice_id: int) -> None:
    """Delete a draft and its lines; an issued invoice is refused (it is corrected by a credit note or a
    replacement, never deleted)."""
    require(actor, "sales.edit")
    with uow:
        s = uow.session
        invoice = _load_draft(s, invoice_id)
        before = {"partner_id": invoice.partner_id, "issue_date": invoice.issue_date.isoformat(),
                  "gross": invoice.gross, "subject": invoice.subject}
        s.execute(delete(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id))
        s.delete(invoice)
        s.flush()
        audit.record(s, actor, "invoice", invoice_id, "delete", before=before)
        uow.commit()


def issue_draft(uow: UnitOfWork, actor: Actor, invoice_id: int) -> InvoiceSummary:
    """Issue a draft: the gapless number, the posting and the receivable, in this transaction, exactly as a
    direct invoice is issued. A second issue is refused."""
    require(actor, "sales.edit")
    with uow:
        s = uow.session
        company = load_company(uow)
        invoice = _load_draft(s, invoice_id)
        partner: Partner = _customer(s, invoice.partner_id)
        rows = list(s.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id)
                              .order_by(InvoiceLine.line_no)))
        resolved = [ResolvedLine(ln.item_id, ln.description, ln.quantity, ln.unit, ln.unit_price, ln.tax_rate,
                                 ln.amount, ln.amount < 0, ln.price_includes_tax, ln.tax_kind, ln.business_type)
                    for ln in rows]
        price_entry = PriceEntry(invoice.price_entry)
        totals_of(resolved, price_entry, company.rounding)  # the company's rule may have changed: recheck
        issuer = _Issuer.open(s, actor, company)
        result = issuer.issue(partner, "invoice", [_Line(r, min(ln.line_date or invoice.issue_date,
                                                                invoice.issue_date))
                                                   for r, ln in zip(resolved, rows, strict=True)], price_entry,
                              invoice.issue_date, invoice.due_date, billing="manual", subject=invoice.subject,
                              notes=invoice.notes, draft=invoice)
        result = replace(result, warnings=credit.warnings_for(s, partner.id))
        uow.commit()
    return result

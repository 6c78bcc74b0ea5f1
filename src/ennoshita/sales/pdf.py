"""Sales documents as PDF: 見積書, 注文請書, 納品書, 請求書 and 返還請求書, built from the stored rows
(the figures printed are the figures booked) and rendered by :mod:`ennoshita.documents`.

The company seal (角印) is the latest image attached to the company as ``company_seal``.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ennoshita import documents
from ennoshita.actor import Actor
from ennoshita.attachments.models import Attachment
from ennoshita.db import UnitOfWork
from ennoshita.errors import Conflict, NotFound
from ennoshita.identity import load_company
from ennoshita.identity.company import CompanyData
from ennoshita.identity.roles import require
from ennoshita.kernel.lines import ResolvedLine, totals_of
from ennoshita.kernel.tax import REDUCED_RATES, PriceEntry
from ennoshita.partners.models import Partner
from ennoshita.sales.models import (
    Delivery,
    DeliveryLine,
    Invoice,
    InvoiceLine,
    Quote,
    QuoteLine,
    SalesOrder,
    SalesOrderLine,
)

SEAL_OWNER = "company_seal"
ACCOUNT_TYPES_JA = {"ordinary": "普通", "checking": "当座", "savings": "貯蓄"}
FILE_PREFIX = {"quote": "見積書", "order_confirmation": "注文請書", "delivery_note": "納品書", "invoice": "請求書",
               "credit_note": "返還請求書"}


def _seal(s: Session) -> bytes | None:
    content = s.scalar(select(Attachment.content).where(Attachment.owner_type == SEAL_OWNER)
                       .order_by(Attachment.id.desc()).limit(1))
    return bytes(content) if content is not None else None


def _issuer(company: CompanyData) -> documents.Party:
    return documents.Party(company.name, "", company.postal_code, company.address, company.phone,
                           company.registration_number or "", company.representative)


def _recipient(p: Partner) -> documents.Party:
    return documents.Party(p.name, p.honorific or "御中", p.postal_code, p.billing_address or p.address, p.phone,
                           p.registration_number)


def _banks(company: CompanyData) -> tuple[str, ...]:
    out = []
    for b in company.bank_accounts:
        kind = ACCOUNT_TYPES_JA.get(b.account_type, b.account_type)
        out.append(f"{b.bank_name_kana}（{b.bank_code}） {b.branch_name_kana}（{b.branch_code}） {kind} "
                   f"{b.account_number} {b.holder_kana}")
    return tuple(out)


KIND_MARK = {"export": "（輸出免税）", "exempt": "（非課税）", "out_of_scope": "（不課税）"}  # a 0% line says which


def _doc_lines(rows: Sequence[QuoteLine | SalesOrderLine | DeliveryLine | InvoiceLine]) -> tuple[
        tuple[documents.DocumentLine, ...], list[ResolvedLine]]:
    lines = []
    resolved = []
    for r in rows:
        day = r.line_date if isinstance(r, InvoiceLine) else None
        entry = r.price_includes_tax if isinstance(r, InvoiceLine) else None
        mark = KIND_MARK.get(r.tax_kind or "", "") if r.tax_rate == "0" else ""
        lines.append(documents.DocumentLine(r.description + mark, Decimal(r.quantity), r.unit, Decimal(r.unit_price),
                                            r.amount, r.tax_rate, r.tax_rate in REDUCED_RATES, day, entry))
        resolved.append(ResolvedLine(r.item_id, r.description, Decimal(r.quantity), r.unit, Decimal(r.unit_price),
                                     r.tax_rate, r.amount, r.amount < 0, entry, r.tax_kind))
    return tuple(lines), resolved


def _rates(resolved: list[ResolvedLine], price_entry: str, company: CompanyData,
           rounding: str | None = None) -> tuple[tuple[documents.RateSummary, ...], int, int, int]:
    from ennoshita.money import Rounding

    totals = totals_of(resolved, PriceEntry(price_entry), Rounding(rounding) if rounding else company.rounding)
    return (tuple(documents.RateSummary(r.rate, r.net, r.tax, r.gross) for r in totals.rates), totals.net,
            totals.tax, totals.gross)


def _terms(p: Partner) -> str:
    closing = "都度" if p.closing_day == 0 else ("末日締め" if p.closing_day >= 31 else f"{p.closing_day}日締め")
    month = {0: "当月", 1: "翌月", 2: "翌々月"}.get(p.months_after, f"{p.months_after}か月後")
    day = "末日" if p.pay_day >= 31 else f"{p.pay_day}日"
    return f"{closing} {month}{day}払い"


def invoice_document(s: Session, company: CompanyData, invoice: Invoice) -> documents.BusinessDocument:
    partner = s.get(Partner, invoice.partner_id)
    assert partner is not None
    rows = list(s.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id)
                          .order_by(InvoiceLine.line_no)))
    lines, _ = _doc_lines(rows)
    rates = []
    for rate, net, tax in (("10", invoice.net_10, invoice.tax_10), ("8", invoice.net_8, invoice.tax_8),
                           ("0", invoice.net_0, 0)):
        if net or tax or any(ln.tax_rate == rate for ln in lines):
            rates.append(documents.RateSummary(rate, net, tax, net + tax))
    statement = None
    if invoice.previous_billed is not None:
        statement = documents.Statement(invoice.previous_billed, invoice.received or 0, invoice.carried_over or 0,
                                        invoice.net, invoice.tax, invoice.billed)
    original_number, original_date = "", None
    sale_from = sale_to = None
    ref = invoice.original_id or invoice.replaces_id
    if ref:
        original = s.get(Invoice, ref)
        if original is not None:
            original_number, original_date = original.number or "", original.issue_date
            days = [d or original.issue_date for d in s.scalars(
                select(InvoiceLine.line_date).where(InvoiceLine.invoice_id == original.id))] or [original.issue_date]
            sale_from, sale_to = min(days), max(days)
    issuer = documents.Party(invoice.issuer_name, "", company.postal_code, company.address, company.phone,
                             invoice.issuer_registration_number, company.representative)
    recipient = _recipient(partner)
    recipient = documents.Party(invoice.recipient_name, recipient.honorific, recipient.postal_code,
                                recipient.address, recipient.phone, recipient.registration_number)
    notes = invoice.notes
    if invoice.replaces_id and original_number:
        notes = f"本請求書は {original_number} を差し替えるものです。" + (f"\n{notes}" if notes else "")
    kind: Literal["invoice", "credit_note"] = "credit_note" if invoice.kind == "credit_note" else "invoice"
    return documents.BusinessDocument(
        kind, invoice.number or "", invoice.issue_date, issuer, recipient, invoice.subject, lines, tuple(rates),
        invoice.net, invoice.tax, invoice.gross, "inclusive" if invoice.price_entry == "inclusive" else "exclusive",
        due_date=invoice.due_date if kind == "invoice" else None, payment_terms=_terms(partner),
        bank_accounts=_banks(company) if kind == "invoice" else (), notes=notes,
        original_number=original_number, original_date=original_date, original_sale_from=sale_from,
        original_sale_to=sale_to, statement=statement,
        period_from=invoice.period_from, period_to=invoice.period_to, seal_png=_seal(s))


def _pdf_name(kind: str, number: str, partner: str) -> str:
    return f"{FILE_PREFIX[kind]}_{number}_{partner}.pdf".replace("/", "／")


def invoice_pdf(uow: UnitOfWork, actor: Actor, invoice_id: int) -> tuple[bytes, str]:
    """(PDF bytes, file name) of an issued invoice or credit note."""
    require(actor, "sales.view")
    with uow:
        s = uow.session
        invoice = s.get(Invoice, invoice_id)
        if invoice is None:
            raise NotFound("sales.error.invoice_not_found", field="invoice_id", id=invoice_id)
        if invoice.status != "issued":
            raise Conflict("sales.error.invoice_not_issued", field="invoice_id", id=invoice_id)
        doc = invoice_document(s, load_company(uow), invoice)
    return documents.render_pdf(doc), _pdf_name(doc.kind, doc.number, doc.recipient.name)


def invoices_zip(uow: UnitOfWork, actor: Actor, invoice_ids: Sequence[int]) -> bytes:
    """Every PDF of a billing run in one ZIP (file names in UTF-8)."""
    require(actor, "sales.view")
    with uow:
        s = uow.session
        company = load_company(uow)
        invoices = list(s.scalars(select(Invoice).where(Invoice.id.in_(list(invoice_ids)), Invoice.status == "issued")
                                  .order_by(Invoice.id)))
        docs = [invoice_document(s, company, inv) for inv in invoices]
    pdfs = documents.render_many(docs)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for doc, pdf in zip(docs, pdfs, strict=True):
            zf.writestr(_pdf_name(doc.kind, doc.number, doc.recipient.name), pdf)
    return buf.getvalue()


def quote_pdf(uow: UnitOfWork, actor: Actor, quote_id: int) -> tuple[bytes, str]:
    require(actor, "sales.view")
    with uow:
        s = uow.session
        company = load_company(uow)
        quote = s.get(Quote, quote_id)
        if quote is None:
            raise NotFound("sales.error.quote_not_found", field="quote_id", id=quote_id)
        partner = s.get(Partner, quote.partner_id)
        assert partner is not None
        rows = list(s.scalars(select(QuoteLine).where(QuoteLine.quote_id == quote.id).order_by(QuoteLine.line_no)))
        lines, resolved = _doc_lines(rows)
        rates, net, tax, gross = _rates(resolved, quote.price_entry, company)
        number = quote.number if quote.revision == 1 else f"{quote.number}-{quote.revision}"
        doc = documents.BusinessDocument(
            "quote", number, quote.issue_date, _issuer(company), _recipient(partner), quote.subject, lines, rates,
            net, tax, gross, "inclusive" if quote.price_entry == "inclusive" else "exclusive",
            valid_until=quote.valid_until, payment_terms=_terms(partner), notes=quote.notes,
            delivery_place=quote.delivery_terms, seal_png=_seal(s))
        name = _pdf_name("quote", number, partner.name)
    return documents.render_pdf(doc), name


def order_confirmation_pdf(uow: UnitOfWork, actor: Actor, order_id: int) -> tuple[bytes, str]:
    """注文請書: the order as we accept it."""
    require(actor, "sales.view")
    with uow:
        s = uow.session
        company = load_company(uow)
        order = s.get(SalesOrder, order_id)
        if order is None:
            raise NotFound("sales.error.order_not_found", field="order_id", id=order_id)
        partner = s.get(Partner, order.partner_id)
        assert partner is not None
        rows = list(s.scalars(select(SalesOrderLine).where(SalesOrderLine.order_id == order.id)
                              .order_by(SalesOrderLine.line_no)))
        lines, resolved = _doc_lines(rows)
        rates, net, tax, gross = _rates(resolved, order.price_entry, company)
        notes = f"貴社注文番号: {order.customer_po}" if order.customer_po else ""
        doc = documents.BusinessDocument(
            "order_confirmation", order.number, order.order_date, _issuer(company), _recipient(partner),
            order.subject, lines, rates, net, tax, gross,
            "inclusive" if order.price_entry == "inclusive" else "exclusive", delivery_date=order.delivery_due,
            delivery_place=order.delivery_place, payment_terms=_terms(partner), notes=notes, seal_png=_seal(s))
        name = _pdf_name("order_confirmation", order.number, partner.name)
    return documents.render_pdf(doc), name


def delivery_note_pdf(uow: UnitOfWork, actor: Actor, delivery_id: int) -> tuple[bytes, str]:
    require(actor, "sales.view")
    with uow:
        s = uow.session
        company = load_company(uow)
        delivery = s.get(Delivery, delivery_id)
        if delivery is None:
            raise NotFound("sales.error.delivery_not_found", field="delivery_id", id=delivery_id)
        partner = s.get(Partner, delivery.partner_id)
        assert partner is not None
        order = s.get(SalesOrder, delivery.order_id) if delivery.order_id else None
        rows = list(s.scalars(select(DeliveryLine).where(DeliveryLine.delivery_id == delivery.id)
                              .order_by(DeliveryLine.line_no)))
        lines, resolved = _doc_lines(rows)
        rates, net, tax, gross = _rates(resolved, delivery.price_entry, company)
        notes = f"受注番号: {order.number}" + (f" / 貴社注文番号: {order.customer_po}" if order.customer_po else "") \
            if order else ""
        doc = documents.BusinessDocument(
            "delivery_note", delivery.number, delivery.delivery_date, _issuer(company), _recipient(partner),
            order.subject if order else "", lines, rates, net, tax, gross,
            "inclusive" if delivery.price_entry == "inclusive" else "exclusive",
            delivery_date=delivery.delivery_date, delivery_place=delivery.delivery_place, notes=notes,
            seal_png=_seal(s))
        name = _pdf_name("delivery_note", delivery.number, partner.name)
    return documents.render_pdf(doc), name

"""Read-only queries of the 営業事務 screens: document lists (filtered and paginated in SQL) and detail
pages. ``ennoshita.sales`` has no list/detail reads for documents yet; these only read, every change goes
through the sales services. Each function checks sales.view itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ennoshita.actor import Actor
from ennoshita.db import UnitOfWork
from ennoshita.errors import NotFound
from ennoshita.identity import load_company, require
from ennoshita.sales.lines import ResolvedLine, totals_of
from ennoshita.sales.models import (
    Delivery,
    DeliveryLine,
    Invoice,
    InvoiceLine,
    Partner,
    Quote,
    QuoteLine,
    Receivable,
    SalesOrder,
    SalesOrderLine,
)
from ennoshita.sales.rules import PriceEntry, RateTotal


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _page(s: Session, query: Any, order: Any, page: int, per_page: int) -> tuple[list[Any], int]:
    total = int(s.scalar(select(func.count()).select_from(query.subquery())) or 0)
    rows = list(s.execute(query.order_by(*order).limit(per_page).offset((page - 1) * per_page)))
    return rows, total


def _text_filter(query: Any, number: Any, subject: Any, text: str) -> Any:
    text = text.strip()
    if not text:
        return query
    like = _like(text)
    conds = [number.like(like, escape="\\"), Partner.name.like(like, escape="\\"),
             Partner.code.like(like, escape="\\")]
    if subject is not None:
        conds.append(subject.like(like, escape="\\"))
    return query.where(or_(*conds))


def list_quotes(uow: UnitOfWork, actor: Actor, text: str = "", status: str = "", page: int = 1,
                per_page: int = 50) -> tuple[list[Any], int]:
    require(actor, "sales.view")
    query: Any = select(Quote.id, Quote.number, Quote.revision, Quote.issue_date, Quote.subject, Quote.gross,
                   Quote.status, Partner.name.label("partner_name")).join(Partner, Partner.id == Quote.partner_id)
    query = _text_filter(query, Quote.number, Quote.subject, text)
    if status == "all":
        pass
    elif status:
        query = query.where(Quote.status == status)
    else:
        query = query.where(Quote.status != "superseded")
    with uow:
        return _page(uow.session, query, (Quote.issue_date.desc(), Quote.id.desc()), page, per_page)


def list_orders(uow: UnitOfWork, actor: Actor, text: str = "", status: str = "", page: int = 1,
                per_page: int = 50) -> tuple[list[Any], int]:
    require(actor, "sales.view")
    query: Any = select(SalesOrder.id, SalesOrder.number, SalesOrder.order_date, SalesOrder.subject, SalesOrder.gross,
                   SalesOrder.status, SalesOrder.delivery_due, SalesOrder.customer_po,
                   Partner.name.label("partner_name")).join(Partner, Partner.id == SalesOrder.partner_id)
    query = _text_filter(query, SalesOrder.number, SalesOrder.subject, text)
    if status == "open":
        query = query.where(SalesOrder.status.in_(("open", "partial")))
    elif status:
        query = query.where(SalesOrder.status == status)
    with uow:
        return _page(uow.session, query, (SalesOrder.order_date.desc(), SalesOrder.id.desc()), page, per_page)


def list_deliveries(uow: UnitOfWork, actor: Actor, text: str = "", unbilled: bool = False, page: int = 1,
                    per_page: int = 50) -> tuple[list[Any], int]:
    require(actor, "sales.view")
    query: Any = (select(Delivery.id, Delivery.number, Delivery.delivery_date, Delivery.gross, Delivery.invoice_id,
                    SalesOrder.number.label("order_number"), SalesOrder.subject, Partner.name.label("partner_name"),
                    Partner.closing_day, Invoice.number.label("invoice_number"))
             .join(Partner, Partner.id == Delivery.partner_id)
             .outerjoin(SalesOrder, SalesOrder.id == Delivery.order_id)
             .outerjoin(Invoice, Invoice.id == Delivery.invoice_id))
    query = _text_filter(query, Delivery.number, SalesOrder.subject, text)
    if unbilled:
        query = query.where(Delivery.invoice_id.is_(None))
    with uow:
        return _page(uow.session, query, (Delivery.delivery_date.desc(), Delivery.id.desc()), page, per_page)


def list_invoices(uow: UnitOfWork, actor: Actor, text: str = "", kind: str = "", payment: str = "",
                  page: int = 1, per_page: int = 50, ids: list[int] | None = None) -> tuple[list[Any], int]:
    require(actor, "sales.view")
    query: Any = (select(Invoice.id, Invoice.number, Invoice.kind, Invoice.issue_date, Invoice.due_date, Invoice.gross,
                    Invoice.billed, Invoice.billing, Partner.name.label("partner_name"),
                    Receivable.status.label("rec_status"), Receivable.paid_amount, Receivable.open_amount)
             .join(Partner, Partner.id == Invoice.partner_id)
             .outerjoin(Receivable, Receivable.invoice_id == Invoice.id))
    query = _text_filter(query, Invoice.number, Invoice.subject, text)
    if kind in ("invoice", "credit_note"):
        query = query.where(Invoice.kind == kind)
    if payment == "open":
        query = query.where(Receivable.status == "open")
    elif payment == "paid":
        query = query.where(Receivable.status == "paid")
    if ids is not None:
        query = query.where(Invoice.id.in_(ids))
    with uow:
        return _page(uow.session, query, (Invoice.issue_date.desc(), Invoice.id.desc()), page, per_page)


def payment_state(status: str | None, paid: int | None) -> str:
    """入金状況 of a list row: unpaid / partial / paid / credited / replaced, or '' for a credit note."""
    if status is None:
        return ""
    if status == "open":
        return "partial" if paid else "unpaid"
    return status


# ---------------------------------------------------------------- detail pages


@dataclass(frozen=True)
class DocLine:
    line_no: int
    item_code: str
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    tax_rate: str
    amount: int
    delivered: Decimal = Decimal(0)
    order_line_id: int = 0
    line_date: dt.date | None = None

    @property
    def remaining(self) -> Decimal:
        return self.quantity - self.delivered


@dataclass(frozen=True)
class DocDetail:
    doc: Any
    partner: Partner
    lines: list[DocLine]
    rates: list[RateTotal]
    extra: dict[str, Any]


def _lines(s: Session, model: Any, column: str, parent_id: int) -> list[DocLine]:
    from ennoshita.sales.models import Item

    rows = s.execute(select(model, Item.code).outerjoin(Item, Item.id == model.item_id)
                     .where(getattr(model, column) == parent_id).order_by(model.line_no))
    out = []
    for r, code in rows:
        out.append(DocLine(r.line_no, code or "", r.description, Decimal(r.quantity), r.unit, Decimal(r.unit_price),
                           r.tax_rate, r.amount, Decimal(getattr(r, "delivered_quantity", 0) or 0),
                           r.id, getattr(r, "line_date", None)))
    return out


def _rates(uow: UnitOfWork, lines: list[DocLine], price_entry: str) -> list[RateTotal]:
    company = load_company(uow)
    resolved = [ResolvedLine(None, ln.description, ln.quantity, ln.unit, ln.unit_price, ln.tax_rate, ln.amount,
                             ln.amount < 0) for ln in lines]
    return list(totals_of(resolved, PriceEntry(price_entry), company.rounding).rates) if resolved else []


def _partner(s: Session, partner_id: int) -> Partner:
    partner = s.get(Partner, partner_id)
    assert partner is not None
    s.expunge(partner)
    return partner


def quote_detail(uow: UnitOfWork, actor: Actor, quote_id: int) -> DocDetail:
    require(actor, "sales.view")
    with uow:
        s = uow.session
        quote = s.get(Quote, quote_id)
        if quote is None:
            raise NotFound("sales.error.quote_not_found", field="quote_id", id=quote_id)
        lines = _lines(s, QuoteLine, "quote_id", quote_id)
        revisions = list(s.execute(select(Quote.id, Quote.revision, Quote.status).where(Quote.number == quote.number)
                                   .order_by(Quote.revision)))
        order = s.execute(select(SalesOrder.id, SalesOrder.number).where(SalesOrder.quote_id == quote_id)).first()
        rates = _rates(uow, lines, quote.price_entry)
        partner = _partner(s, quote.partner_id)
        s.expunge(quote)
    return DocDetail(quote, partner, lines, rates, {"revisions": revisions, "order": order})


def order_detail(uow: UnitOfWork, actor: Actor, order_id: int) -> DocDetail:
    require(actor, "sales.view")
    with uow:
        s = uow.session
        order = s.get(SalesOrder, order_id)
        if order is None:
            raise NotFound("sales.error.order_not_found", field="order_id", id=order_id)
        lines = _lines(s, SalesOrderLine, "order_id", order_id)
        deliveries = list(s.execute(select(Delivery.id, Delivery.number, Delivery.delivery_date, Delivery.gross,
                                           Delivery.invoice_id).where(Delivery.order_id == order_id)
                                    .order_by(Delivery.delivery_date, Delivery.id)))
        quote = s.execute(select(Quote.id, Quote.number, Quote.revision).where(Quote.id == order.quote_id)).first() \
            if order.quote_id else None
        rates = _rates(uow, lines, order.price_entry)
        partner = _partner(s, order.partner_id)
        s.expunge(order)
    return DocDetail(order, partner, lines, rates, {"deliveries": deliveries, "quote": quote})


def delivery_detail(uow: UnitOfWork, actor: Actor, delivery_id: int) -> DocDetail:
    require(actor, "sales.view")
    with uow:
        s = uow.session
        delivery = s.get(Delivery, delivery_id)
        if delivery is None:
            raise NotFound("sales.error.delivery_not_found", field="delivery_id", id=delivery_id)
        lines = _lines(s, DeliveryLine, "delivery_id", delivery_id)
        order = s.execute(select(SalesOrder.id, SalesOrder.number, SalesOrder.subject)
                          .where(SalesOrder.id == delivery.order_id)).first() if delivery.order_id else None
        invoice = s.execute(select(Invoice.id, Invoice.number).where(Invoice.id == delivery.invoice_id)).first() \
            if delivery.invoice_id else None
        rates = _rates(uow, lines, delivery.price_entry)
        partner = _partner(s, delivery.partner_id)
        s.expunge(delivery)
    return DocDetail(delivery, partner, lines, rates, {"order": order, "invoice": invoice})


def invoice_detail(uow: UnitOfWork, actor: Actor, invoice_id: int) -> DocDetail:
    require(actor, "sales.view")
    with uow:
        s = uow.session
        invoice = s.get(Invoice, invoice_id)
        if invoice is None:
            raise NotFound("sales.error.invoice_not_found", field="invoice_id", id=invoice_id)
        lines = _lines(s, InvoiceLine, "invoice_id", invoice_id)
        receivable = s.get(Receivable, invoice_id)
        related = list(s.execute(select(Invoice.id, Invoice.number, Invoice.kind, Invoice.issue_date, Invoice.gross)
                                 .where(or_(Invoice.original_id == invoice_id, Invoice.replaces_id == invoice_id,
                                            Invoice.id == invoice.original_id, Invoice.id == invoice.replaces_id))
                                 .where(Invoice.id != invoice_id).order_by(Invoice.id)))
        rates = [RateTotal("10", invoice.net_10, invoice.tax_10, invoice.net_10 + invoice.tax_10),
                 RateTotal("8", invoice.net_8, invoice.tax_8, invoice.net_8 + invoice.tax_8),
                 RateTotal("0", invoice.net_0, 0, invoice.net_0)]
        rates = [r for r in rates if r.net or r.tax]
        partner = _partner(s, invoice.partner_id)
        if receivable is not None:
            s.expunge(receivable)
        s.expunge(invoice)
    return DocDetail(invoice, partner, lines, rates, {"receivable": receivable, "related": related})

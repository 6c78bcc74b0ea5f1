"""Read models of one sales document (見積, 受注, 納品, 請求書) with its lines, its per-rate totals and the
documents linked to it, as frozen dataclasses. Each function checks sales.view; lists are in
:mod:`ennoshita.sales.queries`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ennoshita.actor import Actor
from ennoshita.db import UnitOfWork
from ennoshita.errors import NotFound
from ennoshita.identity import load_company, require
from ennoshita.kernel.lines import ResolvedLine, totals_of
from ennoshita.kernel.tax import PriceEntry, RateTotal
from ennoshita.partners.models import Item, Partner
from ennoshita.sales.models import (
    Delivery,
    DeliveryLine,
    Invoice,
    InvoiceLine,
    Quote,
    QuoteLine,
    Receivable,
    SalesOrder,
    SalesOrderLine,
)
from ennoshita.sales.queries import invoice_rates

D = TypeVar("D")


@dataclass(frozen=True)
class DocLine:
    id: int
    line_no: int
    item_id: int | None
    item_code: str
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    tax_rate: str
    amount: int
    delivered: Decimal | None = None  # order lines: delivered so far
    line_date: dt.date | None = None  # invoice lines
    delivery_id: int | None = None  # invoice lines
    price_includes_tax: bool | None = None  # invoice lines: None as the invoice's price entry
    tax_kind: str = ""  # a 0% line: export / exempt / out_of_scope
    business_type: int | None = None  # 簡易課税の事業区分 1..6 (None: the company's)

    @property
    def order_line_id(self) -> int:
        return self.id

    @property
    def remaining(self) -> Decimal:
        return self.quantity - (self.delivered or Decimal(0))


@dataclass(frozen=True)
class PartnerRef:
    id: int
    name: str
    honorific: str


@dataclass(frozen=True)
class DocRef:
    """A linked document: its id and number (a quote's revision, an order's subject)."""

    id: int
    number: str
    revision: int = 0
    subject: str = ""


@dataclass(frozen=True)
class QuoteRevision:
    id: int
    revision: int
    status: str


@dataclass(frozen=True)
class DeliveryLink:
    id: int
    number: str
    delivery_date: dt.date
    gross: int
    invoice_id: int | None


@dataclass(frozen=True)
class RelatedInvoice:
    id: int
    number: str
    kind: str
    issue_date: dt.date
    gross: int


@dataclass(frozen=True)
class ReceivableView:
    status: str
    paid_amount: int
    open_amount: int


@dataclass(frozen=True)
class QuoteDoc:
    id: int
    number: str
    revision: int
    status: str
    partner_id: int
    partner_name: str
    issue_date: dt.date
    valid_until: dt.date
    subject: str
    price_entry: str
    net: int
    tax: int
    gross: int
    delivery_terms: str
    notes: str


@dataclass(frozen=True)
class OrderDoc:
    id: int
    number: str
    status: str
    partner_id: int
    partner_name: str
    order_date: dt.date
    subject: str
    price_entry: str
    net: int
    tax: int
    gross: int
    quote_id: int | None
    customer_po: str
    delivery_due: dt.date | None
    delivery_place: str
    billing: str


@dataclass(frozen=True)
class DeliveryDoc:
    id: int
    number: str
    partner_id: int
    partner_name: str
    delivery_date: dt.date
    subject: str  # the order's subject ('' without an order)
    price_entry: str
    net: int
    tax: int
    gross: int
    order_id: int | None
    invoice_id: int | None
    delivery_place: str


@dataclass(frozen=True)
class InvoiceDoc:
    id: int
    number: str | None  # None: a draft
    status: str  # draft / issued
    kind: str
    partner_id: int
    partner_name: str
    issue_date: dt.date
    due_date: dt.date
    billing: str
    subject: str
    net: int
    tax: int
    gross: int
    billed: int
    period_from: dt.date | None
    period_to: dt.date | None
    price_entry: str
    rounding: str
    issuer_name: str
    issuer_registration_number: str
    recipient_name: str
    previous_billed: int | None
    received: int | None
    carried_over: int | None
    original_id: int | None
    replaces_id: int | None
    notes: str
    journal_entry_id: int | None


@dataclass(frozen=True)
class QuoteDetail:
    doc: QuoteDoc
    partner: PartnerRef
    lines: list[DocLine]
    rates: list[RateTotal]
    revisions: list[QuoteRevision]
    order: DocRef | None


@dataclass(frozen=True)
class OrderDetail:
    doc: OrderDoc
    partner: PartnerRef
    lines: list[DocLine]
    rates: list[RateTotal]
    deliveries: list[DeliveryLink]
    quote: DocRef | None


@dataclass(frozen=True)
class DeliveryDetail:
    doc: DeliveryDoc
    partner: PartnerRef
    lines: list[DocLine]
    rates: list[RateTotal]
    order: DocRef | None
    invoice: DocRef | None


@dataclass(frozen=True)
class InvoiceDetail:
    doc: InvoiceDoc
    partner: PartnerRef
    lines: list[DocLine]
    rates: list[RateTotal]
    receivable: ReceivableView | None
    related: list[RelatedInvoice]


# ---------------------------------------------------------------- helpers


def _copy(cls: type[D], obj: Any, **given: Any) -> D:
    """A read model of ``cls`` from an entity's attributes of the same names (``given`` overrides)."""
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    return cls(**{n: given[n] if n in given else getattr(obj, n) for n in names})


def _lines(s: Session, model: Any, column: str, parent_id: int) -> list[DocLine]:
    rows = s.execute(select(model, Item.code).outerjoin(Item, Item.id == model.item_id)
                     .where(getattr(model, column) == parent_id).order_by(model.line_no))
    return [DocLine(r.id, r.line_no, r.item_id, code or "", r.description, Decimal(r.quantity), r.unit,
                    Decimal(r.unit_price), r.tax_rate, r.amount,
                    Decimal(r.delivered_quantity) if isinstance(r, SalesOrderLine) else None,
                    r.line_date if isinstance(r, InvoiceLine) else None,
                    r.delivery_id if isinstance(r, InvoiceLine) else None,
                    r.price_includes_tax if isinstance(r, InvoiceLine) else None, r.tax_kind or "",
                    r.business_type)
            for r, code in rows]


def _rates(uow: UnitOfWork, lines: list[DocLine], price_entry: str) -> list[RateTotal]:
    """Per-rate totals of the lines, tax computed once per rate with the company's rounding."""
    if not lines:
        return []
    resolved = [ResolvedLine(ln.item_id, ln.description, ln.quantity, ln.unit, ln.unit_price, ln.tax_rate,
                             ln.amount, ln.amount < 0) for ln in lines]
    return list(totals_of(resolved, PriceEntry(price_entry), load_company(uow).rounding).rates)


def _partner(s: Session, partner_id: int) -> PartnerRef:
    row = s.execute(select(Partner.id, Partner.name, Partner.honorific).where(Partner.id == partner_id)).one()
    return PartnerRef(row.id, row.name, row.honorific)


# ---------------------------------------------------------------- details


def quote_detail(uow: UnitOfWork, actor: Actor, quote_id: int) -> QuoteDetail:
    """A quote with its lines, its revisions and the order it became."""
    require(actor, "sales.view")
    with uow:
        s = uow.session
        quote = s.get(Quote, quote_id)
        if quote is None:
            raise NotFound("sales.error.quote_not_found", field="quote_id", id=quote_id)
        partner = _partner(s, quote.partner_id)
        lines = _lines(s, QuoteLine, "quote_id", quote_id)
        revisions = [QuoteRevision(*r) for r in s.execute(
            select(Quote.id, Quote.revision, Quote.status).where(Quote.number == quote.number)
            .order_by(Quote.revision))]
        order = s.execute(select(SalesOrder.id, SalesOrder.number).where(SalesOrder.quote_id == quote_id)).first()
        return QuoteDetail(_copy(QuoteDoc, quote, partner_name=partner.name), partner, lines,
                           _rates(uow, lines, quote.price_entry), revisions,
                           DocRef(order.id, order.number) if order else None)


def order_detail(uow: UnitOfWork, actor: Actor, order_id: int) -> OrderDetail:
    """An order with its lines (delivered and remaining per line), its deliveries and its quote."""
    require(actor, "sales.view")
    with uow:
        s = uow.session
        order = s.get(SalesOrder, order_id)
        if order is None:
            raise NotFound("sales.error.order_not_found", field="order_id", id=order_id)
        partner = _partner(s, order.partner_id)
        lines = _lines(s, SalesOrderLine, "order_id", order_id)
        deliveries = [DeliveryLink(*r) for r in s.execute(
            select(Delivery.id, Delivery.number, Delivery.delivery_date, Delivery.gross, Delivery.invoice_id)
            .where(Delivery.order_id == order_id).order_by(Delivery.delivery_date, Delivery.id))]
        quote = s.execute(select(Quote.id, Quote.number, Quote.revision)
                          .where(Quote.id == order.quote_id)).first() if order.quote_id else None
        return OrderDetail(_copy(OrderDoc, order, partner_name=partner.name), partner, lines,
                           _rates(uow, lines, order.price_entry), deliveries,
                           DocRef(quote.id, quote.number, revision=quote.revision) if quote else None)


def delivery_detail(uow: UnitOfWork, actor: Actor, delivery_id: int) -> DeliveryDetail:
    """A delivery with its lines, its order and the invoice that billed it."""
    require(actor, "sales.view")
    with uow:
        s = uow.session
        delivery = s.get(Delivery, delivery_id)
        if delivery is None:
            raise NotFound("sales.error.delivery_not_found", field="delivery_id", id=delivery_id)
        partner = _partner(s, delivery.partner_id)
        lines = _lines(s, DeliveryLine, "delivery_id", delivery_id)
        order = s.execute(select(SalesOrder.id, SalesOrder.number, SalesOrder.subject)
                          .where(SalesOrder.id == delivery.order_id)).first() if delivery.order_id else None
        invoice = s.execute(select(Invoice.id, Invoice.number).where(Invoice.id == delivery.invoice_id)).first() \
            if delivery.invoice_id else None
        doc = _copy(DeliveryDoc, delivery, partner_name=partner.name, subject=(order.subject if order else "") or "")
        return DeliveryDetail(doc, partner, lines, _rates(uow, lines, delivery.price_entry),
                              DocRef(order.id, order.number, subject=order.subject) if order else None,
                              DocRef(invoice.id, invoice.number) if invoice else None)


def invoice_detail(uow: UnitOfWork, actor: Actor, invoice_id: int) -> InvoiceDetail:
    """An invoice with its lines, its stored per-rate totals, its receivable and the invoices linked to it
    (credit notes, the original, the replacement)."""
    require(actor, "sales.view")
    with uow:
        s = uow.session
        inv = s.get(Invoice, invoice_id)
        if inv is None:
            raise NotFound("sales.error.invoice_not_found", field="invoice_id", id=invoice_id)
        partner = _partner(s, inv.partner_id)
        lines = _lines(s, InvoiceLine, "invoice_id", invoice_id)
        rec = s.get(Receivable, invoice_id)
        related = [RelatedInvoice(*r) for r in s.execute(
            select(Invoice.id, func.coalesce(Invoice.number, ""), Invoice.kind, Invoice.issue_date, Invoice.gross)
            .where(or_(Invoice.original_id == invoice_id, Invoice.replaces_id == invoice_id,
                       Invoice.id == inv.original_id, Invoice.id == inv.replaces_id))
            .where(Invoice.id != invoice_id).order_by(Invoice.id))]
        return InvoiceDetail(
            _copy(InvoiceDoc, inv, partner_name=partner.name), partner, lines,
            invoice_rates(inv.net_10, inv.tax_10, inv.net_8, inv.tax_8, inv.net_0),
            ReceivableView(rec.status, rec.paid_amount, rec.open_amount) if rec else None, related)

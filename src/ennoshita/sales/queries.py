"""Read models of the sales documents for lists and reports: SQL that filters, paginates (limit/offset plus a
count) and aggregates in the database. Every function takes (uow, actor, filters, page), checks sales.view
and returns small frozen dataclasses, so no adapter lazy-loads or holds a session. The detail reads of one
document are in :mod:`ennoshita.sales.queries_docs`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ennoshita import exports
from ennoshita.actor import Actor
from ennoshita.db import UnitOfWork
from ennoshita.identity import require
from ennoshita.kernel.tax import RateTotal
from ennoshita.partners.models import Partner
from ennoshita.sales.models import Delivery, Invoice, Quote, Receivable, SalesOrder

T = TypeVar("T")


@dataclass(frozen=True)
class PageRequest:
    page: int = 1
    per_page: int = 50


@dataclass(frozen=True)
class Paged(Generic[T]):
    rows: tuple[T, ...]
    total: int
    page: int
    per_page: int


# ---------------------------------------------------------------- filters


@dataclass(frozen=True)
class QuoteFilter:
    text: str = ""  # number, subject, customer name or code
    status: str = ""  # one status; empty: any
    current_only: bool = False  # leave out superseded revisions
    partner_id: int | None = None


@dataclass(frozen=True)
class OrderFilter:
    text: str = ""
    statuses: tuple[str, ...] = ()  # empty: any
    partner_id: int | None = None


@dataclass(frozen=True)
class DeliveryFilter:
    text: str = ""  # number, the order's subject, customer name or code
    unbilled: bool | None = None  # True: not yet invoiced; False: invoiced
    partner_id: int | None = None
    date_to: dt.date | None = None


@dataclass(frozen=True)
class InvoiceFilter:
    text: str = ""
    kind: str = ""  # invoice / credit_note; empty: both
    receivable_status: str = ""  # open / paid / credited / replaced; empty: any
    number: str = ""  # exact number
    partner_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    ids: tuple[int, ...] | None = None
    status: str = ""  # draft / issued; empty: both


# ---------------------------------------------------------------- rows


@dataclass(frozen=True)
class QuoteRow:
    id: int
    number: str
    revision: int
    status: str
    partner_id: int
    partner_name: str
    issue_date: dt.date
    subject: str
    price_entry: str
    net: int
    tax: int
    gross: int


@dataclass(frozen=True)
class OrderRow:
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
    delivery_due: dt.date | None
    customer_po: str


@dataclass(frozen=True)
class DeliveryRow:
    id: int
    number: str
    partner_id: int
    partner_name: str
    closing_day: int
    delivery_date: dt.date
    price_entry: str
    net: int
    tax: int
    gross: int
    invoice_id: int | None
    invoice_number: str | None
    order_id: int | None
    order_number: str | None
    subject: str | None  # the order's subject


@dataclass(frozen=True)
class InvoiceRow:
    id: int
    number: str  # "" for a draft (it has none yet)
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
    net_10: int
    tax_10: int
    net_8: int
    tax_8: int
    net_0: int
    receivable_status: str | None  # None: no receivable (a credit note, a draft)
    paid_amount: int | None
    open_amount: int | None
    status: str = "issued"  # draft / issued

    @property
    def rates(self) -> list[RateTotal]:
        return invoice_rates(self.net_10, self.tax_10, self.net_8, self.tax_8, self.net_0)


def invoice_rates(net_10: int, tax_10: int, net_8: int, tax_8: int, net_0: int) -> list[RateTotal]:
    """An invoice's stored per-rate totals, leaving out the rates it does not use."""
    rates = [RateTotal("10", net_10, tax_10, net_10 + tax_10), RateTotal("8", net_8, tax_8, net_8 + tax_8),
             RateTotal("0", net_0, 0, net_0)]
    return [r for r in rates if r.net or r.tax]


def payment_state(status: str | None, paid: int | None) -> str:
    """入金状況 of an invoice: unpaid / partial / paid / credited / replaced, or '' for a credit note."""
    if status is None:
        return ""
    if status == "open":
        return "partial" if paid else "unpaid"
    return status


# ---------------------------------------------------------------- helpers


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _text_filter(query: Any, number: Any, subject: Any, text: str) -> Any:
    text = text.strip()
    if not text:
        return query
    like = _like(text)
    return query.where(or_(number.like(like, escape="\\"), Partner.name.like(like, escape="\\"),
                           Partner.code.like(like, escape="\\"), subject.like(like, escape="\\")))


def _paged(uow: UnitOfWork, query: Any, order: tuple[Any, ...], row: Any, page: PageRequest) -> Paged[Any]:
    with uow:
        s: Session = uow.session
        total = int(s.scalar(select(func.count()).select_from(query.subquery())) or 0)
        rows = s.execute(query.order_by(*order).limit(page.per_page).offset((page.page - 1) * page.per_page))
        return Paged(tuple(row(**r._asdict()) for r in rows), total, page.page, page.per_page)


def _export(session: Session, query: Any, key: Any, row: Any) -> Iterator[Any]:
    for r in exports.keyset(session, query, key):
        yield row(**r._asdict())


# ---------------------------------------------------------------- lists


def list_quotes(uow: UnitOfWork, actor: Actor, filters: QuoteFilter = QuoteFilter(),
                page: PageRequest = PageRequest()) -> Paged[QuoteRow]:
    """見積, newest first."""
    require(actor, "sales.view")
    return _paged(uow, _quote_query(filters), (Quote.issue_date.desc(), Quote.id.desc()), QuoteRow, page)


def export_quotes(session: Session, actor: Actor, filters: QuoteFilter = QuoteFilter()) -> Iterator[QuoteRow]:
    """Every 見積 the filter matches (all pages), in keyset batches within ``session``."""
    require(actor, "sales.view")
    return _export(session, _quote_query(filters), Quote.id, QuoteRow)


def _quote_query(filters: QuoteFilter) -> Any:
    query: Any = (select(Quote.id, Quote.number, Quote.revision, Quote.status, Quote.partner_id,
                         Partner.name.label("partner_name"), Quote.issue_date, Quote.subject, Quote.price_entry,
                         Quote.net, Quote.tax, Quote.gross).join(Partner, Partner.id == Quote.partner_id))
    query = _text_filter(query, Quote.number, Quote.subject, filters.text)
    if filters.status:
        query = query.where(Quote.status == filters.status)
    if filters.current_only:
        query = query.where(Quote.status != "superseded")
    if filters.partner_id is not None:
        query = query.where(Quote.partner_id == filters.partner_id)
    return query


def list_orders(uow: UnitOfWork, actor: Actor, filters: OrderFilter = OrderFilter(),
                page: PageRequest = PageRequest()) -> Paged[OrderRow]:
    """受注, newest first."""
    require(actor, "sales.view")
    return _paged(uow, _order_query(filters), (SalesOrder.order_date.desc(), SalesOrder.id.desc()), OrderRow, page)


def export_orders(session: Session, actor: Actor, filters: OrderFilter = OrderFilter()) -> Iterator[OrderRow]:
    """Every 受注 the filter matches (all pages), in keyset batches within ``session``."""
    require(actor, "sales.view")
    return _export(session, _order_query(filters), SalesOrder.id, OrderRow)


def _order_query(filters: OrderFilter) -> Any:
    query: Any = (select(SalesOrder.id, SalesOrder.number, SalesOrder.status, SalesOrder.partner_id,
                         Partner.name.label("partner_name"), SalesOrder.order_date, SalesOrder.subject,
                         SalesOrder.price_entry, SalesOrder.net, SalesOrder.tax, SalesOrder.gross,
                         SalesOrder.delivery_due, SalesOrder.customer_po)
                  .join(Partner, Partner.id == SalesOrder.partner_id))
    query = _text_filter(query, SalesOrder.number, SalesOrder.subject, filters.text)
    if filters.statuses:
        query = query.where(SalesOrder.status.in_(filters.statuses))
    if filters.partner_id is not None:
        query = query.where(SalesOrder.partner_id == filters.partner_id)
    return query


def list_deliveries(uow: UnitOfWork, actor: Actor, filters: DeliveryFilter = DeliveryFilter(),
                    page: PageRequest = PageRequest()) -> Paged[DeliveryRow]:
    """納品, newest first, with the order and the invoice behind each."""
    require(actor, "sales.view")
    return _paged(uow, _delivery_query(filters), (Delivery.delivery_date.desc(), Delivery.id.desc()), DeliveryRow,
                  page)


def export_deliveries(session: Session, actor: Actor, filters: DeliveryFilter = DeliveryFilter()
                      ) -> Iterator[DeliveryRow]:
    """Every 納品 the filter matches (all pages), in keyset batches within ``session``."""
    require(actor, "sales.view")
    return _export(session, _delivery_query(filters), Delivery.id, DeliveryRow)


def _delivery_query(filters: DeliveryFilter) -> Any:
    query: Any = (select(Delivery.id, Delivery.number, Delivery.partner_id, Partner.name.label("partner_name"),
                         Partner.closing_day, Delivery.delivery_date, Delivery.price_entry, Delivery.net,
                         Delivery.tax, Delivery.gross, Delivery.invoice_id, Invoice.number.label("invoice_number"),
                         Delivery.order_id, SalesOrder.number.label("order_number"), SalesOrder.subject)
                  .join(Partner, Partner.id == Delivery.partner_id)
                  .outerjoin(SalesOrder, SalesOrder.id == Delivery.order_id)
                  .outerjoin(Invoice, Invoice.id == Delivery.invoice_id))
    query = _text_filter(query, Delivery.number, SalesOrder.subject, filters.text)
    if filters.unbilled is not None:
        query = query.where(Delivery.invoice_id.is_(None) if filters.unbilled else Delivery.invoice_id.is_not(None))
    if filters.partner_id is not None:
        query = query.where(Delivery.partner_id == filters.partner_id)
    if filters.date_to is not None:
        query = query.where(Delivery.delivery_date <= filters.date_to)
    return query


def _invoice_query() -> Any:
    return (select(Invoice.id, func.coalesce(Invoice.number, "").label("number"), Invoice.kind, Invoice.partner_id,
                   Partner.name.label("partner_name"),
                   Invoice.issue_date, Invoice.due_date, Invoice.billing, Invoice.subject, Invoice.net, Invoice.tax,
                   Invoice.gross, Invoice.billed, Invoice.net_10, Invoice.tax_10, Invoice.net_8, Invoice.tax_8,
                   Invoice.net_0, Receivable.status.label("receivable_status"), Receivable.paid_amount,
                   Receivable.open_amount, Invoice.status)
            .join(Partner, Partner.id == Invoice.partner_id)
            .outerjoin(Receivable, Receivable.invoice_id == Invoice.id))


def _invoice_conditions(s: Session, filters: InvoiceFilter) -> list[Any]:
    """The filters as conditions on the invoices table alone, so the count and the page's ids need no join:
    the customer name/code match becomes the (few) matching partners' ids, the payment status a subquery."""
    conditions: list[Any] = []
    text = filters.text.strip()
    if text:
        like = _like(text)
        partner_ids = list(s.scalars(select(Partner.id).where(or_(Partner.name.like(like, escape="\\"),
                                                                   Partner.code.like(like, escape="\\")))))
        matches = [Invoice.number.like(like, escape="\\"), Invoice.subject.like(like, escape="\\")]
        if partner_ids:
            matches.append(Invoice.partner_id.in_(partner_ids))
        conditions.append(or_(*matches))
    if filters.kind:
        conditions.append(Invoice.kind == filters.kind)
    if filters.receivable_status:
        conditions.append(Invoice.id.in_(select(Receivable.invoice_id)
                                          .where(Receivable.status == filters.receivable_status)))
    if filters.number:
        conditions.append(Invoice.number == filters.number)
    if filters.partner_id is not None:
        conditions.append(Invoice.partner_id == filters.partner_id)
    if filters.date_from is not None:
        conditions.append(Invoice.issue_date >= filters.date_from)
    if filters.date_to is not None:
        conditions.append(Invoice.issue_date <= filters.date_to)
    if filters.ids is not None:
        conditions.append(Invoice.id.in_(filters.ids))
    if filters.status:
        conditions.append(Invoice.status == filters.status)
    return conditions


def list_invoices(uow: UnitOfWork, actor: Actor, filters: InvoiceFilter = InvoiceFilter(),
                  page: PageRequest = PageRequest()) -> Paged[InvoiceRow]:
    """請求書 and 返還請求書, newest first, with what each still owes.

    100,000 invoices stay fast: the count runs on the invoices table alone, and the page is a deferred join
    (the page's ids from the (issue_date, id) index with OFFSET, then only those rows with their customer
    and receivable)."""
    require(actor, "sales.view")
    with uow:
        s: Session = uow.session
        conditions = _invoice_conditions(s, filters)
        total = int(s.scalar(select(func.count()).select_from(Invoice).where(*conditions)) or 0)
        order = (Invoice.issue_date.desc(), Invoice.id.desc())
        ids = (select(Invoice.id.label("id")).where(*conditions).order_by(*order)
               .limit(page.per_page).offset((page.page - 1) * page.per_page).subquery("page_ids"))
        rows = s.execute(_invoice_query().join(ids, ids.c.id == Invoice.id).order_by(*order))
        return Paged(tuple(InvoiceRow(**r._asdict()) for r in rows), total, page.page, page.per_page)


def export_invoices(session: Session, actor: Actor, filters: InvoiceFilter = InvoiceFilter()
                    ) -> Iterator[InvoiceRow]:
    """Every 請求書 the filter matches (all pages), in keyset batches within ``session``."""
    require(actor, "sales.view")
    return _export(session, _invoice_query().where(*_invoice_conditions(session, filters)), Invoice.id, InvoiceRow)


# ---------------------------------------------------------------- receivables


def open_receivables(uow: UnitOfWork, actor: Actor, partner_id: int) -> int:
    """What this customer's invoices still owe (売掛金台帳), summed in the database."""
    require(actor, "sales.view")
    with uow:
        return int(uow.session.scalar(select(func.coalesce(func.sum(Receivable.open_amount), 0))
                                      .where(Receivable.partner_id == partner_id)) or 0)

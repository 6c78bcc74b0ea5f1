"""Sales API: partners and items, 見積 → 受注 → 納品, invoices (都度, 締め請求, direct, credit notes,
replacements) with their PDFs, bank imports and 入金消込, and the receivables check.

Money is integer yen; quantities and unit prices travel as decimal strings (``"2.5"``, ``"1234.50"``).
Every change goes through the services of :mod:`ennoshita.sales`; errors come back as
``application/problem+json`` naming each field (``lines[1].tax_rate``).

The lists and detail views of quotes, orders, deliveries and invoices are read queries in this module
(paginated in SQL, each checking ``sales.view``): the sales services have no read functions for them yet.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal
from urllib.parse import quote as url_quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, StrictInt
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from ennoshita.actor import Actor
from ennoshita.api.deps import ApiActor, DbDep
from ennoshita.db import Database
from ennoshita.errors import Invalid, NotFound
from ennoshita.identity import load_company, require
from ennoshita.sales import billing, flow, partners, pdf, receivables
from ennoshita.sales.lines import LineInput, ResolvedLine, totals_of
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
from ennoshita.sales.rules import PriceEntry

router = APIRouter(tags=["sales"])

PerPage = Query(50, ge=1, le=200)
PageNo = Query(1, ge=1)


# ---------------------------------------------------------------- shapes: partners and items


class ContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    department: str = ""
    email: str = ""
    phone: str = ""
    is_billing: bool = False


class ContactOut(BaseModel):
    name: str
    department: str
    email: str
    phone: str
    is_billing: bool


class PartnerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str
    name: str
    name_kana: str = ""
    honorific: str = "御中"
    corporate_number: str = ""
    registration_number: str = Field("", description="適格請求書発行事業者の登録番号 (T + 13 digits).")
    is_customer: bool = True
    is_supplier: bool = False
    postal_code: str = ""
    address: str = ""
    billing_address: str = ""
    phone: str = ""
    email: str = ""
    closing_day: StrictInt = Field(31, description="締日: 0 (都度), 5, 10, 15, 20, 25 or 31 (末日).")
    months_after: StrictInt = Field(1, description="支払月: 0 当月, 1 翌月, 2 翌々月, 3.")
    pay_day: StrictInt = Field(31, description="支払日 (31 = 末日).")
    holiday_shift: str = "next"
    fee_bearer: str = "payer"
    bank_code: str = ""
    branch_code: str = ""
    account_type: str = ""
    account_number: str = ""
    account_holder_kana: str = ""
    credit_limit: StrictInt = 0
    notes: str = ""
    contacts: list[ContactIn] | None = None


class PartnerOut(BaseModel):
    id: int
    code: str
    name: str
    name_kana: str
    honorific: str
    corporate_number: str
    registration_number: str
    is_qualified_issuer: bool
    is_customer: bool
    is_supplier: bool
    postal_code: str
    address: str
    billing_address: str
    phone: str
    email: str
    closing_day: int
    months_after: int
    pay_day: int
    holiday_shift: str
    fee_bearer: str
    bank_code: str
    branch_code: str
    account_type: str
    account_number: str
    account_holder_kana: str
    credit_limit: int
    notes: str
    active: bool
    contacts: list[ContactOut] = []


class PartnerPage(BaseModel):
    items: list[PartnerOut]
    total: int
    page: int
    per_page: int


class ItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str
    name: str
    unit: str = "個"
    unit_price: str = Field("0", description="Decimal string, up to 2 places.")
    tax_rate: str = Field("10", description="10, 8 (軽減税率) or 0.")


class ItemOut(BaseModel):
    id: int
    code: str
    name: str
    unit: str
    unit_price: str
    tax_rate: str
    active: bool


class ItemPage(BaseModel):
    items: list[ItemOut]
    total: int
    page: int
    per_page: int


# ---------------------------------------------------------------- shapes: documents


class LineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str = ""
    quantity: str = Field("1", description="Decimal string, up to 3 places.")
    unit_price: str = Field("", description="Decimal string; empty takes the item's price.")
    tax_rate: str = Field("", description="10, 8 or 0; empty takes the item's rate (default 10).")
    unit: str = ""
    item_code: str = ""
    is_discount: bool = False


class LineOut(BaseModel):
    id: int
    line_no: int
    item_id: int | None
    description: str
    quantity: str
    unit: str
    unit_price: str
    tax_rate: str
    amount: int
    delivered_quantity: str | None = None
    line_date: dt.date | None = None
    delivery_id: int | None = None


class RateOut(BaseModel):
    rate: str
    net: int
    tax: int
    gross: int


class DocOut(BaseModel):
    """A quote, order or delivery as listed."""

    id: int
    number: str
    revision: int | None = None
    status: str
    partner_id: int
    partner_name: str
    date: dt.date
    subject: str
    price_entry: str
    net: int
    tax: int
    gross: int


class DocDetailOut(DocOut):
    valid_until: dt.date | None = None
    quote_id: int | None = None
    order_id: int | None = None
    invoice_id: int | None = None
    customer_po: str | None = None
    delivery_due: dt.date | None = None
    delivery_place: str | None = None
    notes: str | None = None
    lines: list[LineOut]
    rates: list[RateOut] = Field(description="Per-rate totals (tax computed once per rate).")


class DocPage(BaseModel):
    items: list[DocOut]
    total: int
    page: int
    per_page: int


class QuoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    partner_id: int
    issue_date: dt.date
    valid_until: dt.date
    subject: str
    lines: list[LineIn]
    price_entry: Literal["exclusive", "inclusive"] = "exclusive"
    delivery_terms: str = ""
    notes: str = ""


class QuoteStatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["sent", "lost"]


class AcceptIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    order_date: dt.date | None = None
    customer_po: str = ""
    delivery_due: dt.date | None = None


class OrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    partner_id: int
    order_date: dt.date
    subject: str
    lines: list[LineIn]
    price_entry: Literal["exclusive", "inclusive"] = "exclusive"
    customer_po: str = ""
    delivery_due: dt.date | None = None
    delivery_place: str = ""


class DeliveryLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    order_line_id: int
    quantity: str


class DeliveryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    delivery_date: dt.date
    lines: list[DeliveryLineIn] = Field([], description="Empty: deliver everything still open.")
    delivery_place: str = ""


class IssueDateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    issue_date: dt.date | None = None


class InvoiceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    partner_id: int
    issue_date: dt.date
    lines: list[LineIn]
    subject: str = ""
    price_entry: Literal["exclusive", "inclusive"] = "exclusive"
    due_date: dt.date | None = None
    notes: str = ""


class CreditNoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    issue_date: dt.date
    lines: list[LineIn] = Field(description="What is returned or discounted, as positive quantities.")
    reason: str = ""


class InvoiceOut(BaseModel):
    id: int
    number: str
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
    rates: list[RateOut]
    receivable_status: str | None
    open_amount: int | None


class InvoiceDetailOut(InvoiceOut):
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
    paid_amount: int | None
    lines: list[LineOut]


class InvoicePage(BaseModel):
    items: list[InvoiceOut]
    total: int
    page: int
    per_page: int


class BillingRunIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    closing_date: dt.date
    issue_date: dt.date | None = None
    partner_ids: list[int] | None = Field(None, description="Only these customers (default: every customer).")


class BillingRunOut(BaseModel):
    closing_date: dt.date
    invoices: list[InvoiceOut]
    total_billed: int


class PreviewRowOut(BaseModel):
    partner_id: int
    partner_name: str
    deliveries: int
    gross: int


class ZipIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    invoice_ids: list[int] = Field(min_length=1)


class ImportOut(BaseModel):
    batch: str
    imported: int
    duplicates: int
    skipped: int


class AllocationOut(BaseModel):
    invoice_id: int
    invoice_number: str
    amount: int


class ProposalOut(BaseModel):
    deposit_id: int
    value_date: dt.date
    payer_name: str
    amount: int
    kind: str
    partner_id: int | None
    partner_name: str
    allocations: list[AllocationOut]
    fee: int
    unassigned: int
    name_matched: bool


class AllocationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    invoice_id: int
    amount: StrictInt


class MatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    deposit_id: int
    allocations: list[AllocationIn]
    fee: StrictInt = 0


class MatchesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    matches: list[MatchIn] = Field(min_length=1)


class MatchedOut(BaseModel):
    matched: int


class ArCheckOut(BaseModel):
    subledger: int = Field(description="売掛金台帳: the open amounts of every invoice.")
    ledger: int = Field(description="総勘定元帳: 売掛金 on the partners' 補助科目.")
    difference: int
    ok: bool
    partner_id: int | None = None
    partner_subledger: int | None = Field(None, description="The open amounts of this customer's invoices.")


# ---------------------------------------------------------------- helpers


def _viewer(actor: Actor) -> None:
    require(actor, "sales.view")


def _dec(value: Decimal | int | str) -> str:
    """A decimal as plain text without trailing zeros (``25.000`` → ``25``, ``1234.50`` → ``1234.5``)."""
    d = Decimal(value)
    text = f"{d.normalize():f}"
    return text if text != "-0" else "0"


def _lines_in(lines: list[LineIn]) -> tuple[LineInput, ...]:
    return tuple(LineInput(description=ln.description, quantity=ln.quantity, unit_price=ln.unit_price,
                           tax_rate=ln.tax_rate, unit=ln.unit, item_code=ln.item_code, is_discount=ln.is_discount)
                 for ln in lines)


def _partner_out(p: partners.PartnerSummary) -> PartnerOut:
    data = {k: getattr(p, k) for k in PartnerOut.model_fields if k != "contacts"}
    return PartnerOut(**data, contacts=[ContactOut(name=c.name, department=c.department, email=c.email,
                                                   phone=c.phone, is_billing=c.is_billing) for c in p.contacts])


def _partner_in(body: PartnerIn) -> tuple[partners.PartnerInput, tuple[partners.ContactData, ...] | None]:
    values = body.model_dump(exclude={"contacts"})
    contacts = None if body.contacts is None else tuple(
        partners.ContactData(c.name, c.department, c.email, c.phone, c.is_billing) for c in body.contacts)
    return partners.PartnerInput(**values), contacts


def _item_out(i: partners.ItemSummary) -> ItemOut:
    return ItemOut(id=i.id, code=i.code, name=i.name, unit=i.unit, unit_price=_dec(i.unit_price),
                   tax_rate=i.tax_rate, active=i.active)


def _page(s: Session, query: Select[*tuple[Any, ...]], page: int, per_page: int) -> tuple[list[Any], int]:
    total = int(s.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0)
    rows = list(s.execute(query.limit(per_page).offset((page - 1) * per_page)))
    return rows, total


def _line_out(r: QuoteLine | SalesOrderLine | DeliveryLine | InvoiceLine) -> LineOut:
    return LineOut(id=r.id, line_no=r.line_no, item_id=r.item_id, description=r.description,
                   quantity=_dec(r.quantity), unit=r.unit, unit_price=_dec(r.unit_price), tax_rate=r.tax_rate,
                   amount=r.amount,
                   delivered_quantity=_dec(r.delivered_quantity) if isinstance(r, SalesOrderLine) else None,
                   line_date=r.line_date if isinstance(r, InvoiceLine) else None,
                   delivery_id=r.delivery_id if isinstance(r, InvoiceLine) else None)


def _rates(rows: list[Any], price_entry: str, rounding: Any) -> list[RateOut]:
    resolved = [ResolvedLine(r.item_id, r.description, Decimal(r.quantity), r.unit, Decimal(r.unit_price),
                             r.tax_rate, r.amount, r.amount < 0) for r in rows]
    if not resolved:
        return []
    totals = totals_of(resolved, PriceEntry(price_entry), rounding)
    return [RateOut(rate=r.rate, net=r.net, tax=r.tax, gross=r.gross) for r in totals.rates]


def _partner_name(s: Session, partner_id: int) -> str:
    return str(s.scalar(select(Partner.name).where(Partner.id == partner_id)) or "")


def _file(content: bytes, name: str, media: str = "application/pdf") -> Response:
    """A download with the Japanese file name (RFC 5987 ``filename*``) and an ASCII fallback."""
    ascii_name = "".join(c if c.isascii() and c not in '"\\' else "_" for c in name)
    return Response(content, media_type=media, headers={
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{url_quote(name)}"})


# ---------------------------------------------------------------- partners and items


@router.get("/partners", response_model=PartnerPage)
def search_partners(db: DbDep, actor: ApiActor,
                    q: str = Query("", description="Name, カナ, code, 法人番号 or 登録番号."),
                    role: Literal["customer", "supplier"] | None = None,
                    active: bool | None = Query(True, description="Empty: active and inactive."),
                    page: int = PageNo, per_page: int = PerPage) -> PartnerPage:
    """取引先 search (in the database, paginated)."""
    found = partners.search_partners(db.uow(), actor, q, role or "", active, page, per_page)
    return PartnerPage(items=[_partner_out(p) for p in found.rows], total=found.total, page=found.page,
                       per_page=found.per_page)


@router.post("/partners", response_model=PartnerOut, status_code=201)
def create_partner(body: PartnerIn, db: DbDep, actor: ApiActor) -> PartnerOut:
    """Register a partner; every problem is named at once."""
    cmd, contacts = _partner_in(body)
    return _partner_out(partners.create_partner(db.uow(), actor, cmd, contacts or ()))


@router.get("/partners/{partner_id}", response_model=PartnerOut)
def get_partner(partner_id: int, db: DbDep, actor: ApiActor) -> PartnerOut:
    return _partner_out(partners.get_partner(db.uow(), actor, partner_id))


@router.put("/partners/{partner_id}", response_model=PartnerOut)
def update_partner(partner_id: int, body: PartnerIn, db: DbDep, actor: ApiActor) -> PartnerOut:
    """Replace a partner's data (contacts too when given)."""
    cmd, contacts = _partner_in(body)
    return _partner_out(partners.update_partner(db.uow(), actor, partner_id, cmd, contacts))


@router.get("/items", response_model=ItemPage)
def list_items(db: DbDep, actor: ApiActor, q: str = "", active_only: bool = False, page: int = PageNo,
               per_page: int = PerPage) -> ItemPage:
    """品目 by code."""
    rows, total = partners.list_items(db.uow(), actor, q, page, per_page, active_only)
    return ItemPage(items=[_item_out(i) for i in rows], total=total, page=page, per_page=per_page)


@router.post("/items", response_model=ItemOut, status_code=201)
def create_item(body: ItemIn, db: DbDep, actor: ApiActor) -> ItemOut:
    return _item_out(partners.create_item(db.uow(), actor, partners.ItemInput(
        body.code, body.name, body.unit, body.unit_price, body.tax_rate)))


# ---------------------------------------------------------------- quotes


def _quote_detail(db: Database, actor: Actor, quote_id: int) -> DocDetailOut:
    _viewer(actor)
    with db.uow() as uow:
        s = uow.session
        quote = s.get(Quote, quote_id)
        if quote is None:
            raise NotFound("sales.error.quote_not_found", field="quote_id", id=quote_id)
        rows = list(s.scalars(select(QuoteLine).where(QuoteLine.quote_id == quote_id).order_by(QuoteLine.line_no)))
        return DocDetailOut(
            id=quote.id, number=quote.number, revision=quote.revision, status=quote.status,
            partner_id=quote.partner_id, partner_name=_partner_name(s, quote.partner_id), date=quote.issue_date,
            subject=quote.subject, price_entry=quote.price_entry, net=quote.net, tax=quote.tax, gross=quote.gross,
            valid_until=quote.valid_until, delivery_place=quote.delivery_terms, notes=quote.notes,
            lines=[_line_out(r) for r in rows], rates=_rates(rows, quote.price_entry, load_company(uow).rounding))


def _quote_input(body: QuoteIn) -> flow.QuoteInput:
    return flow.QuoteInput(body.partner_id, body.issue_date, body.valid_until, body.subject, _lines_in(body.lines),
                           body.price_entry, body.delivery_terms, body.notes)


@router.post("/quotes", response_model=DocDetailOut, status_code=201)
def create_quote(body: QuoteIn, db: DbDep, actor: ApiActor) -> DocDetailOut:
    """見積書 (revision 1, draft): totals per rate, tax once per rate."""
    return _quote_detail(db, actor, flow.create_quote(db.uow(), actor, _quote_input(body)).id)


@router.get("/quotes", response_model=DocPage)
def list_quotes(db: DbDep, actor: ApiActor,
                status: Literal["draft", "sent", "accepted", "lost", "superseded"] | None = None,
                partner: int | None = Query(None, description="Partner id."),
                page: int = PageNo, per_page: int = PerPage) -> DocPage:
    """見積 newest first."""
    _viewer(actor)
    query = (select(Quote, Partner.name).join(Partner, Partner.id == Quote.partner_id)
             .order_by(Quote.issue_date.desc(), Quote.id.desc()))
    if status:
        query = query.where(Quote.status == status)
    if partner is not None:
        query = query.where(Quote.partner_id == partner)
    with db.uow() as uow:
        rows, total = _page(uow.session, query, page, per_page)
        return DocPage(items=[DocOut(id=q.id, number=q.number, revision=q.revision, status=q.status,
                                     partner_id=q.partner_id, partner_name=name, date=q.issue_date, subject=q.subject,
                                     price_entry=q.price_entry, net=q.net, tax=q.tax, gross=q.gross)
                              for q, name in rows], total=total, page=page, per_page=per_page)


@router.get("/quotes/{quote_id}", response_model=DocDetailOut)
def get_quote(quote_id: int, db: DbDep, actor: ApiActor) -> DocDetailOut:
    return _quote_detail(db, actor, quote_id)


@router.post("/quotes/{quote_id}/revise", response_model=DocDetailOut, status_code=201)
def revise_quote(quote_id: int, body: QuoteIn, db: DbDep, actor: ApiActor) -> DocDetailOut:
    """A new revision with the same number; this one becomes superseded."""
    return _quote_detail(db, actor, flow.revise_quote(db.uow(), actor, quote_id, _quote_input(body)).id)


@router.post("/quotes/{quote_id}/status", response_model=DocDetailOut)
def set_quote_status(quote_id: int, body: QuoteStatusIn, db: DbDep, actor: ApiActor) -> DocDetailOut:
    """送付済 (sent) or 失注 (lost); acceptance is ``POST /quotes/{id}/accept``."""
    flow.set_quote_status(db.uow(), actor, quote_id, body.status)
    return _quote_detail(db, actor, quote_id)


@router.post("/quotes/{quote_id}/accept", response_model=DocDetailOut, status_code=201)
def accept_quote(quote_id: int, db: DbDep, actor: ApiActor, body: AcceptIn | None = None) -> DocDetailOut:
    """受注: the quote becomes a sales order with the same lines; answers the order."""
    body = body or AcceptIn()
    order = flow.accept_quote(db.uow(), actor, quote_id, body.order_date, body.customer_po, body.delivery_due)
    return _order_detail(db, actor, order.id)


@router.get("/quotes/{quote_id}/pdf")
def quote_pdf(quote_id: int, db: DbDep, actor: ApiActor) -> Response:
    """見積書 PDF."""
    return _file(*pdf.quote_pdf(db.uow(), actor, quote_id))


# ---------------------------------------------------------------- orders


def _order_detail(db: Database, actor: Actor, order_id: int) -> DocDetailOut:
    _viewer(actor)
    with db.uow() as uow:
        s = uow.session
        order = s.get(SalesOrder, order_id)
        if order is None:
            raise NotFound("sales.error.order_not_found", field="order_id", id=order_id)
        rows = list(s.scalars(select(SalesOrderLine).where(SalesOrderLine.order_id == order_id)
                              .order_by(SalesOrderLine.line_no)))
        return DocDetailOut(
            id=order.id, number=order.number, status=order.status, partner_id=order.partner_id,
            partner_name=_partner_name(s, order.partner_id), date=order.order_date, subject=order.subject,
            price_entry=order.price_entry, net=order.net, tax=order.tax, gross=order.gross, quote_id=order.quote_id,
            customer_po=order.customer_po, delivery_due=order.delivery_due, delivery_place=order.delivery_place,
            lines=[_line_out(r) for r in rows], rates=_rates(rows, order.price_entry, load_company(uow).rounding))


@router.post("/orders", response_model=DocDetailOut, status_code=201)
def create_order(body: OrderIn, db: DbDep, actor: ApiActor) -> DocDetailOut:
    """受注 entered directly (a customer's 注文書 without a quote)."""
    order = flow.create_order(db.uow(), actor, flow.OrderInput(
        body.partner_id, body.order_date, body.subject, _lines_in(body.lines), body.price_entry, body.customer_po,
        body.delivery_due, body.delivery_place))
    return _order_detail(db, actor, order.id)


@router.get("/orders", response_model=DocPage)
def list_orders(db: DbDep, actor: ApiActor,
                status: Literal["open", "partial", "delivered", "cancelled"] | None = None,
                partner: int | None = Query(None, description="Partner id."),
                page: int = PageNo, per_page: int = PerPage) -> DocPage:
    """受注 newest first."""
    _viewer(actor)
    query = (select(SalesOrder, Partner.name).join(Partner, Partner.id == SalesOrder.partner_id)
             .order_by(SalesOrder.order_date.desc(), SalesOrder.id.desc()))
    if status:
        query = query.where(SalesOrder.status == status)
    if partner is not None:
        query = query.where(SalesOrder.partner_id == partner)
    with db.uow() as uow:
        rows, total = _page(uow.session, query, page, per_page)
        return DocPage(items=[DocOut(id=o.id, number=o.number, status=o.status, partner_id=o.partner_id,
                                     partner_name=name, date=o.order_date, subject=o.subject, price_entry=o.price_entry,
                                     net=o.net, tax=o.tax, gross=o.gross) for o, name in rows],
                       total=total, page=page, per_page=per_page)


@router.get("/orders/{order_id}", response_model=DocDetailOut)
def get_order(order_id: int, db: DbDep, actor: ApiActor) -> DocDetailOut:
    """An order with its lines (each line's ``id`` is the ``order_line_id`` a delivery names)."""
    return _order_detail(db, actor, order_id)


@router.post("/orders/{order_id}/deliveries", response_model=DocDetailOut, status_code=201)
def create_delivery(order_id: int, body: DeliveryIn, db: DbDep, actor: ApiActor) -> DocDetailOut:
    """納品: part or all of the order (no lines: everything still open)."""
    delivery = flow.create_delivery(db.uow(), actor, flow.DeliveryInput(
        order_id, body.delivery_date, tuple((ln.order_line_id, ln.quantity) for ln in body.lines),
        body.delivery_place))
    return _delivery_detail(db, actor, delivery.id)


@router.get("/orders/{order_id}/pdf")
def order_pdf(order_id: int, db: DbDep, actor: ApiActor) -> Response:
    """注文請書 PDF."""
    return _file(*pdf.order_confirmation_pdf(db.uow(), actor, order_id))


# ---------------------------------------------------------------- deliveries


def _delivery_detail(db: Database, actor: Actor, delivery_id: int) -> DocDetailOut:
    _viewer(actor)
    with db.uow() as uow:
        s = uow.session
        d = s.get(Delivery, delivery_id)
        if d is None:
            raise NotFound("sales.error.delivery_not_found", field="delivery_id", id=delivery_id)
        rows = list(s.scalars(select(DeliveryLine).where(DeliveryLine.delivery_id == delivery_id)
                              .order_by(DeliveryLine.line_no)))
        subject = s.scalar(select(SalesOrder.subject).where(SalesOrder.id == d.order_id)) if d.order_id else ""
        return DocDetailOut(
            id=d.id, number=d.number, status="billed" if d.invoice_id else "unbilled", partner_id=d.partner_id,
            partner_name=_partner_name(s, d.partner_id), date=d.delivery_date, subject=subject or "",
            price_entry=d.price_entry, net=d.net, tax=d.tax, gross=d.gross, order_id=d.order_id,
            invoice_id=d.invoice_id, delivery_place=d.delivery_place, lines=[_line_out(r) for r in rows],
            rates=_rates(rows, d.price_entry, load_company(uow).rounding))


@router.get("/deliveries", response_model=DocPage)
def list_deliveries(db: DbDep, actor: ApiActor,
                    unbilled: bool | None = Query(None, description="true: not yet invoiced; false: invoiced."),
                    partner: int | None = Query(None, description="Partner id."),
                    date_to: dt.date | None = Query(None, alias="to", description="Delivered on or before."),
                    page: int = PageNo, per_page: int = PerPage) -> DocPage:
    """納品 newest first."""
    _viewer(actor)
    query = (select(Delivery, Partner.name).join(Partner, Partner.id == Delivery.partner_id)
             .order_by(Delivery.delivery_date.desc(), Delivery.id.desc()))
    if unbilled is not None:
        query = query.where(Delivery.invoice_id.is_(None) if unbilled else Delivery.invoice_id.is_not(None))
    if partner is not None:
        query = query.where(Delivery.partner_id == partner)
    if date_to is not None:
        query = query.where(Delivery.delivery_date <= date_to)
    with db.uow() as uow:
        rows, total = _page(uow.session, query, page, per_page)
        return DocPage(items=[DocOut(id=d.id, number=d.number, status="billed" if d.invoice_id else "unbilled",
                                     partner_id=d.partner_id, partner_name=name, date=d.delivery_date, subject="",
                                     price_entry=d.price_entry, net=d.net, tax=d.tax, gross=d.gross)
                              for d, name in rows], total=total, page=page, per_page=per_page)


@router.get("/deliveries/{delivery_id}", response_model=DocDetailOut)
def get_delivery(delivery_id: int, db: DbDep, actor: ApiActor) -> DocDetailOut:
    return _delivery_detail(db, actor, delivery_id)


@router.get("/deliveries/{delivery_id}/pdf")
def delivery_pdf(delivery_id: int, db: DbDep, actor: ApiActor) -> Response:
    """納品書 PDF."""
    return _file(*pdf.delivery_note_pdf(db.uow(), actor, delivery_id))


@router.post("/deliveries/{delivery_id}/invoice", response_model=InvoiceDetailOut, status_code=201)
def invoice_delivery(delivery_id: int, db: DbDep, actor: ApiActor,
                     body: IssueDateIn | None = None) -> InvoiceDetailOut:
    """都度請求: one invoice for this delivery, posted to the ledger."""
    inv = billing.invoice_delivery(db.uow(), actor, delivery_id, (body or IssueDateIn()).issue_date)
    return _invoice_detail(db, actor, inv.id)


# ---------------------------------------------------------------- invoices


def _invoice_rates(inv: Invoice) -> list[RateOut]:
    out = []
    for rate, net, tax in (("10", inv.net_10, inv.tax_10), ("8", inv.net_8, inv.tax_8), ("0", inv.net_0, 0)):
        if net or tax:
            out.append(RateOut(rate=rate, net=net, tax=tax, gross=net + tax))
    return out


def _invoice_out(inv: Invoice, partner_name: str, rec: Receivable | None) -> dict[str, Any]:
    return {"id": inv.id, "number": inv.number, "kind": inv.kind, "partner_id": inv.partner_id,
            "partner_name": partner_name, "issue_date": inv.issue_date, "due_date": inv.due_date,
            "billing": inv.billing, "subject": inv.subject, "net": inv.net, "tax": inv.tax, "gross": inv.gross,
            "billed": inv.billed, "rates": _invoice_rates(inv), "receivable_status": rec.status if rec else None,
            "open_amount": rec.open_amount if rec else None}


def _invoice_detail(db: Database, actor: Actor, invoice_id: int) -> InvoiceDetailOut:
    _viewer(actor)
    with db.uow() as uow:
        s = uow.session
        inv = s.get(Invoice, invoice_id)
        if inv is None:
            raise NotFound("sales.error.invoice_not_found", field="invoice_id", id=invoice_id)
        rec = s.get(Receivable, invoice_id)
        rows = list(s.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice_id)
                              .order_by(InvoiceLine.line_no)))
        return InvoiceDetailOut(
            **_invoice_out(inv, _partner_name(s, inv.partner_id), rec), period_from=inv.period_from,
            period_to=inv.period_to, price_entry=inv.price_entry, rounding=inv.rounding, issuer_name=inv.issuer_name,
            issuer_registration_number=inv.issuer_registration_number, recipient_name=inv.recipient_name,
            previous_billed=inv.previous_billed, received=inv.received, carried_over=inv.carried_over,
            original_id=inv.original_id, replaces_id=inv.replaces_id, notes=inv.notes,
            journal_entry_id=inv.journal_entry_id, paid_amount=rec.paid_amount if rec else None,
            lines=[_line_out(r) for r in rows])


def _invoice_input(body: InvoiceIn) -> billing.InvoiceInput:
    return billing.InvoiceInput(body.partner_id, body.issue_date, _lines_in(body.lines), body.subject,
                                body.price_entry, body.due_date, body.notes)


@router.post("/invoices", response_model=InvoiceDetailOut, status_code=201)
def issue_invoice(body: InvoiceIn, db: DbDep, actor: ApiActor) -> InvoiceDetailOut:
    """An invoice entered directly (no delivery behind it), posted to the ledger."""
    return _invoice_detail(db, actor, billing.issue_invoice(db.uow(), actor, _invoice_input(body)).id)


@router.get("/invoices", response_model=InvoicePage)
def list_invoices(db: DbDep, actor: ApiActor,
                  partner: int | None = Query(None, description="Partner id."),
                  kind: Literal["invoice", "credit_note"] | None = None,
                  status: Literal["open", "paid", "credited", "replaced"] | None = Query(
                      None, description="Receivable status."),
                  number: str | None = None,
                  date_from: dt.date | None = Query(None, alias="from"),
                  date_to: dt.date | None = Query(None, alias="to"),
                  page: int = PageNo, per_page: int = PerPage) -> InvoicePage:
    """請求書 and 返還請求書, newest first, with what each still owes."""
    _viewer(actor)
    query = (select(Invoice, Partner.name, Receivable).join(Partner, Partner.id == Invoice.partner_id)
             .outerjoin(Receivable, Receivable.invoice_id == Invoice.id)
             .order_by(Invoice.issue_date.desc(), Invoice.id.desc()))
    if partner is not None:
        query = query.where(Invoice.partner_id == partner)
    if kind:
        query = query.where(Invoice.kind == kind)
    if status:
        query = query.where(Receivable.status == status)
    if number:
        query = query.where(Invoice.number == number)
    if date_from:
        query = query.where(Invoice.issue_date >= date_from)
    if date_to:
        query = query.where(Invoice.issue_date <= date_to)
    with db.uow() as uow:
        rows, total = _page(uow.session, query, page, per_page)
        return InvoicePage(items=[InvoiceOut(**_invoice_out(inv, name, rec)) for inv, name, rec in rows],
                           total=total, page=page, per_page=per_page)


@router.get("/invoices/{invoice_id}", response_model=InvoiceDetailOut)
def get_invoice(invoice_id: int, db: DbDep, actor: ApiActor) -> InvoiceDetailOut:
    """An invoice with its lines, its per-rate totals (税率ごとの対価の額と消費税額) and its receivable."""
    return _invoice_detail(db, actor, invoice_id)


@router.get("/invoices/{invoice_id}/pdf")
def invoice_pdf(invoice_id: int, db: DbDep, actor: ApiActor) -> Response:
    """適格請求書 (or 適格返還請求書) PDF."""
    return _file(*pdf.invoice_pdf(db.uow(), actor, invoice_id))


@router.post("/invoices/{invoice_id}/credit-notes", response_model=InvoiceDetailOut, status_code=201)
def issue_credit_note(invoice_id: int, body: CreditNoteIn, db: DbDep, actor: ApiActor) -> InvoiceDetailOut:
    """適格返還請求書 against this invoice (returns or discounts)."""
    note = billing.issue_credit_note(db.uow(), actor, billing.CreditNoteInput(
        invoice_id, body.issue_date, _lines_in(body.lines), body.reason))
    return _invoice_detail(db, actor, note.id)


@router.post("/invoices/{invoice_id}/replace", response_model=InvoiceDetailOut, status_code=201)
def replace_invoice(invoice_id: int, body: InvoiceIn, db: DbDep, actor: ApiActor) -> InvoiceDetailOut:
    """修正した適格請求書 for an unpaid invoice: the original is reversed and marked replaced."""
    return _invoice_detail(db, actor, billing.replace_invoice(db.uow(), actor, invoice_id, _invoice_input(body)).id)


# ---------------------------------------------------------------- billing runs


def _invoices_by_id(db: Database, ids: list[int]) -> list[InvoiceOut]:
    if not ids:
        return []
    with db.uow() as uow:
        rows = uow.session.execute(
            select(Invoice, Partner.name, Receivable).join(Partner, Partner.id == Invoice.partner_id)
            .outerjoin(Receivable, Receivable.invoice_id == Invoice.id).where(Invoice.id.in_(ids))
            .order_by(Invoice.id))
        return [InvoiceOut(**_invoice_out(inv, name, rec)) for inv, name, rec in rows]


@router.post("/billing-runs", response_model=BillingRunOut, status_code=201)
def billing_run(body: BillingRunIn, db: DbDep, actor: ApiActor) -> BillingRunOut:
    """締め請求 on a closing date: one invoice per customer over its unbilled deliveries (都度 customers: one
    per delivery). All or nothing."""
    result = billing.billing_run(db.uow(), actor, body.closing_date, body.issue_date, body.partner_ids)
    return BillingRunOut(closing_date=result.closing_date,
                         invoices=_invoices_by_id(db, [i.id for i in result.invoices]),
                         total_billed=result.total_billed)


@router.get("/billing-runs/preview", response_model=list[PreviewRowOut])
def billing_preview(db: DbDep, actor: ApiActor, closing_date: dt.date) -> list[PreviewRowOut]:
    """What a run on ``closing_date`` would bill, per customer."""
    return [PreviewRowOut(partner_id=pid, partner_name=name, deliveries=n, gross=gross)
            for pid, name, n, gross in billing.unbilled_preview(db.uow(), actor, closing_date)]


@router.post("/billing-runs/zip")
def billing_zip(body: ZipIn, db: DbDep, actor: ApiActor) -> Response:
    """The PDFs of these invoices in one ZIP."""
    content = pdf.invoices_zip(db.uow(), actor, body.invoice_ids)
    return _file(content, "請求書.zip", "application/zip")


# ---------------------------------------------------------------- bank and receivables


@router.post("/bank-imports", response_model=ImportOut, status_code=201,
             openapi_extra={"requestBody": {"content": {
                 "text/csv": {"schema": {"type": "string"}},
                 "multipart/form-data": {"schema": {"type": "object",
                                                    "properties": {"file": {"type": "string", "format": "binary"}}}},
             }}})
async def bank_import(request: Request, db: DbDep, actor: ApiActor) -> ImportOut:
    """A bank statement CSV (the bank's Japanese layout, Shift_JIS/cp932 or UTF-8; or the generic one), as the
    raw request body or as the ``file`` of a multipart form. A file with any bad row imports nothing."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form()
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise Invalid("error.required", field="file")
        data = await upload.read()
    else:
        data = await request.body()
    if not data:
        raise Invalid("error.required", field="file")
    result = await run_in_threadpool(receivables.import_bank_csv, db.uow(), actor, data)
    return ImportOut(batch=result.batch, imported=result.imported, duplicates=result.duplicates,
                     skipped=result.skipped)


@router.get("/receivables/proposals", response_model=list[ProposalOut])
def proposals(db: DbDep, actor: ApiActor,
              limit: int = Query(500, ge=1, le=10_000, description="Oldest unmatched deposits first.")
              ) -> list[ProposalOut]:
    """消込 proposals for the unmatched deposits against the open invoices."""
    return [ProposalOut(deposit_id=p.deposit_id, value_date=p.value_date, payer_name=p.payer_name, amount=p.amount,
                        kind=p.kind, partner_id=p.partner_id, partner_name=p.partner_name,
                        allocations=[AllocationOut(invoice_id=i, invoice_number=n, amount=a)
                                     for i, n, a in p.allocations],
                        fee=p.fee, unassigned=p.unassigned, name_matched=p.name_matched)
            for p in receivables.propose(db.uow(), actor, limit)]


@router.post("/receivables/matches", response_model=MatchedOut)
def confirm_matches(body: MatchesIn, db: DbDep, actor: ApiActor) -> MatchedOut:
    """Confirm matches: posts 普通預金 (+ 支払手数料) / 売掛金 and reduces what the invoices owe."""
    n = receivables.confirm_matches(db.uow(), actor, [
        receivables.MatchInput(m.deposit_id, tuple((a.invoice_id, a.amount) for a in m.allocations), m.fee)
        for m in body.matches])
    return MatchedOut(matched=n)


@router.post("/receivables/auto-match", response_model=MatchedOut)
def auto_match(db: DbDep, actor: ApiActor) -> MatchedOut:
    """Confirm every certain proposal (the payer named the customer and the amounts add up)."""
    return MatchedOut(matched=receivables.auto_match(db.uow(), actor))


@router.get("/receivables/check", response_model=ArCheckOut)
def ar_check(db: DbDep, actor: ApiActor,
             partner: int | None = Query(None, description="Also give this customer's open amount.")
             ) -> ArCheckOut:
    """売掛金台帳 against the ledger's 売掛金: ``ok`` when they are equal."""
    check = receivables.ar_check(db.uow(), actor)
    partner_open = None
    if partner is not None:
        with db.uow() as uow:
            partner_open = int(uow.session.scalar(select(func.coalesce(func.sum(Receivable.open_amount), 0))
                                                  .where(Receivable.partner_id == partner)) or 0)
    return ArCheckOut(subledger=check.subledger, ledger=check.ledger, difference=check.difference, ok=check.ok,
                      partner_id=partner, partner_subledger=partner_open)

"""Sales API (1/2): partners and items, 見積 → 受注 → 納品 with their PDFs. Invoices, billing runs, bank
imports, 入金消込 and the receivables check are in :mod:`ennoshita.api.sales.billing`.

Money is integer yen; quantities and unit prices travel as decimal strings (``"2.5"``, ``"1234.50"``).
Every change goes through the services of :mod:`ennoshita.sales`, every list and detail through its read models
(:mod:`ennoshita.sales.queries`, paginated in SQL, each checking ``sales.view``); errors come back as
``application/problem+json`` naming each field (``lines[1].tax_rate``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from ennoshita.actor import Actor
from ennoshita.api.deps import ApiActor, DbDep
from ennoshita.api.numbers import PRICE_DOC, QUANTITY_DOC, Price, Quantity, Yen
from ennoshita.api.views import ViewModel
from ennoshita.db import Database
from ennoshita.i18n import gettext
from ennoshita.kernel.lines import LineInput
from ennoshita.kernel.tax import RateTotal
from ennoshita.money import format_yen
from ennoshita.partners import services as partners
from ennoshita.sales import flow, pdf, queries, queries_docs
from ennoshita.sales.queries_docs import DocLine
from ennoshita.sales.rules import CreditWarning
from ennoshita.security.files import content_disposition

router = APIRouter(tags=["sales"])

PerPage = Query(50, ge=1, le=200)
PageNo = Query(1, ge=1)


# ---------------------------------------------------------------- shapes: partners and items


class ContactIn(ViewModel, view=partners.ContactData):
    model_config = ConfigDict(extra="forbid")


class ContactOut(ViewModel, view=partners.ContactData, defaults=False):
    pass


ACCOUNT_TYPES_IN = {"普通": "ordinary", "当座": "checking", "貯蓄": "savings"}
ACCOUNT_TYPES_OUT = {v: k for k, v in ACCOUNT_TYPES_IN.items()}
FEE_BEARERS_IN = {"ours": "payer", "theirs": "payee"}
FEE_BEARERS_OUT = {v: k for k, v in FEE_BEARERS_IN.items()}


class PartnerBankIn(BaseModel):
    """The supplier's account we transfer to (振込先)."""

    model_config = ConfigDict(extra="forbid")

    bank_code: str = Field(description="4 digits.")
    branch_code: str = Field(description="3 digits.")
    account_type: Literal["普通", "当座", "貯蓄"] = "普通"
    account_number: str = Field(description="7 digits.")
    holder_kana: str = Field("", description="口座名義 (カナ); converted to the 全銀 characters on payment.")


class PartnerBankOut(BaseModel):
    bank_code: str
    branch_code: str
    account_type: str
    account_number: str
    holder_kana: str


class PartnerIn(ViewModel, view=partners.PartnerInput):
    model_config = ConfigDict(extra="forbid")

    code: str = Field("", description="取引先コード; empty: the next free one (C0001…, suppliers only S0001…) on "
                                       "create, the current one on update.")
    registration_number: str = Field("", description="適格請求書発行事業者の登録番号 (T + 13 digits).")
    closing_day: StrictInt = Field(31, description="締日: 0 (都度), 5, 10, 15, 20, 25 or 31 (末日).")
    months_after: StrictInt = Field(1, description="支払月: 0 当月, 1 翌月, 2 翌々月, 3.")
    pay_day: StrictInt = Field(31, description="支払日 (31 = 末日).")
    credit_limit: Yen = 0
    is_qualified_issuer: bool | None = Field(None, description=(
        "適格請求書発行事業者. Omitted: follows registration_number. false: registration lapsed or withdrawn."))
    withholding_category: str = Field("", description=(
        "源泉徴収 of an individual paid 報酬: professional (税理士・弁護士等), design, manuscript, lecture; "
        "empty: none."))
    small_subcontractor: bool = Field(False, description=(
        "中小受託事業者 (取適法): no 先方負担 fee, paid within 60 days."))
    small_subcontractor_basis: str = Field("", description="The basis judged on (資本金・従業員数).")
    contacts: list[ContactIn] | None = None
    bank_account: PartnerBankIn | None = Field(None, description="Overrides bank_code ... account_holder_kana.")
    transfer_fee_bearer: Literal["ours", "theirs"] | None = Field(
        None, description="振込手数料: ours (当方負担) or theirs (先方負担); overrides fee_bearer.")


class PartnerOut(ViewModel, view=partners.PartnerSummary):
    contacts: list[ContactOut] = []
    bank_account: PartnerBankOut | None = None
    transfer_fee_bearer: str = ""


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
    unit_price: Price = Field("0", description=PRICE_DOC)
    tax_rate: str = Field("10", description="10, 8 (軽減税率) or 0.")


class ItemOut(ViewModel, view=partners.ItemSummary):
    unit_price: str


class ItemPage(BaseModel):
    items: list[ItemOut]
    total: int
    page: int
    per_page: int


# ---------------------------------------------------------------- shapes: documents


class LineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str = ""
    quantity: Quantity = Field("1", description=QUANTITY_DOC)
    unit_price: Price = Field("", description=PRICE_DOC + " Empty takes the item's price.")
    tax_rate: str = Field("", description="10, 8 or 0; empty takes the item's rate (default 10).")
    unit: str = ""
    item_code: str = ""
    is_discount: bool = False
    tax_kind: str = Field("", description="A 0% line: export (免税, 消費税法7条), exempt (非課税, 6条; the default) or "
                                          "out_of_scope (不課税).")
    business_type: int | None = Field(None, ge=1, le=6, description=(
        "簡易課税の事業区分 of a 10% / 8% line: 1 第一種（卸売業） … 6 第六種（不動産業）; absent: the company's "
        "simplified_type. Posted as the sales line's 税区分 tag (sales_10:t2)."))


class InvoiceLineIn(LineIn):
    price_includes_tax: bool | None = Field(
        None, description="The unit price includes tax (税込). Absent: as the invoice's price_entry says. Lines "
                          "entered the other way are summed per rate and converted once, never per line.")
    line_date: dt.date | None = Field(
        None, description="取引年月日 (消費税法57条の4①二), printed on the line; absent: the issue date. "
                          "Under 出荷基準 a line dated before the issue date posts its sale on that date.")


class LineOut(ViewModel, view=DocLine, exclude=("item_code", "delivered", "tax_kind")):
    quantity: str
    unit_price: str
    delivered_quantity: str | None = None


class RateOut(ViewModel, view=RateTotal):
    rate: str  # the TaxRate's text ("10", "8", "0")


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


class WarningOut(BaseModel):
    """Something the client should show but that did not stop the change (a customer over its 与信限度額)."""

    code: str = Field(description="Message key, e.g. sales.warning.credit_limit.")
    message: str
    limit: int = Field(description="与信限度額 of the customer.")
    exposure: int = Field(description="与信残高: open receivables + open orders not yet delivered + unbilled "
                                      "deliveries, this document included.")


def warnings_out(actor: Actor, warnings: Sequence[CreditWarning]) -> list[WarningOut]:
    return [WarningOut(code=w.code, message=gettext(actor.language, w.code, limit=format_yen(w.limit),
                                                    exposure=format_yen(w.exposure)),
                       limit=w.limit, exposure=w.exposure) for w in warnings]


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
    warnings: list[WarningOut] = Field(default_factory=list, description="On the answer to registering an order: "
                                       "the customer is over its credit limit (the order is registered all the same).")


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
    quantity: Quantity = Field(description=QUANTITY_DOC)


class DeliveryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    delivery_date: dt.date
    lines: list[DeliveryLineIn] = Field([], description="Empty: deliver everything still open.")
    delivery_place: str = ""


# ---------------------------------------------------------------- helpers


def dec_text(value: Decimal | int | str) -> str:
    """A decimal as plain text without trailing zeros (``25.000`` → ``25``, ``1234.50`` → ``1234.5``)."""
    d = Decimal(value)
    text = f"{d.normalize():f}"
    return text if text != "-0" else "0"


def lines_in(lines: Sequence[LineIn]) -> tuple[LineInput, ...]:
    return tuple(LineInput(description=ln.description, quantity=ln.quantity, unit_price=ln.unit_price,
                           tax_rate=ln.tax_rate, unit=ln.unit, item_code=ln.item_code, is_discount=ln.is_discount,
                           tax_kind=ln.tax_kind, business_type=ln.business_type,
                           price_includes_tax=ln.price_includes_tax if isinstance(ln, InvoiceLineIn) else None,
                           line_date=ln.line_date if isinstance(ln, InvoiceLineIn) else None)
                 for ln in lines)


def _partner_out(p: partners.PartnerSummary) -> PartnerOut:
    data = {k: getattr(p, k) for k in PartnerOut.model_fields
            if k not in ("contacts", "bank_account", "transfer_fee_bearer")}
    bank = None
    if p.bank_code or p.account_number:
        bank = PartnerBankOut(bank_code=p.bank_code, branch_code=p.branch_code,
                              account_type=ACCOUNT_TYPES_OUT.get(p.account_type, p.account_type),
                              account_number=p.account_number, holder_kana=p.account_holder_kana)
    return PartnerOut(**data, contacts=[ContactOut.model_validate(c, from_attributes=True) for c in p.contacts],
                      bank_account=bank, transfer_fee_bearer=FEE_BEARERS_OUT.get(p.fee_bearer, p.fee_bearer))


def _partner_in(body: PartnerIn) -> tuple[partners.PartnerInput, tuple[partners.ContactData, ...] | None]:
    values = body.model_dump(exclude={"contacts", "bank_account", "transfer_fee_bearer"})
    if body.bank_account is not None:
        b = body.bank_account
        values.update(bank_code=b.bank_code, branch_code=b.branch_code,
                      account_type=ACCOUNT_TYPES_IN[b.account_type], account_number=b.account_number,
                      account_holder_kana=b.holder_kana)
    if body.transfer_fee_bearer is not None:
        values["fee_bearer"] = FEE_BEARERS_IN[body.transfer_fee_bearer]
    contacts = None if body.contacts is None else tuple(
        partners.ContactData(**c.model_dump()) for c in body.contacts)
    return partners.PartnerInput(**values), contacts


def _item_out(i: partners.ItemSummary) -> ItemOut:
    return ItemOut(id=i.id, code=i.code, name=i.name, unit=i.unit, unit_price=dec_text(i.unit_price),
                   tax_rate=i.tax_rate, active=i.active)

def line_out(ln: DocLine) -> LineOut:
    return LineOut(id=ln.id, line_no=ln.line_no, item_id=ln.item_id, description=ln.description,
                   quantity=dec_text(ln.quantity), unit=ln.unit, unit_price=dec_text(ln.unit_price),
                   tax_rate=ln.tax_rate, amount=ln.amount,
                   delivered_quantity=None if ln.delivered is None else dec_text(ln.delivered),
                   line_date=ln.line_date, delivery_id=ln.delivery_id, price_includes_tax=ln.price_includes_tax,
                   business_type=ln.business_type)


def rates_out(rates: list[RateTotal]) -> list[RateOut]:
    return [RateOut.model_validate(r, from_attributes=True) for r in rates]


def file_response(content: bytes, name: str, media: str = "application/pdf") -> Response:
    """A download with the Japanese file name (RFC 5987 ``filename*``) and an ASCII fallback."""
    return Response(content, media_type=media, headers={"Content-Disposition": content_disposition(name)})

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


class ActiveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    active: bool


@router.post("/partners/{partner_id}/active", response_model=PartnerOut)
def set_partner_active(partner_id: int, body: ActiveIn, db: DbDep, actor: ApiActor) -> PartnerOut:
    """取引停止 (false) / 取引再開 (true). A partner is never deleted; its documents stay."""
    partners.set_partner_active(db.uow(), actor, partner_id, body.active)
    return _partner_out(partners.get_partner(db.uow(), actor, partner_id))


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
    d = queries_docs.quote_detail(db.uow(), actor, quote_id)
    q = d.doc
    return DocDetailOut(
        id=q.id, number=q.number, revision=q.revision, status=q.status, partner_id=q.partner_id,
        partner_name=q.partner_name, date=q.issue_date, subject=q.subject, price_entry=q.price_entry, net=q.net,
        tax=q.tax, gross=q.gross, valid_until=q.valid_until, delivery_place=q.delivery_terms, notes=q.notes,
        lines=[line_out(ln) for ln in d.lines], rates=rates_out(d.rates))


@router.get("/quotes", response_model=DocPage)
def list_quotes(db: DbDep, actor: ApiActor,
                status: Literal["draft", "sent", "accepted", "lost", "superseded"] | None = None,
                partner: int | None = Query(None, description="Partner id."),
                page: int = PageNo, per_page: int = PerPage) -> DocPage:
    """見積 newest first."""
    found = queries.list_quotes(db.uow(), actor, queries.QuoteFilter(status=status or "", partner_id=partner),
                                queries.PageRequest(page, per_page))
    return DocPage(items=[DocOut(id=q.id, number=q.number, revision=q.revision, status=q.status,
                                 partner_id=q.partner_id, partner_name=q.partner_name, date=q.issue_date,
                                 subject=q.subject, price_entry=q.price_entry, net=q.net, tax=q.tax, gross=q.gross)
                          for q in found.rows], total=found.total, page=page, per_page=per_page)


def _quote_input(body: QuoteIn) -> flow.QuoteInput:
    return flow.QuoteInput(body.partner_id, body.issue_date, body.valid_until, body.subject, lines_in(body.lines),
                           body.price_entry, body.delivery_terms, body.notes)


@router.post("/quotes", response_model=DocDetailOut, status_code=201)
def create_quote(body: QuoteIn, db: DbDep, actor: ApiActor) -> DocDetailOut:
    """見積書 (revision 1, draft): totals per rate, tax once per rate."""
    return _quote_detail(db, actor, flow.create_quote(db.uow(), actor, _quote_input(body)).id)


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
    return _order_detail(db, actor, order.id, order.warnings)


@router.get("/quotes/{quote_id}/pdf")
def quote_pdf(quote_id: int, db: DbDep, actor: ApiActor) -> Response:
    """見積書 PDF."""
    return file_response(*pdf.quote_pdf(db.uow(), actor, quote_id))

# ---------------------------------------------------------------- orders


def _order_detail(db: Database, actor: Actor, order_id: int,
                  warnings: Sequence[CreditWarning] = ()) -> DocDetailOut:
    d = queries_docs.order_detail(db.uow(), actor, order_id)
    o = d.doc
    return DocDetailOut(
        id=o.id, number=o.number, status=o.status, partner_id=o.partner_id, partner_name=o.partner_name,
        date=o.order_date, subject=o.subject, price_entry=o.price_entry, net=o.net, tax=o.tax, gross=o.gross,
        quote_id=o.quote_id, customer_po=o.customer_po, delivery_due=o.delivery_due, delivery_place=o.delivery_place,
        lines=[line_out(ln) for ln in d.lines], rates=rates_out(d.rates), warnings=warnings_out(actor, warnings))


@router.get("/orders", response_model=DocPage)
def list_orders(db: DbDep, actor: ApiActor,
                status: Literal["open", "partial", "delivered", "cancelled"] | None = None,
                partner: int | None = Query(None, description="Partner id."),
                page: int = PageNo, per_page: int = PerPage) -> DocPage:
    """受注 newest first."""
    filters = queries.OrderFilter(statuses=(status,) if status else (), partner_id=partner)
    found = queries.list_orders(db.uow(), actor, filters, queries.PageRequest(page, per_page))
    return DocPage(items=[DocOut(id=o.id, number=o.number, status=o.status, partner_id=o.partner_id,
                                 partner_name=o.partner_name, date=o.order_date, subject=o.subject,
                                 price_entry=o.price_entry, net=o.net, tax=o.tax, gross=o.gross) for o in found.rows],
                   total=found.total, page=page, per_page=per_page)


@router.post("/orders", response_model=DocDetailOut, status_code=201)
def create_order(body: OrderIn, db: DbDep, actor: ApiActor) -> DocDetailOut:
    """受注 entered directly (a customer's 注文書 without a quote)."""
    order = flow.create_order(db.uow(), actor, flow.OrderInput(
        body.partner_id, body.order_date, body.subject, lines_in(body.lines), body.price_entry, body.customer_po,
        body.delivery_due, body.delivery_place))
    return _order_detail(db, actor, order.id, order.warnings)


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
    return file_response(*pdf.order_confirmation_pdf(db.uow(), actor, order_id))

# ---------------------------------------------------------------- deliveries


def _delivery_detail(db: Database, actor: Actor, delivery_id: int) -> DocDetailOut:
    d = queries_docs.delivery_detail(db.uow(), actor, delivery_id)
    v = d.doc
    return DocDetailOut(
        id=v.id, number=v.number, status="billed" if v.invoice_id else "unbilled", partner_id=v.partner_id,
        partner_name=v.partner_name, date=v.delivery_date, subject=v.subject, price_entry=v.price_entry, net=v.net,
        tax=v.tax, gross=v.gross, order_id=v.order_id, invoice_id=v.invoice_id, delivery_place=v.delivery_place,
        lines=[line_out(ln) for ln in d.lines], rates=rates_out(d.rates))


@router.get("/deliveries", response_model=DocPage)
def list_deliveries(db: DbDep, actor: ApiActor,
                    unbilled: bool | None = Query(None, description="true: not yet invoiced; false: invoiced."),
                    partner: int | None = Query(None, description="Partner id."),
                    date_to: dt.date | None = Query(None, alias="to", description="Delivered on or before."),
                    page: int = PageNo, per_page: int = PerPage) -> DocPage:
    """納品 newest first."""
    filters = queries.DeliveryFilter(unbilled=unbilled, partner_id=partner, date_to=date_to)
    found = queries.list_deliveries(db.uow(), actor, filters, queries.PageRequest(page, per_page))
    return DocPage(items=[DocOut(id=d.id, number=d.number, status="billed" if d.invoice_id else "unbilled",
                                 partner_id=d.partner_id, partner_name=d.partner_name, date=d.delivery_date,
                                 subject="", price_entry=d.price_entry, net=d.net, tax=d.tax, gross=d.gross)
                          for d in found.rows], total=found.total, page=page, per_page=per_page)


@router.get("/deliveries/{delivery_id}", response_model=DocDetailOut)
def get_delivery(delivery_id: int, db: DbDep, actor: ApiActor) -> DocDetailOut:
    return _delivery_detail(db, actor, delivery_id)


@router.get("/deliveries/{delivery_id}/pdf")
def delivery_pdf(delivery_id: int, db: DbDep, actor: ApiActor) -> Response:
    """納品書 PDF."""
    return file_response(*pdf.delivery_note_pdf(db.uow(), actor, delivery_id))

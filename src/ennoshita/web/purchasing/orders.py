"""購買 screens: what the purchasing screens share (navigation, paging without a count, the supplier
choices) and 発注書 (list, entry form with the line grid, detail with 申請 / 送付 / 取消, 検収 and the 稟議
panel).

Thin adapters over ``ennoshita.purchasing``: every change is one service call, which checks the capability
(purchasing.view / purchasing.edit / payments.edit). The 受領請求書 and 買掛金 screens are in
``ennoshita.web.purchasing.bills``, 支払実行 in ``ennoshita.web.purchasing.payments``.

ASSUMPTION: the purchasing package has no detail read for an order (lines, receipts), so
:func:`order_detail` reads the tables here, after checking purchasing.view.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from ennoshita.actor import Actor
from ennoshita.dates import today_tokyo
from ennoshita.db import Database
from ennoshita.errors import DomainError, Invalid, NotFound, Problem
from ennoshita.identity import can, require
from ennoshita.lengths import limits
from ennoshita.partners import services as partners
from ennoshita.partners.models import Item, Partner
from ennoshita.purchasing import orders, queries
from ennoshita.purchasing.models import GoodsReceipt, GoodsReceiptLine, PurchaseOrder, PurchaseOrderLine
from ennoshita.web import nav
from ennoshita.web.approvals import approval_panel
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.forms import (
    errors_of,
    form_data,
    page_no,
    parse_date,
    parse_id,
    pdf_response,
    purpose_choices,
    query_without_page,
    text,
    whole_form,
)
from ennoshita.web.render import render
from ennoshita.web.sales.partners import RATES, GridRow, grid_errors, grid_lines, pad_grid, read_grid

router = APIRouter(prefix="/purchasing")

for _order, (_key, _href, _cap) in enumerate((
    ("nav.purchasing.orders", "/purchasing/orders", "purchasing.view"),
    ("nav.purchasing.bills", "/purchasing/bills", "purchasing.view"),
    ("nav.purchasing.payables", "/purchasing/payables", "purchasing.view"),
    ("nav.purchasing.schedule", "/purchasing/schedule", "purchasing.view"),
    ("nav.purchasing.payments", "/purchasing/payments", "payments.edit"),
), start=1):
    nav.register(nav.NavItem("purchasing", _key, _href, _cap, _order * 10))

PER_PAGE = 50
PO_STATUSES = ("draft", "pending_approval", "approved", "sent", "partial", "received", "rejected", "cancelled")


@dataclass(frozen=True)
class Slice:
    """A page of a list whose service reads ``limit``/``offset`` without a total: one more row than shown
    tells whether there is a next page."""

    rows: list[Any]
    page: int
    has_next: bool

    @classmethod
    def of(cls, rows: list[Any], page: int, per_page: int = PER_PAGE) -> Slice:
        return cls(rows[:per_page], page, len(rows) > per_page)


def offset_of(page: int, per_page: int = PER_PAGE) -> int:
    return (page - 1) * per_page


def supplier_choices(db: Database, actor: Actor) -> list[tuple[int, str]]:
    """Active suppliers (the partner register needs sales.view, which purchasing users do not hold)."""
    require(actor, "purchasing.view")
    with db.uow() as uow:
        return [(int(i), f"{c} {n}") for i, c, n in uow.session.execute(
            select(Partner.id, Partner.code, Partner.name).where(Partner.is_supplier.is_(True),
                                                                 Partner.active.is_(True))
            .order_by(Partner.code).limit(500))]


def item_choices(db: Database, actor: Actor) -> list[partners.ItemSummary]:
    """Active 品目 for the grid's code list (``partners.list_items`` needs sales.view)."""
    require(actor, "purchasing.view")
    with db.uow() as uow:
        return [partners.ItemSummary(i.id, i.code, i.name, i.unit, Decimal(i.unit_price), i.tax_rate, i.active)
                for i in uow.session.scalars(select(Item).where(Item.active.is_(True)).order_by(Item.code)
                                             .limit(500))]


def date_field(data: dict[str, Any], name: str, problems: list[Problem], required: bool = True) -> dt.date | None:
    raw = text(data, name)
    value = parse_date(raw)
    if value is None and (raw or required):
        problems.append(Problem("purchasing_ui.error.date", name))
    return value


def pdf_module() -> Any | None:
    """``ennoshita.purchasing.pdf`` when it exists (the 発注書 PDF is another change's)."""
    try:
        return importlib.import_module("ennoshita.purchasing.pdf")
    except ImportError:
        return None


# ---------------------------------------------------------------- reads


@dataclass(frozen=True)
class OrderLineView:
    id: int
    line_no: int
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    tax_rate: str
    amount: int
    received: Decimal
    tax_purpose: str | None = None  # 用途区分 (None: the company's default when posted)

    @property
    def remaining(self) -> Decimal:
        return max(Decimal(0), self.quantity - self.received)


@dataclass(frozen=True)
class ReceiptView:
    id: int
    receipt_date: dt.date
    notes: str
    lines: tuple[tuple[str, Decimal], ...]
    status: str = "posted"  # cancelled: 検収取消


@dataclass(frozen=True)
class OrderDetail:
    po: PurchaseOrder
    supplier: Partner
    lines: tuple[OrderLineView, ...]
    receipts: tuple[ReceiptView, ...]


def order_detail(db: Database, actor: Actor, order_id: int) -> OrderDetail:
    require(actor, "purchasing.view")
    with db.uow() as uow:
        s = uow.session
        po = s.get(PurchaseOrder, order_id)
        if po is None:
            raise NotFound("purchasing.error.order_not_found", field="order_id", id=order_id)
        supplier = s.get(Partner, po.supplier_id)
        assert supplier is not None
        rows = list(s.scalars(select(PurchaseOrderLine).where(PurchaseOrderLine.order_id == po.id)
                              .order_by(PurchaseOrderLine.line_no)))
        lines = tuple(OrderLineView(ln.id, ln.line_no, ln.description, Decimal(ln.quantity), ln.unit,
                                    Decimal(ln.unit_price), ln.tax_rate, ln.amount, Decimal(ln.received_quantity),
                                    ln.tax_purpose)
                      for ln in rows)
        names = {ln.id: ln.description for ln in rows}
        receipts = []
        for r in s.scalars(select(GoodsReceipt).where(GoodsReceipt.order_id == po.id).order_by(GoodsReceipt.id)):
            got = s.scalars(select(GoodsReceiptLine).where(GoodsReceiptLine.receipt_id == r.id)
                            .order_by(GoodsReceiptLine.id))
            receipts.append(ReceiptView(r.id, r.receipt_date, r.notes,
                                        tuple((names.get(g.order_line_id, ""), Decimal(g.quantity)) for g in got),
                                        r.status))
        s.expunge_all()
        return OrderDetail(po, supplier, lines, tuple(receipts))


# ---------------------------------------------------------------- 発注書


@router.get("")
def purchasing_home(actor: ActorDep) -> Response:
    require(actor, "purchasing.view")
    return RedirectResponse("/purchasing/orders", status_code=303)


@router.get("/orders")
def order_list(request: Request, db: DbDep, actor: ActorDep) -> Response:
    q = request.query_params
    status = q.get("status", "") if q.get("status") in PO_STATUSES else ""
    supplier_id = parse_id(q.get("supplier_id"))
    page = page_no(request)
    rows = queries.purchase_orders(db.uow(), actor, status=status or None, supplier_id=supplier_id,
                                   limit=PER_PAGE + 1, offset=offset_of(page))
    return render(request, "purchasing/orders.html", {
        "page": Slice.of(rows, page), "q": q, "query": query_without_page(request), "statuses": PO_STATUSES,
        "suppliers": supplier_choices(db, actor), "can_edit": can(actor, "purchasing.edit")})


ORDER_FIELDS = ("supplier_id", "order_date", "delivery_date", "delivery_place", "subject", "department",
                "price_entry", "notes", "request_id")


def _order_form_page(request: Request, db: Database, actor: Actor, form: dict[str, Any], rows: list[GridRow],
                     status: int = 200, errors: dict[str, str] | None = None,
                     general: list[str] | None = None) -> Response:
    return render(request, "purchasing/order_form.html", {
        "form": form, "rows": pad_grid(rows), "errors": errors or {}, "general": general or [],
        "suppliers": supplier_choices(db, actor), "items": item_choices(db, actor), "rates": RATES,
        "purposes": purpose_choices(actor.language), "limits": limits(PurchaseOrder)}, status_code=status)


@router.get("/orders/new")
def order_new(request: Request, db: DbDep, actor: ActorDep) -> Response:
    require(actor, "purchasing.edit")
    q = request.query_params
    form = {"order_date": today_tokyo().isoformat(), "price_entry": "exclusive", "department": actor.department or "",
            "supplier_id": q.get("supplier_id", ""),
            # from a 備品・購買依頼 (依頼の詳細 → 発注書を作成): the request to link, its lines, date and purpose
            "request_id": q.get("request_id", ""), "subject": q.get("subject", ""),
            "delivery_date": q.get("delivery_date", ""), "notes": q.get("notes", "")}
    return _order_form_page(request, db, actor, form, read_grid(dict(q)))


@router.post("/orders/new")
async def order_create(request: Request, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    rows = read_grid(data)
    form = {k: text(data, k) for k in ORDER_FIELDS}
    problems: list[Problem] = []
    where: list[int] = []
    try:
        supplier_id = parse_id(form["supplier_id"])
        if supplier_id is None:
            problems.append(Problem("error.required", "supplier_id"))
        day = date_field(data, "order_date", problems)
        due = date_field(data, "delivery_date", problems, required=False)
        lines, where = grid_lines(rows, problems)
        if not lines:
            problems.append(Problem("purchasing_ui.error.no_lines", "lines"))
        cmd = orders.PurchaseOrderInput(
            supplier_id or 0, day or today_tokyo(), lines, delivery_date=due, delivery_place=form["delivery_place"],
            subject=form["subject"], department=form["department"] or None,
            price_entry=form["price_entry"] or "exclusive", notes=form["notes"],
            request_id=parse_id(form["request_id"]))
        if problems:  # reported with the texts' and the lines' problems, not instead of them
            raise whole_form(problems, lambda: orders.purchase_order_problems(db.uow(), cmd) if lines else [])
        saved = orders.create_purchase_order(db.uow(), actor, cmd)
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return _order_form_page(request, db, actor, form, rows, exc.status, grid_errors(errors, where), general)
    return RedirectResponse(f"/purchasing/orders/{saved.id}?done=saved", status_code=303)


def order_page(request: Request, db: Database, actor: Actor, order_id: int, status: int = 200,
                **extra: Any) -> Response:
    d = order_detail(db, actor, order_id)
    ctx: dict[str, Any] = {
        "d": d, "po": d.po, "approval": approval_panel(db, "purchase_order", order_id),
        "can_edit": can(actor, "purchasing.edit"), "can_bill": can(actor, "purchasing.edit") or can(
            actor, "payments.edit"), "has_pdf": pdf_module() is not None, "done": request.query_params.get("done"),
        "today": today_tokyo().isoformat(), "errors": {}, "general": [], "form": {},
        "purposes": dict(purpose_choices(actor.language))}
    ctx.update(extra)
    return render(request, "purchasing/order_detail.html", ctx, status_code=status)


@router.get("/orders/{order_id}")
def order_show(request: Request, order_id: int, db: DbDep, actor: ActorDep) -> Response:
    return order_page(request, db, actor, order_id)


ORDER_ACTIONS = {"submit": orders.submit_purchase_order, "send": orders.send_purchase_order,
                 "cancel": orders.cancel_purchase_order}


@router.post("/orders/{order_id}/{action}")
async def order_action(request: Request, order_id: int, action: str, db: DbDep, actor: ActorDep) -> Response:
    if action == "receive":
        return await _order_receive(request, order_id, db, actor)
    act = ORDER_ACTIONS.get(action)
    if act is None:
        raise NotFound("purchasing_ui.error.no_such_action", field="action", action=action)
    try:
        result = act(db.uow(), actor, order_id)
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return order_page(request, db, actor, order_id, exc.status, general=general + list(errors.values()))
    done = {"submit": "submitted" if result.status == "pending_approval" else "approved", "send": "sent",
            "cancel": "cancelled"}[action]
    return RedirectResponse(f"/purchasing/orders/{order_id}?done={done}", status_code=303)


async def _order_receive(request: Request, order_id: int, db: Database, actor: Actor) -> Response:
    data = await form_data(request)
    problems: list[Problem] = []
    form = {k: v for k, v in data.items() if isinstance(v, str)}
    ids = [int(k[4:]) for k in data if k.startswith("qty_") and k[4:].isdigit() and text(data, k)]
    try:
        day = date_field(data, "receipt_date", problems)
        quantities = tuple((i, text(data, f"qty_{i}")) for i in ids)
        if problems or day is None:
            raise Invalid(problems=problems)
        if not quantities:
            raise Invalid("purchasing.error.nothing_to_receive", field="lines")
        orders.record_receipt(db.uow(), actor, orders.ReceiptInput(order_id, day, quantities,
                                                                   notes=text(data, "notes")))
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        for key in list(errors):  # lines[i].quantity → the order line's qty field
            if key.startswith("lines[") and key[6:key.index("]")].isdigit() and int(key[6:key.index("]")]) < len(ids):
                errors[f"qty_{ids[int(key[6:key.index(']')])]}"] = errors.pop(key)
        return order_page(request, db, actor, order_id, exc.status, errors=errors, form=form,
                           general=general + [m for k, m in errors.items()
                                              if not k.startswith(("qty_", "receipt_date"))])
    return RedirectResponse(f"/purchasing/orders/{order_id}?done=received", status_code=303)


@router.get("/orders/{order_id}/pdf")
def order_download(order_id: int, db: DbDep, actor: ActorDep) -> Response:
    module = pdf_module()
    make = getattr(module, "purchase_order_pdf", None) if module is not None else None
    if make is None:
        raise NotFound("purchasing_ui.error.no_pdf", field="order_id", id=order_id)
    return pdf_response(*make(db.uow(), actor, order_id))

"""受領請求書 (supplier bills: list, entry with lines and the scanned bill, detail with the input tax split
and the three-way match), 買掛金 by supplier and the 支払予定表 by due date.

ASSUMPTION: there is no detail read for a bill in ``ennoshita.purchasing``; :func:`bill_detail` reads the
tables here after checking purchasing.view (or payments.edit, as ``bills.get_bill`` does).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from starlette.datastructures import UploadFile

from ennoshita.actor import Actor
from ennoshita.attachments.models import Attachment
from ennoshita.attachments.services import NewAttachment
from ennoshita.dates import today_tokyo
from ennoshita.db import Database
from ennoshita.errors import DomainError, Problem
from ennoshita.identity import can
from ennoshita.ledger.models import Account
from ennoshita.lengths import limits
from ennoshita.partners.models import Partner
from ennoshita.purchasing import bills, queries, undo
from ennoshita.purchasing.models import PurchaseOrder, SupplierBill, SupplierBillLine
from ennoshita.web.approvals import approval_panel
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.forms import (
    Page,
    errors_of,
    page_no,
    parse_id,
    purpose_choices,
    query_without_page,
    text,
    whole_form,
)
from ennoshita.web.purchasing.orders import (
    PER_PAGE,
    Slice,
    date_field,
    offset_of,
    order_detail,
    supplier_choices,
)
from ennoshita.web.render import render
from ennoshita.web.sales.partners import RATES, grid_errors

router = APIRouter(prefix="/purchasing")

BILL_STATUSES = ("pending_approval", "posted", "rejected", "sent_back", "cancelled")
BILL_FIELDS = ("supplier_id", "bill_number", "bill_date", "due_date", "order_id", "department", "price_entry", "notes",
               "printed_tax.10", "printed_tax.8")
LINE_FIELDS = ("description", "quantity", "unit_price", "tax_rate", "account_code", "order_line", "tax_purpose")
GRID_ROWS = 4


@dataclass
class BillRow:
    description: str = ""
    quantity: str = ""
    unit_price: str = ""
    tax_rate: str = "10"
    account_code: str = ""
    order_line: str = ""  # the PO's line number (発注明細 No.)
    tax_purpose: str = ""  # 用途区分 ("": the company's default)


def _read_rows(data: dict[str, Any]) -> list[BillRow]:
    indexes = sorted({int(k[6:k.index("]")]) for k in data if k.startswith("lines[") and "]" in k
                      and k[6:k.index("]")].isdigit()})
    return [BillRow(**{f: text(data, f"lines[{i}].{f}") for f in LINE_FIELDS}) for i in indexes]


def _pad(rows: list[BillRow]) -> list[BillRow]:
    return rows + [BillRow() for _ in range(max(GRID_ROWS - len(rows), 1))]


def _open_orders(db: Database, actor: Actor) -> list[queries.OrderRow]:
    found: list[queries.OrderRow] = []
    for status in ("sent", "partial", "received"):
        found += queries.purchase_orders(db.uow(), actor, status=status, limit=200)
    return sorted(found, key=lambda r: r.number, reverse=True)


def _bill_form_page(request: Request, db: Database, actor: Actor, form: dict[str, Any], rows: list[BillRow],
                    status: int = 200, errors: dict[str, str] | None = None,
                    general: list[str] | None = None) -> Response:
    return render(request, "purchasing/bill_form.html", {
        "form": form, "rows": _pad(rows), "errors": errors or {}, "general": general or [],
        "suppliers": supplier_choices(db, actor), "orders": _open_orders(db, actor), "rates": RATES,
        "purposes": purpose_choices(actor.language), "limits": limits(SupplierBill)}, status_code=status)


# ---------------------------------------------------------------- list and entry


@router.get("/bills")
def bill_list(request: Request, db: DbDep, actor: ActorDep) -> Response:
    q = request.query_params
    status = q.get("status", "") if q.get("status") in BILL_STATUSES else ""
    supplier_id = parse_id(q.get("supplier_id"))
    page = page_no(request)
    rows = queries.bills(db.uow(), actor, status=status or None, supplier_id=supplier_id, limit=PER_PAGE + 1,
                         offset=offset_of(page))
    return render(request, "purchasing/bills.html", {
        "page": Slice.of(rows, page), "q": q, "query": query_without_page(request), "statuses": BILL_STATUSES,
        "suppliers": supplier_choices(db, actor),
        "can_edit": can(actor, "purchasing.edit") or can(actor, "payments.edit")})


@router.get("/bills/new")
def bill_new(request: Request, db: DbDep, actor: ActorDep) -> Response:
    bills.require_any(actor, "purchasing.edit", "payments.edit")
    form: dict[str, Any] = {"bill_date": today_tokyo().isoformat(), "price_entry": "exclusive",
                            "department": actor.department or ""}
    rows: list[BillRow] = []
    order_id = parse_id(request.query_params.get("order_id"))
    if order_id is not None:  # 発注書から: the supplier and the lines not yet billed, with their PO line numbers
        d = order_detail(db, actor, order_id)
        form.update({"order_id": str(order_id), "supplier_id": str(d.po.supplier_id),
                     "department": d.po.department or form["department"]})
        rows = [BillRow(ln.description, f"{(ln.received or ln.quantity).normalize():f}",
                        f"{ln.unit_price.normalize():f}", ln.tax_rate, "", str(ln.line_no), ln.tax_purpose or "")
                for ln in d.lines]
    return _bill_form_page(request, db, actor, form, rows)


def _bill_input(db: Database, actor: Actor, data: dict[str, Any], rows: list[BillRow],
                attachment: NewAttachment | None) -> tuple[bills.BillInput, list[int]]:
    problems: list[Problem] = []
    supplier_id = parse_id(text(data, "supplier_id"))
    if supplier_id is None:
        problems.append(Problem("error.required", "supplier_id"))
    day = date_field(data, "bill_date", problems)
    due = date_field(data, "due_date", problems, required=False)
    order_id = parse_id(text(data, "order_id"))
    line_ids: dict[int, int] = {}
    if order_id is not None:
        line_ids = {ln.line_no: ln.id for ln in order_detail(db, actor, order_id).lines}
    lines: list[bills.BillLineInput] = []
    where: list[int] = []
    for i, r in enumerate(rows):
        if not (r.description or r.unit_price):
            continue
        order_line_id = None
        if r.order_line:
            no = unicodedata.normalize("NFKC", r.order_line).strip()
            if order_id is None or not no.isdigit() or int(no) not in line_ids:
                problems.append(Problem("purchasing_ui.error.order_line", f"lines[{i}].order_line"))
            else:
                order_line_id = line_ids[int(no)]
        lines.append(bills.BillLineInput(r.description, r.unit_price, r.quantity or "1", r.tax_rate or "10",
                                         r.account_code, order_line_id, tax_purpose=r.tax_purpose or None))
        where.append(i)
    if not lines:
        problems.append(Problem("purchasing_ui.error.no_lines", "lines"))
    printed: list[tuple[str, int]] = []
    for rate in ("10", "8"):  # 消費税 per rate as printed on the invoice (blank: computed)
        raw = unicodedata.normalize("NFKC", text(data, f"printed_tax.{rate}")).replace(",", "").strip()
        if raw and not raw.isdigit():
            problems.append(Problem("purchasing.error.not_negative", f"printed_tax.{rate}"))
        elif raw:
            printed.append((rate, int(raw)))
    cmd = bills.BillInput(supplier_id or 0, text(data, "bill_number"), day or today_tokyo(), tuple(lines),
                          order_id=order_id, department=text(data, "department") or None,
                          price_entry=text(data, "price_entry") or "exclusive", due_date=due,
                          attachment=attachment, notes=text(data, "notes"), printed_tax=tuple(printed))
    if problems:  # reported with the bill number's and the lines' problems, not instead of them
        raise whole_form(problems, lambda: bills.bill_problems(cmd))
    return cmd, where


@router.post("/bills/new")
async def bill_create(request: Request, db: DbDep, actor: ActorDep) -> Response:
    raw = await request.form()
    data: dict[str, Any] = {k: raw.get(k) for k in raw if k not in ("csrf_token", "attachment")}
    data = {k: v for k, v in data.items() if isinstance(v, str)}
    rows = _read_rows(data)
    form = {k: text(data, k) for k in BILL_FIELDS}
    where: list[int] = []
    attachment = None
    upload = raw.get("attachment")
    if isinstance(upload, UploadFile) and upload.filename:
        attachment = NewAttachment(upload.filename, upload.content_type or "", await upload.read())
    try:
        cmd, where = _bill_input(db, actor, data, rows, attachment)
        saved = bills.record_bill(db.uow(), actor, cmd)
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        errors = grid_errors(errors, where)
        for key in list(errors):  # the attachment's own checks (type, size) belong by the file field
            if key in ("filename", "content_type", "content", "size"):
                errors["attachment"] = errors.pop(key)
        shown = {"supplier_id", "bill_number", "bill_date", "due_date", "order_id", "department", "attachment",
                 "lines"}
        general += [m for k, m in errors.items() if k not in shown and not k.startswith("lines[")]
        return _bill_form_page(request, db, actor, form, rows, exc.status, errors, general)
    return RedirectResponse(f"/purchasing/bills/{saved.id}?done={saved.status}", status_code=303)


# ---------------------------------------------------------------- detail


@dataclass(frozen=True)
class TaxSplit:
    rate: str
    net: int
    tax: int
    deductible: int

    @property
    def non_deductible(self) -> int:
        return self.tax - self.deductible


@dataclass(frozen=True)
class BillDetail:
    bill: SupplierBill
    supplier: Partner
    lines: tuple[SupplierBillLine, ...]
    order: PurchaseOrder | None
    splits: tuple[TaxSplit, ...]
    attachment: Attachment | None
    order_line_nos: dict[int, int]
    account_names: dict[str, str]  # code → the name of the lines' 勘定科目 in the reader's language


def bill_detail(db: Database, actor: Actor, bill_id: int) -> BillDetail:
    bills.get_bill(db.uow(), actor, bill_id)  # the capability check and NotFound
    with db.uow() as uow:
        s = uow.session
        bill = s.get(SupplierBill, bill_id)
        assert bill is not None
        supplier = s.get(Partner, bill.supplier_id)
        assert supplier is not None
        lines = tuple(s.scalars(select(SupplierBillLine).where(SupplierBillLine.bill_id == bill.id)
                                .order_by(SupplierBillLine.line_no)))
        order = s.get(PurchaseOrder, bill.order_id) if bill.order_id else None
        nos: dict[int, int] = {}
        if order is not None:
            from ennoshita.purchasing.models import PurchaseOrderLine

            nos = {int(i): int(n) for i, n in s.execute(select(PurchaseOrderLine.id, PurchaseOrderLine.line_no)
                                                         .where(PurchaseOrderLine.order_id == order.id))}
        attachment = s.get(Attachment, bill.attachment_id) if bill.attachment_id else None
        net_by_rate: dict[str, int] = {}
        for ln in lines:
            net_by_rate[ln.tax_rate] = net_by_rate.get(ln.tax_rate, 0) + ln.amount
        stored = {str(k): (int(v[0]), int(v[1])) for k, v in (bill.credit_breakdown or {}).items()}
        splits = tuple(TaxSplit(rate, net_by_rate.get(rate, 0), *stored.get(rate, (0, 0)))
                       for rate in sorted(set(net_by_rate) | set(stored), reverse=True))
        codes = {ln.account_code for ln in lines}
        names = {str(c): str(n) for c, n in s.execute(
            select(Account.code, Account.name_in(actor.language)).where(Account.code.in_(codes)))} if codes else {}
        s.expunge_all()
        return BillDetail(bill, supplier, lines, order, splits, attachment, nos, names)


@router.get("/bills/{bill_id}")
def bill_show(request: Request, bill_id: int, db: DbDep, actor: ActorDep) -> Response:
    return bill_page(request, db, actor, bill_id)


def bill_page(request: Request, db: Database, actor: Actor, bill_id: int, status: int = 200,
              general: list[str] | None = None, errors: dict[str, str] | None = None) -> Response:
    d = bill_detail(db, actor, bill_id)
    return render(request, "purchasing/bill_detail.html", {
        "d": d, "b": d.bill, "approval": approval_panel(db, "supplier_bill", bill_id),
        "purposes": dict(purpose_choices(actor.language)), "done": request.query_params.get("done"),
        "can_cancel": can(actor, "purchasing.edit") or can(actor, "payments.edit"),
        "cancellation": undo.cancellation(db.uow(), actor, "supplier_bill", bill_id),
        "general": general or [], "errors": errors or {}}, status_code=status)


# ---------------------------------------------------------------- 買掛金 and 支払予定表


def _page_param(request: Request, name: str) -> int:
    return max(1, parse_id(request.query_params.get(name)) or 1)


def query_without(request: Request, name: str) -> dict[str, str]:
    """The query string of the screen without one pager's page number (another list's page is kept)."""
    return {k: v for k, v in request.query_params.items() if k not in (name, "format") and v}


@router.get("/payables")
def payables(request: Request, db: DbDep, actor: ActorDep) -> Response:
    """買掛金残高 per supplier, paged in the database, with the count and 残高 of every supplier; a chosen
    supplier's open bills below, paged on their own (``open_page``)."""
    page = page_no(request)
    per_page = PER_PAGE
    totals = queries.payables_totals(db.uow(), actor)
    rows = queries.payables_by_supplier(db.uow(), actor, limit=per_page, offset=offset_of(page, per_page))
    supplier_id = parse_id(request.query_params.get("supplier_id"))
    open_page: Page | None = None
    open_totals: queries.Totals | None = None
    supplier_name = ""
    if supplier_id is not None:
        number = _page_param(request, "open_page")
        open_totals = queries.open_bills_totals(db.uow(), actor, supplier_id=supplier_id)
        open_rows = queries.open_bills(db.uow(), actor, supplier_id=supplier_id, limit=per_page,
                                       offset=offset_of(number, per_page))
        open_page = Page(open_rows, open_totals.count, number, per_page)
        with db.uow() as uow:
            supplier = uow.session.get(Partner, supplier_id)
            supplier_name = supplier.name if supplier is not None else ""
    return render(request, "purchasing/payables.html", {
        "page": Page(rows, totals.count, page, per_page), "query": query_without(request, "page"),
        "supplier_id": supplier_id, "supplier_name": supplier_name, "open_page": open_page,
        "open_query": query_without(request, "open_page"), "open_totals": open_totals,
        "total": totals.amount, "page_total": sum(r.open_amount for r in rows)})


def _month(text_value: str | None, default: dt.date) -> dt.date:
    raw = unicodedata.normalize("NFKC", text_value or "").strip().replace("/", "-")
    try:
        y, m = (int(p) for p in raw.split("-")[:2])
        return dt.date(y, m, 1)
    except (ValueError, TypeError):
        return default.replace(day=1)


def _month_end(first: dt.date) -> dt.date:
    nxt = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return nxt - dt.timedelta(days=1)


@router.get("/schedule")
def schedule(request: Request, db: DbDep, actor: ActorDep) -> Response:
    q = request.query_params
    today = today_tokyo()
    start = _month(q.get("from"), queries.first_due_month(db.uow(), actor, today))
    end_first = _month(q.get("to"), start)
    if end_first < start:
        end_first = start
    end = _month_end(end_first)
    page = page_no(request)
    per_page = PER_PAGE
    totals = queries.payment_schedule_totals(db.uow(), actor, start, end)
    rows = queries.payment_schedule(db.uow(), actor, start, end, limit=per_page, offset=offset_of(page, per_page))
    days: list[tuple[dt.date, list[queries.ScheduleRow], int]] = []
    for r in rows:
        if not days or days[-1][0] != r.due_date:
            days.append((r.due_date, [], 0))
        day, items, subtotal = days[-1]
        items.append(r)
        days[-1] = (day, items, subtotal + r.amount)
    # Only the first and the last day of a page can go on over the page's edge: their 日計 is read for the
    # whole day, so every 日計 shown is the day's, not the page's part of it.
    for i in {0, len(days) - 1} if days else set():
        day, items, _subtotal = days[i]
        days[i] = (day, items, queries.payment_schedule_totals(db.uow(), actor, day, day).amount)
    return render(request, "purchasing/schedule.html", {
        "days": days, "from": start.strftime("%Y-%m"), "to": end_first.strftime("%Y-%m"),
        "page": Page(rows, totals.count, page, per_page), "query": query_without(request, "page"),
        "total": totals.amount, "page_total": sum(r.amount for r in rows), "today": today,
        "can_pay": can(actor, "payments.edit")})

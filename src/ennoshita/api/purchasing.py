"""Purchasing and payables API: 発注 → 承認 → 送付 → 検収 with the 発注書 PDF, 仕入請求書 (draft → 計上), the
payables (買掛金残高) and the 支払予定表, 支払 runs (申請 → 承認 → 全銀 file → 支払済) and the company's bank
accounts (the 全銀 振込依頼人).

Money is integer yen; quantities and unit prices travel as decimal strings. Every change goes through the
services of :mod:`ennoshita.purchasing` (which check every permission); 承認 itself is
:mod:`ennoshita.api.approvals` (``POST /approvals/{id}/approve``), except ``POST /payment-runs/{id}/approve``
which decides the run's pending request. Errors are ``application/problem+json`` naming each field
(``lines[1].tax_rate``, ``payment_date``, ``suppliers[S001].bank_code``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, replace
from typing import Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from ennoshita.actor import Actor
from ennoshita.api.deps import ApiActor, DbDep
from ennoshita.api.numbers import PRICE_DOC, QUANTITY_DOC, YEN_DOC, Price, Quantity, Yen
from ennoshita.api.sales.orders import LineIn, RateOut, dec_text, file_response, lines_in, rates_out
from ennoshita.api.schemas import BankAccountOut
from ennoshita.api.views import ViewModel
from ennoshita.db import Database
from ennoshita.identity import company as company_service
from ennoshita.purchasing import bills, orders, payments, queries, recognition
from ennoshita.purchasing import pdf as purchasing_pdf

router = APIRouter(tags=["purchasing"])

PerPage = Query(50, ge=1, le=200)
PageNo = Query(1, ge=1)


def _offset(page: int, per_page: int) -> int:
    return (page - 1) * per_page


# ---------------------------------------------------------------- company bank accounts


class BankAccountIn(ViewModel, view=company_service.BankAccountData):
    model_config = ConfigDict(extra="forbid")

    account_type: Literal["普通", "当座", "貯蓄"] = "普通"
    zengin_requester_code: str = Field("", description="振込依頼人コード (10 digits), given by the bank.")
    id: int | None = Field(None, description="Empty: add an account; an id: change that account.")


@router.post("/company/bank-accounts", response_model=BankAccountOut, status_code=201, tags=["core"])
def save_bank_account(body: BankAccountIn, db: DbDep, actor: ApiActor) -> BankAccountOut:
    """Add or change a company bank account (the default one sends the 全銀 files)."""
    saved = company_service.save_bank_account(db.uow(), actor, company_service.BankAccountData(**body.model_dump()))
    return BankAccountOut.model_validate(saved, from_attributes=True)


# ---------------------------------------------------------------- purchase orders


class PurchaseOrderLineIn(LineIn):
    tax_purpose: Literal["taxable", "non_taxable", "common"] | None = Field(None, description=(
        "用途区分 (個別対応方式, 消費税法30条②一): taxable 課税売上対応, non_taxable 非課税売上対応, common 共通対応; "
        "empty: the company's default. The 検収 posting (or the month-end accrual) and the bill lines naming this "
        "line carry it."))


class PurchaseOrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    partner_id: int = Field(description="The supplier (a partner with is_supplier).")
    order_date: dt.date
    lines: list[PurchaseOrderLineIn]
    delivery_date: dt.date | None = None
    delivery_place: str = ""
    subject: str = ""
    department: str | None = Field(None, description="部門: chooses the 承認 route and the department head.")
    price_entry: Literal["exclusive", "inclusive"] = "exclusive"
    notes: str = ""


class OrderLineOut(ViewModel, view=purchasing_pdf.OrderLineView):
    quantity: str
    unit_price: str
    received_quantity: str
    tax_purpose: str | None = Field(None, description="用途区分: taxable / non_taxable / common (None: the default).")


class PurchaseOrderOut(ViewModel, view=queries.OrderRow, exclude=("supplier_id", "supplier_name")):
    status: str = Field(description="draft, pending_approval, approved, sent, partial, received, rejected or "
                                    "cancelled.")
    partner_id: int  # the row's supplier_id
    partner_name: str


class PurchaseOrderDetailOut(PurchaseOrderOut, view=purchasing_pdf.OrderDetail,
                             exclude=("supplier_id", "supplier_name")):
    lines: list[OrderLineOut]
    rates: list[RateOut]


class PurchaseOrderPage(BaseModel):
    items: list[PurchaseOrderOut]
    page: int
    per_page: int


class ReceiptLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    order_line_id: int
    quantity: Quantity = Field(description=QUANTITY_DOC)


class ReceiptIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    receipt_date: dt.date
    lines: list[ReceiptLineIn] = Field([], description="Empty: everything still open.")
    notes: str = ""


def _order_detail(db: Database, actor: Actor, order_id: int) -> PurchaseOrderDetailOut:
    d = purchasing_pdf.order_detail(db.uow(), actor, order_id)
    return PurchaseOrderDetailOut(
        id=d.id, number=d.number, status=d.status, partner_id=d.supplier_id, partner_name=d.supplier_name,
        order_date=d.order_date, delivery_date=d.delivery_date, gross=d.gross, delivery_place=d.delivery_place,
        subject=d.subject, department=d.department, price_entry=d.price_entry, net=d.net, tax=d.tax, notes=d.notes,
        approval_request_id=d.approval_request_id,
        lines=[OrderLineOut(**{**asdict(ln), "quantity": dec_text(ln.quantity), "unit_price": dec_text(ln.unit_price),
                               "received_quantity": dec_text(ln.received_quantity)}) for ln in d.lines],
        rates=rates_out(list(d.rates)))


@router.post("/purchase-orders", response_model=PurchaseOrderDetailOut, status_code=201)
def create_purchase_order(body: PurchaseOrderIn, db: DbDep, actor: ApiActor) -> PurchaseOrderDetailOut:
    """発注書 (draft): totals per rate, tax once per rate."""
    po = orders.create_purchase_order(db.uow(), actor, orders.PurchaseOrderInput(
        body.partner_id, body.order_date, tuple(replace(line, tax_purpose=given.tax_purpose or "") for line, given in
                                                zip(lines_in(body.lines), body.lines, strict=True)),
        body.delivery_date, body.delivery_place,
        body.subject, body.department, body.price_entry, body.notes))
    return _order_detail(db, actor, po.id)


@router.get("/purchase-orders", response_model=PurchaseOrderPage)
def list_purchase_orders(db: DbDep, actor: ApiActor, status: str | None = None,
                         partner: int | None = Query(None, description="Supplier id."),
                         page: int = PageNo, per_page: int = PerPage) -> PurchaseOrderPage:
    """発注 newest first."""
    rows = queries.purchase_orders(db.uow(), actor, status=status, supplier_id=partner, limit=per_page,
                                   offset=_offset(page, per_page))
    return PurchaseOrderPage(items=[PurchaseOrderOut(
        id=r.id, number=r.number, status=r.status, partner_id=r.supplier_id, partner_name=r.supplier_name,
        order_date=r.order_date, delivery_date=r.delivery_date, gross=r.gross) for r in rows], page=page,
        per_page=per_page)


@router.get("/purchase-orders/{order_id}", response_model=PurchaseOrderDetailOut)
def get_purchase_order(order_id: int, db: DbDep, actor: ApiActor) -> PurchaseOrderDetailOut:
    return _order_detail(db, actor, order_id)


@router.post("/purchase-orders/{order_id}/submit", response_model=PurchaseOrderDetailOut)
def submit_purchase_order(order_id: int, db: DbDep, actor: ApiActor) -> PurchaseOrderDetailOut:
    """申請 on the company's route table (``approval_request_id`` names the request to decide)."""
    orders.submit_purchase_order(db.uow(), actor, order_id)
    return _order_detail(db, actor, order_id)


@router.post("/purchase-orders/{order_id}/send", response_model=PurchaseOrderDetailOut)
def send_purchase_order(order_id: int, db: DbDep, actor: ApiActor) -> PurchaseOrderDetailOut:
    """送付: the approved order goes to the supplier."""
    orders.send_purchase_order(db.uow(), actor, order_id)
    return _order_detail(db, actor, order_id)


@router.post("/purchase-orders/{order_id}/cancel", response_model=PurchaseOrderDetailOut)
def cancel_purchase_order(order_id: int, db: DbDep, actor: ApiActor) -> PurchaseOrderDetailOut:
    orders.cancel_purchase_order(db.uow(), actor, order_id)
    return _order_detail(db, actor, order_id)


@router.post("/purchase-orders/{order_id}/receipts", response_model=PurchaseOrderDetailOut, status_code=201)
def record_receipt(order_id: int, body: ReceiptIn, db: DbDep, actor: ApiActor) -> PurchaseOrderDetailOut:
    """検収: part or all of a sent order; answers the order with its received quantities."""
    orders.record_receipt(db.uow(), actor, orders.ReceiptInput(
        order_id, body.receipt_date, tuple((ln.order_line_id, ln.quantity) for ln in body.lines), body.notes))
    return _order_detail(db, actor, order_id)


@router.get("/purchase-orders/{order_id}/pdf")
def purchase_order_pdf(order_id: int, db: DbDep, actor: ApiActor) -> Response:
    """発注書 PDF."""
    return file_response(*purchasing_pdf.purchase_order_pdf(db.uow(), actor, order_id))


# ---------------------------------------------------------------- bills


class BillLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str
    amount: Yen | None = Field(None, description="The line's amount (quantity 1); or quantity x unit_price. " + YEN_DOC)
    quantity: Quantity = Field("1", description=QUANTITY_DOC)
    unit_price: Price = Field("", description=PRICE_DOC)
    tax_rate: Literal["10", "8", "0"] = "10"
    price_includes_tax: bool = Field(False, description="税込 amounts; every line of a bill is entered the same way.")
    account_code: str = Field("", description="Empty: 仕入高.")
    order_line_id: int | None = Field(None, description="The purchase order line it bills (three-way match).")
    tax_purpose: Literal["taxable", "non_taxable", "common"] | None = Field(None, description=(
        "用途区分 (個別対応方式): taxable 課税売上対応, non_taxable 非課税売上対応, common 共通対応; "
        "empty: the order line's (order_line_id), else the order's when all its lines share one, else the company's "
        "default."))


class BillIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    partner_id: int
    bill_number: str = Field(description="The supplier's invoice number.")
    issue_date: dt.date
    due_date: dt.date | None = Field(None, description="Empty: from the supplier's payment terms.")
    lines: list[BillLineIn]
    order_id: int | None = None
    department: str | None = None
    notes: str = ""
    printed_tax: dict[str, int] = Field(default_factory=dict, description=(
        "消費税 per rate as printed on the supplier's invoice ({\"10\": 101}); within 1 yen of the computed tax."))


class BillLineOut(ViewModel, view=bills.BillLineView):
    quantity: str
    unit_price: str


class BillOut(ViewModel, view=queries.BillRow, exclude=("supplier_id", "supplier_name", "bill_date")):
    status: str = Field(description="draft, pending_approval, posted, rejected, sent_back or cancelled "
                                    "(受領請求書の取消).")
    partner_id: int  # the row's supplier_id
    partner_name: str
    issue_date: dt.date  # the row's bill_date


class BillDetailOut(BillOut):
    net: int
    tax: int
    non_deductible_tax: int
    price_entry: str
    order_id: int | None
    department: str | None
    credit_reason: str
    credit_ratio: str
    approval_request_id: int | None
    journal_entry: str | None
    match_differences: list[dict[str, object]]
    notes: str
    lines: list[BillLineOut]
    withholding_category: str = Field("", description="源泉徴収 category of the supplier (empty: none).")
    withholding_base: int = 0
    withholding_tax: int = Field(0, description="源泉所得税 withheld (預り金).")
    payable: int = Field(0, description="買掛金: gross less the withholding tax; what the payment run transfers.")


class BillPage(BaseModel):
    items: list[BillOut]
    page: int
    per_page: int


def _bill_detail(db: Database, actor: Actor, bill_id: int) -> BillDetailOut:
    d = bills.bill_detail(db.uow(), actor, bill_id)
    b = d.summary
    return BillDetailOut(
        id=b.id, number=b.number, status=b.status, partner_id=b.supplier_id, partner_name=d.supplier_name,
        bill_number=d.bill_number, issue_date=d.bill_date, due_date=b.due_date, gross=b.gross,
        deductible_tax=b.deductible_tax, match_status=b.match_status, net=b.net, tax=b.tax,
        non_deductible_tax=b.non_deductible_tax, price_entry=d.price_entry, order_id=d.order_id,
        department=d.department, credit_reason=d.credit_reason, credit_ratio=d.credit_ratio,
        approval_request_id=b.approval_request_id, journal_entry=b.entry_no, match_differences=d.match_differences,
        notes=d.notes, withholding_category=b.withholding_category, withholding_base=b.withholding_base,
        withholding_tax=b.withholding_tax, payable=b.payable,
        lines=[BillLineOut(**{**asdict(ln), "quantity": dec_text(ln.quantity), "unit_price": dec_text(ln.unit_price)})
               for ln in d.lines])


def _bill_line(ln: BillLineIn) -> bills.BillLineInput:
    if ln.amount is not None:
        quantity, price = "1", str(ln.amount)
    else:
        quantity, price = ln.quantity, ln.unit_price
    return bills.BillLineInput(ln.description, price, quantity, ln.tax_rate, ln.account_code, ln.order_line_id,
                               ln.price_includes_tax, ln.tax_purpose)


@router.post("/bills", response_model=BillDetailOut, status_code=201)
def create_bill(body: BillIn, db: DbDep, actor: ApiActor) -> BillDetailOut:
    """仕入請求書 saved as a draft (no posting, no payable); ``POST /bills/{id}/post`` posts it."""
    inclusive = bool(body.lines) and body.lines[0].price_includes_tax
    draft = bills.create_bill_draft(db.uow(), actor, bills.BillInput(
        body.partner_id, body.bill_number, body.issue_date, tuple(_bill_line(ln) for ln in body.lines),
        body.order_id, body.department, "inclusive" if inclusive else "exclusive", body.due_date, None, body.notes,
        tuple(body.printed_tax.items())))
    return _bill_detail(db, actor, draft.id)


@router.post("/bills/{bill_id}/post", response_model=BillDetailOut)
def post_bill(bill_id: int, db: DbDep, actor: ApiActor) -> BillDetailOut:
    """計上: duplicate check, three-way match, input tax; posted at once or submitted for 承認
    (``status`` pending_approval with its ``approval_request_id``)."""
    bills.post_bill_draft(db.uow(), actor, bill_id)
    return _bill_detail(db, actor, bill_id)


@router.get("/bills", response_model=BillPage)
def list_bills(db: DbDep, actor: ApiActor, status: str | None = None,
               partner: int | None = Query(None, description="Supplier id."),
               page: int = PageNo, per_page: int = PerPage) -> BillPage:
    rows = queries.bills(db.uow(), actor, status=status, supplier_id=partner, limit=per_page,
                         offset=_offset(page, per_page))
    return BillPage(items=[BillOut(
        id=r.id, number=r.number, status=r.status, partner_id=r.supplier_id, partner_name=r.supplier_name,
        bill_number=r.bill_number, issue_date=r.bill_date, due_date=r.due_date, gross=r.gross,
        deductible_tax=r.deductible_tax, match_status=r.match_status) for r in rows], page=page, per_page=per_page)


@router.get("/bills/{bill_id}", response_model=BillDetailOut)
def get_bill(bill_id: int, db: DbDep, actor: ApiActor) -> BillDetailOut:
    return _bill_detail(db, actor, bill_id)


# ---------------------------------------------------------------- payables and schedule


class SupplierBalanceOut(ViewModel, view=queries.SupplierBalance, exclude=("supplier_id",)):
    partner_id: int


class OpenBillOut(ViewModel, view=queries.OpenBill, exclude=("supplier_id", "supplier_name")):
    status: str = Field(description="open, or in_run (in a payment run not yet paid).")
    partner_id: int
    partner_name: str


class PayablesOut(BaseModel):
    total: int = Field(description="買掛金残高: every open amount (of the supplier given), the goods received and "
                                   "not yet billed included, in yen; not a count.")
    suppliers: list[SupplierBalanceOut] = Field(description="This page of the suppliers owed (open bills or goods "
                                                            "received not yet billed), by code.")
    suppliers_total: int = Field(description="How many suppliers are owed, on every page.")
    bills: list[OpenBillOut] = Field(description="This page of the open bills (oldest due first).")
    bills_total: int = Field(description="How many open bills match (supplier, due_by), on every page.")
    bills_amount: int = Field(description="The open amount of every matching bill, in yen.")
    page: int
    per_page: int


class ScheduleRowOut(ViewModel, view=queries.ScheduleRow, exclude=("supplier_id", "supplier_name")):
    partner_id: int
    partner_name: str


class ScheduleOut(BaseModel):
    items: list[ScheduleRowOut] = Field(description="This page of the rows (by due date, then supplier).")
    items_total: int = Field(description="How many rows the whole range has, on every page.")
    total: int = Field(description="What falls due in the whole range, in yen; not a count.")
    page: int
    per_page: int


@router.get("/payables", response_model=PayablesOut)
def payables(db: DbDep, actor: ApiActor, partner: int | None = Query(None, description="Supplier id."),
             due_by: dt.date | None = None, page: int = PageNo, per_page: int = PerPage) -> PayablesOut:
    """買掛金残高 per supplier and the open bills (oldest due first), both a page at a time: ``page`` and
    ``per_page`` apply to each list, and ``suppliers_total`` and ``bills_total`` say how many there are in all
    (``total`` and ``bills_amount`` are yen over every page)."""
    offset = _offset(page, per_page)
    balances = queries.payables_by_supplier(db.uow(), actor, supplier_id=partner, limit=per_page, offset=offset)
    supplier_totals = queries.payables_totals(db.uow(), actor, supplier_id=partner)
    open_bills = queries.open_bills(db.uow(), actor, supplier_id=partner, due_by=due_by, limit=per_page,
                                    offset=offset)
    bill_totals = queries.open_bills_totals(db.uow(), actor, supplier_id=partner, due_by=due_by)
    return PayablesOut(
        total=supplier_totals.amount,
        suppliers=[SupplierBalanceOut(partner_id=b.supplier_id, code=b.code, name=b.name, bills=b.bills,
                                      open_amount=b.open_amount, next_due=b.next_due, unbilled=b.unbilled)
                   for b in balances],
        suppliers_total=supplier_totals.count,
        bills=[OpenBillOut(bill_id=b.bill_id, number=b.number, bill_number=b.bill_number, partner_id=b.supplier_id,
                           partner_name=b.supplier_name, due_date=b.due_date, open_amount=b.open_amount,
                           status=b.status) for b in open_bills],
        bills_total=bill_totals.count, bills_amount=bill_totals.amount, page=page, per_page=per_page)


class ApCheckOut(BaseModel):
    subledger: int = Field(description="買掛金台帳: open bills plus the receipts posted under 検収基準 and not yet "
                           "billed (yen).")
    ledger: int = Field(description="The ledger's 買掛金 on the suppliers' 補助科目 (yen).")
    ok: bool


@router.get("/payables/check", response_model=ApCheckOut)
def payables_check(db: DbDep, actor: ApiActor) -> ApCheckOut:
    """The payables sub-ledger against the ledger's 買掛金 (they agree unless something was posted by hand)."""
    found = recognition.payables_check(db.uow(), actor)
    return ApCheckOut(subledger=found.subledger, ledger=found.ledger, ok=found.ok)


class AccrualIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    month_end: dt.date = Field(description="The last day of a month.")


class AccrualOut(ViewModel, view=recognition.AccrualResult):
    receipts: int = Field(description="Goods receipts received by the month end and not billed by then.")
    gross: int = Field(description="Their amount 税込, accrued to 未払金 (yen).")
    reversal_no: str | None = Field(description="The reversal, dated the first day of the next month.")


@router.post("/purchasing/accruals", response_model=AccrualOut, status_code=201)
def accrue(body: AccrualIn, db: DbDep, actor: ApiActor) -> AccrualOut:
    """請求基準 (company setting ``purchase_recognition: bill``): accrue what was received and not billed by the
    month end, 仕入高 + 仮払消費税 / 未払金, reversed on the first day of the next month. Once per month."""
    done = recognition.accrue_unbilled(db.uow(), actor, body.month_end)
    return AccrualOut.model_validate(done, from_attributes=True)


@router.get("/payment-schedule", response_model=ScheduleOut)
def payment_schedule(db: DbDep, actor: ApiActor, date_from: dt.date = Query(alias="from"),
                     date_to: dt.date = Query(alias="to"), page: int = PageNo,
                     per_page: int = PerPage) -> ScheduleOut:
    """支払予定表: what falls due each day between the dates, per supplier, a page at a time (``items_total``
    rows in all; ``total`` is the yen of every page)."""
    rows = queries.payment_schedule(db.uow(), actor, date_from, date_to, limit=per_page,
                                    offset=_offset(page, per_page))
    totals = queries.payment_schedule_totals(db.uow(), actor, date_from, date_to)
    return ScheduleOut(items=[ScheduleRowOut(due_date=r.due_date, partner_id=r.supplier_id,
                                             partner_name=r.supplier_name, bills=r.bills, amount=r.amount)
                              for r in rows], items_total=totals.count, total=totals.amount, page=page,
                       per_page=per_page)


# ---------------------------------------------------------------- payment runs


class PaymentRunIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    payment_date: dt.date = Field(description="振込指定日: a banking day.")
    bill_ids: list[int] = Field([], description="These bills; empty: every open bill due by ``due_by``.")
    due_by: dt.date | None = None
    payer_id: int | None = Field(None, description="Who executes the payment (may not be its only approver).")
    department: str | None = None
    submit: bool = Field(False, description="Submit for 承認 at once (otherwise POST /payment-runs/{id}/submit).")


class TransferOut(ViewModel, view=payments.TransferView,
                  exclude=("supplier_id", "supplier_name", "payee_kind", "item_ids")):
    fee_bearer: str = Field(description="payer (当方負担) or payee (先方負担).")
    partner_id: int | None = Field(None, description="The supplier; empty for another payee (an employee's claims).")
    partner_name: str


class PaymentRunOut(ViewModel, view=payments.RunSummary):
    status: str = Field(description="draft, pending_approval, approved, exported, paid, rejected, sent_back or "
                                    "cancelled.")
    transfers: list[TransferOut] = []


class PaymentRunPage(BaseModel):
    items: list[PaymentRunOut]
    page: int
    per_page: int


class RunDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: str = ""


class VoidIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str


def run_out(r: payments.RunSummary) -> PaymentRunOut:
    return PaymentRunOut(
        id=r.id, number=r.number, status=r.status, payment_date=r.payment_date, bills_total=r.bills_total,
        transfer_total=r.transfer_total, fee_total=r.fee_total, approval_request_id=r.approval_request_id,
        transfers=[TransferOut(partner_id=t.supplier_id, partner_name=t.supplier_name, bills_amount=t.bills_amount,
                               fee=t.fee, fee_bearer=t.fee_bearer, transfer_amount=t.transfer_amount,
                               bill_ids=list(t.bill_ids)) for t in r.transfers])


def _run(db: Database, actor: Actor, run_id: int) -> PaymentRunOut:
    return run_out(payments.get_run(db.uow(), actor, run_id))


@router.post("/payment-runs", response_model=PaymentRunOut, status_code=201)
def create_payment_run(body: PaymentRunIn, db: DbDep, actor: ApiActor) -> PaymentRunOut:
    """支払: one transfer per supplier over the chosen open bills (reserved for the run); a draft until
    submitted."""
    run = payments.create_payment_run(db.uow(), actor, payments.PaymentRunInput(
        body.payment_date, tuple(body.bill_ids), body.due_by, body.payer_id, body.department, body.submit))
    return _run(db, actor, run.id)


@router.get("/payment-runs", response_model=PaymentRunPage)
def list_payment_runs(db: DbDep, actor: ApiActor, status: str | None = None, page: int = PageNo,
                      per_page: int = PerPage) -> PaymentRunPage:
    rows = payments.list_runs(db.uow(), actor, status=status, limit=per_page, offset=_offset(page, per_page))
    return PaymentRunPage(items=[PaymentRunOut(
        id=r.id, number=r.number, status=r.status, payment_date=r.payment_date, bills_total=r.bills_total,
        transfer_total=r.transfer_total, fee_total=r.fee_total) for r in rows], page=page, per_page=per_page)


@router.get("/payment-runs/{run_id}", response_model=PaymentRunOut)
def get_payment_run(run_id: int, db: DbDep, actor: ApiActor) -> PaymentRunOut:
    return _run(db, actor, run_id)


@router.post("/payment-runs/{run_id}/submit", response_model=PaymentRunOut)
def submit_payment_run(run_id: int, db: DbDep, actor: ApiActor) -> PaymentRunOut:
    """申請 (支払実行の承認)."""
    return run_out(payments.submit_payment_run(db.uow(), actor, run_id))


@router.post("/payment-runs/{run_id}/approve", response_model=PaymentRunOut)
def approve_payment_run(run_id: int, db: DbDep, actor: ApiActor, body: RunDecisionIn | None = None
                        ) -> PaymentRunOut:
    """承認 of the run's current step; the payer may not be its only approver, nor the submitter approve."""
    body = body or RunDecisionIn()
    return run_out(payments.decide_run(db.uow(), actor, run_id, "approve", body.comment))


@router.post("/payment-runs/{run_id}/cancel", response_model=PaymentRunOut)
def cancel_payment_run(run_id: int, db: DbDep, actor: ApiActor) -> PaymentRunOut:
    """A draft run dropped; its bills are open again."""
    return run_out(payments.cancel_payment_run(db.uow(), actor, run_id))


@router.get("/payment-runs/{run_id}/zengin")
def zengin_file(run_id: int, db: DbDep, actor: ApiActor,
                line_ending: Literal["crlf", "none"] = Query("crlf", description="crlf (122-byte lines) or none "
                                                                                   "(120-byte records).")
                ) -> Response:
    """The 全銀 総合振込 file (Shift_JIS): exported on the first call, the stored file byte for byte after
    (``line_ending`` only applies to the first call)."""
    exported = payments.zengin_file(db.uow(), actor, run_id, line_ending)
    run = payments.get_run(db.uow(), actor, run_id)
    response = file_response(exported.content, f"zengin_{run.number}.txt", "application/octet-stream")
    response.headers["X-Content-SHA256"] = exported.sha256
    return response


@router.post("/payment-runs/{run_id}/void-export", response_model=PaymentRunOut)
def void_export(run_id: int, body: VoidIn, db: DbDep, actor: ApiActor) -> PaymentRunOut:
    """取消: the exported file was not sent (or the bank refused it); the run may be exported again."""
    return run_out(payments.void_export(db.uow(), actor, run_id, body.reason))


@router.post("/payment-runs/{run_id}/paid", response_model=PaymentRunOut)
def mark_paid(run_id: int, db: DbDep, actor: ApiActor, confirm_early: bool = False) -> PaymentRunOut:
    """支払済: the postings (買掛金 / 普通預金, the fee) and the bills closed. Before the payment date it is refused
    (409) unless ``confirm_early=true``."""
    return run_out(payments.mark_paid(db.uow(), actor, run_id, confirm_early=confirm_early))

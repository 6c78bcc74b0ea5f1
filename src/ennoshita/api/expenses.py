"""経費精算 API: create a claim (JSON; each receipt image as base64), read it, submit it, list claims, and the
employee's 振込先口座. A thin adapter over :mod:`ennoshita.expenses.services`, which checks every permission;
errors are ``application/problem+json`` naming each field (``lines[1].expense_date``)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from decimal import Decimal
from typing import Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from ennoshita.api.deps import ApiActor, DbDep
from ennoshita.api.numbers import YEN_DOC, Yen
from ennoshita.errors import Invalid, Problem
from ennoshita.expenses import services
from ennoshita.expenses.rules import LineInput

router = APIRouter(tags=["expenses"])

Kind = Literal["receipt", "transport", "mileage"]
Rate = Literal["10", "8", "0", "none"]


class ReceiptIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    filename: str
    content_type: str = Field(description="image/* or application/pdf")
    content_base64: str


class LineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Kind
    expense_date: dt.date
    amount: Yen | None = Field(None, description="Tax included; for transport the one-way fare. " + YEN_DOC)
    payee: str = ""
    account_code: str = Field("", description="旅費交通費 6250, 会議費 6240, 交際費 6230, 消耗品費 6270, ...")
    tax_rate: Rate = "10"
    registration_number: str = Field("", description="The payee's 登録番号 when the receipt shows it.")
    purpose: str = ""
    route_from: str = ""
    route_to: str = ""
    round_trip: bool = False
    distance_km: Decimal | None = None
    rate_per_km: Decimal | None = None
    receipt: ReceiptIn | None = None
    transport_scope: Literal["domestic", "international"] = Field(
        "domestic", description="transport: 国内交通 (課税10%) or 国際交通 (免税, no input tax).")
    no_invoice_reason: Literal["", "public_transport", "vending_machine", "admission_ticket"] = Field(
        "", description="receipt without 登録番号 that needs no qualified invoice (消費税法施行令49条①).")
    tax_purpose: Literal["", "taxable", "non_taxable", "common"] = Field("", description=(
        "用途区分 (個別対応方式): taxable 課税売上対応, non_taxable 非課税売上対応, common 共通対応; empty: the "
        "company's default."))


class ClaimIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str
    lines: list[LineIn]
    submit: bool = Field(False, description="Submit for approval at once (申請).")


class LineOut(BaseModel):
    line_no: int
    kind: str
    expense_date: dt.date
    payee: str
    account_code: str
    tax_rate: str
    tax_category: str
    registration_number: str | None
    amount: int
    purpose: str
    route_from: str
    route_to: str
    round_trip: bool
    distance_km: Decimal | None
    rate_per_km: Decimal | None
    receipt_id: int | None
    credit_basis: str = Field("", description=(
        "Why the tax is credited without a qualified invoice (public_transport, vending_machine, admission_ticket, "
        "small_amount, business_travel), or transitional / international."))
    tax_purpose: str | None = Field(None, description="用途区分: taxable / non_taxable / common (None: default).")


class ClaimOut(BaseModel):
    id: int
    number: str
    employee_id: int
    employee_name: str
    department: str
    title: str
    status: str
    total: int
    payment_status: str
    payment_run_id: int | None
    journal_entry_ids: list[int]
    approval_request_id: int | None
    lines: list[LineOut]


class ClaimRowOut(BaseModel):
    id: int
    number: str
    employee_id: int
    employee_name: str
    department: str
    title: str
    status: str
    total: int
    payment_status: str


class ClaimPageOut(BaseModel):
    items: list[ClaimRowOut]
    total: int
    page: int
    per_page: int


class BankIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bank_code: str
    branch_code: str
    account_type: Literal["ordinary", "checking", "savings"]
    account_number: str
    holder_kana: str


def _out(v: services.ClaimView) -> ClaimOut:
    return ClaimOut(
        id=v.id, number=v.number, employee_id=v.employee_id, employee_name=v.employee_name, department=v.department,
        title=v.title, status=v.status, total=v.total, payment_status=v.payment_status,
        payment_run_id=v.payment_run_id, journal_entry_ids=list(v.journal_entry_ids),
        approval_request_id=v.approval_request_id,
        lines=[LineOut(line_no=x.line_no, kind=x.kind, expense_date=x.expense_date, payee=x.payee,
                       account_code=x.account_code, tax_rate=x.tax_rate, tax_category=x.tax_category,
                       registration_number=x.registration_number, amount=x.amount, purpose=x.purpose,
                       route_from=x.route_from, route_to=x.route_to, round_trip=x.round_trip,
                       distance_km=x.distance_km, rate_per_km=x.rate_per_km, receipt_id=x.attachment_id,
                       credit_basis=x.credit_basis, tax_purpose=x.tax_purpose)
               for x in v.lines])


def _receipts(body: ClaimIn) -> tuple[services.Receipt | None, ...]:
    out: list[services.Receipt | None] = []
    problems: list[Problem] = []
    for i, line in enumerate(body.lines):
        if line.receipt is None:
            out.append(None)
            continue
        try:
            content = base64.b64decode(line.receipt.content_base64, validate=True)
        except (binascii.Error, ValueError):
            problems.append(Problem("error.invalid", f"lines[{i}].receipt.content_base64"))
            content = b""
        out.append(services.Receipt(line.receipt.filename, line.receipt.content_type, content))
    if problems:
        raise Invalid(problems=problems)
    return tuple(out)


@router.post("/expense-claims", response_model=ClaimOut, status_code=201)
def create_claim(body: ClaimIn, db: DbDep, actor: ApiActor) -> ClaimOut:
    lines = tuple(LineInput(x.kind, x.expense_date, x.amount, x.payee, x.account_code, x.tax_rate,
                            x.registration_number, x.purpose, x.route_from, x.route_to, x.round_trip, x.distance_km,
                            x.rate_per_km, transport_scope=x.transport_scope,
                            no_invoice_reason=x.no_invoice_reason, tax_purpose=x.tax_purpose) for x in body.lines)
    view = services.create_claim(db.uow(), actor, services.ClaimInput(body.title, lines, _receipts(body)),
                                 submit=body.submit)
    return _out(view)


@router.get("/expense-claims", response_model=ClaimPageOut)
def list_claims(db: DbDep, actor: ApiActor, mine: bool = True, status: str | None = None,
                payment_status: str | None = None, q: str | None = None, page: int = Query(1, ge=1),
                per_page: int = Query(50, ge=1, le=200)) -> ClaimPageOut:
    rows, total = services.list_claims(db.uow(), actor, mine=mine, status=status, payment_status=payment_status,
                                       q=q, limit=per_page, offset=(page - 1) * per_page)
    return ClaimPageOut(items=[ClaimRowOut(id=r.id, number=r.number, employee_id=r.employee_id,
                                           employee_name=r.employee_name, department=r.department, title=r.title,
                                           status=r.status, total=r.total, payment_status=r.payment_status)
                               for r in rows], total=total, page=page, per_page=per_page)


@router.get("/expense-claims/{claim_id}", response_model=ClaimOut)
def get_claim(claim_id: int, db: DbDep, actor: ApiActor) -> ClaimOut:
    return _out(services.get_claim(db.uow(), actor, claim_id))


@router.post("/expense-claims/{claim_id}/submit", response_model=ClaimOut)
def submit_claim(claim_id: int, db: DbDep, actor: ApiActor) -> ClaimOut:
    return _out(services.submit_claim(db.uow(), actor, claim_id))


@router.put("/me/bank-account", status_code=204)
def save_bank_account(body: BankIn, db: DbDep, actor: ApiActor) -> None:
    services.save_bank_account(db.uow(), actor, actor.user_id or 0, services.BankInput(
        body.bank_code, body.branch_code, body.account_type, body.account_number, body.holder_kana))

"""経費精算 API: create a claim (JSON; each receipt image as base64, or a copy of a cancelled claim with its
receipts), read it, submit it, list claims, cancel an approved one (経理), and the employee's 振込先口座. A thin
adapter over :mod:`ennoshita.expenses.services` and :mod:`~ennoshita.expenses.cancellation`, which check every
permission; errors are ``application/problem+json`` naming each field (``lines[1].expense_date``)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import asdict
from typing import Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from ennoshita.api.deps import ApiActor, DbDep
from ennoshita.api.numbers import YEN_DOC, Yen
from ennoshita.api.views import ViewModel
from ennoshita.errors import Invalid, Problem
from ennoshita.expenses import cancellation, services
from ennoshita.expenses.rules import LineInput

router = APIRouter(tags=["expenses"])

Kind = Literal["receipt", "transport", "mileage"]
Rate = Literal["10", "8", "0", "none"]


class ReceiptIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    filename: str
    content_type: str = Field(description="image/* or application/pdf")
    content_base64: str


class LineIn(ViewModel, view=LineInput, exclude=("has_receipt",)):
    model_config = ConfigDict(extra="forbid")

    kind: Kind
    expense_date: dt.date
    amount: Yen | None = Field(None, description="Tax included; for transport the one-way fare. " + YEN_DOC)
    account_code: str = Field("", description="旅費交通費 6250, 会議費 6240, 交際費 6230, 消耗品費 6270, ...")
    tax_rate: Rate = "10"
    registration_number: str = Field("", description="The payee's 登録番号 when the receipt shows it.")
    transport_scope: Literal["domestic", "international"] = Field(
        "domestic", description="transport: 国内交通 (課税10%) or 国際交通 (免税, no input tax).")
    no_invoice_reason: Literal["", "public_transport", "vending_machine", "admission_ticket"] = Field(
        "", description="receipt without 登録番号 that needs no qualified invoice (消費税法施行令49条①).")
    tax_purpose: Literal["", "taxable", "non_taxable", "common"] = Field("", description=(
        "用途区分 (個別対応方式): taxable 課税売上対応, non_taxable 非課税売上対応, common 共通対応; empty: the "
        "company's default."))
    receipt: ReceiptIn | None = None
    receipt_id: int | None = Field(None, description=(
        "With copy_from: keep this receipt of the claim copied from (its line's receipt_id), instead of a new file."))


class ClaimIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str
    lines: list[LineIn]
    submit: bool = Field(False, description="Submit for approval at once (申請).")
    copy_from: int | None = Field(None, description=(
        "Filed anew from the employee's own cancelled (or rejected) claim: its receipts may be kept by receipt_id."))


class CancelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(description="Why the approved claim is cancelled (取消理由), kept in the audit trail.")


class LineOut(ViewModel, view=services.LineView, exclude=("attachment_id", "attachment_name")):
    credit_basis: str = Field("", description=(
        "Why the tax is credited without a qualified invoice (public_transport, vending_machine, admission_ticket, "
        "small_amount, business_travel), or transitional / international."))
    tax_purpose: str | None = Field(None, description="用途区分: taxable / non_taxable / common (None: default).")
    receipt_id: int | None


class ClaimOut(ViewModel, view=services.ClaimView, defaults=False,
               exclude=("created_at", "submitted_at", "approved_at", "paid_at", "cancelled_at")):
    lines: list[LineOut]
    reversal_entry_ids: tuple[int, ...] = Field(description="取消: the entries that reversed the claim's postings.")


class ClaimRowOut(ViewModel, view=services.ClaimRow, exclude=("created_at",)):
    pass


class ClaimPageOut(BaseModel):
    items: list[ClaimRowOut]
    total: int
    page: int
    per_page: int


class BankIn(ViewModel, view=services.BankInput):
    model_config = ConfigDict(extra="forbid")

    account_type: Literal["ordinary", "checking", "savings"]


def _out(v: services.ClaimView) -> ClaimOut:
    return ClaimOut(**{**asdict(v), "lines": [LineOut(**asdict(x), receipt_id=x.attachment_id) for x in v.lines]})


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
    lines = tuple(LineInput(**x.model_dump(exclude={"receipt", "receipt_id"})) for x in body.lines)
    kept = tuple(x.receipt_id if x.receipt is None else None for x in body.lines)
    view = services.create_claim(db.uow(), actor, services.ClaimInput(body.title, lines, _receipts(body), kept,
                                                                      body.copy_from), submit=body.submit)
    return _out(view)


@router.get("/expense-claims", response_model=ClaimPageOut)
def list_claims(db: DbDep, actor: ApiActor, mine: bool = True, status: str | None = None,
                payment_status: str | None = None, q: str | None = None, page: int = Query(1, ge=1),
                per_page: int = Query(50, ge=1, le=200)) -> ClaimPageOut:
    rows, total = services.list_claims(db.uow(), actor, mine=mine, status=status, payment_status=payment_status,
                                       q=q, limit=per_page, offset=(page - 1) * per_page)
    return ClaimPageOut(items=[ClaimRowOut.model_validate(r, from_attributes=True) for r in rows], total=total,
                        page=page, per_page=per_page)


@router.get("/expense-claims/{claim_id}", response_model=ClaimOut)
def get_claim(claim_id: int, db: DbDep, actor: ApiActor) -> ClaimOut:
    return _out(services.get_claim(db.uow(), actor, claim_id))


@router.post("/expense-claims/{claim_id}/submit", response_model=ClaimOut)
def submit_claim(claim_id: int, db: DbDep, actor: ApiActor) -> ClaimOut:
    return _out(services.submit_claim(db.uow(), actor, claim_id))


@router.post("/expense-claims/{claim_id}/cancel", response_model=ClaimOut)
def cancel_claim(claim_id: int, body: CancelIn, db: DbDep, actor: ApiActor) -> ClaimOut:
    """取消 of an approved claim (経理): its entries reversed, the claim kept as ``cancelled``; 409 naming the payment
    run while it is in one, or once it is paid."""
    return _out(cancellation.cancel_claim(db.uow(), actor, claim_id, body.reason))


@router.put("/me/bank-account", status_code=204)
def save_bank_account(body: BankIn, db: DbDep, actor: ApiActor) -> None:
    services.save_bank_account(db.uow(), actor, actor.user_id or 0, services.BankInput(**body.model_dump()))

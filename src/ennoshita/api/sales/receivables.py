"""Receivables API: 売掛金年齢表 (aging by customer), 延滞一覧 (overdue invoices) and 消込取消 (un-match of a
confirmed deposit). Bank imports, proposals, matches and the receivables check are in
:mod:`ennoshita.api.sales.billing`.

Reads go through :mod:`ennoshita.sales.aging` (aggregated and paginated in SQL, checking ``sales.view``); the
un-match through :func:`ennoshita.sales.receivables.unmatch` (``sales.edit``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from ennoshita.api.deps import ApiActor, DbDep
from ennoshita.api.sales.orders import PageNo, PerPage
from ennoshita.api.views import ViewModel
from ennoshita.dates import today_tokyo
from ennoshita.sales import aging, customer_credit, receivables
from ennoshita.sales import settings as sales_settings
from ennoshita.sales.queries import PageRequest

router = APIRouter(tags=["sales"])

AsOf = Query(None, description="The date the receivables are aged at (YYYY-MM-DD); default today (Japan).")
PartnerFilter = Query(None, description="Only this customer.")


class BucketsOut(BaseModel):
    not_due: int = Field(description="未到来: not yet due (or due on the as-of date).")
    d1_30: int = Field(description="1-30 days past due.")
    d31_60: int
    d61_90: int
    over_90: int = Field(description="More than 90 days past due.")
    total: int


class AgingRowOut(BaseModel):
    partner_id: int
    partner_code: str
    partner_name: str
    buckets: BucketsOut


class AgingOut(BaseModel):
    as_of: dt.date
    items: list[AgingRowOut]
    total: int = Field(description="Customers with open receivables (over every page).")
    page: int
    per_page: int
    totals: BucketsOut = Field(description="Every customer, every page.")


class OverdueRowOut(ViewModel, view=aging.OverdueRow, exclude=("number",)):
    days_overdue: int = Field(description="経過日数 since the due date.")
    invoice_number: str


class OverdueOut(BaseModel):
    as_of: dt.date
    items: list[OverdueRowOut]
    total: int
    page: int
    per_page: int
    total_open: int = Field(description="The open amount over every page.")


class UnmatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=500, description="取消理由, kept in the audit trail.")


class ReopenedOut(BaseModel):
    invoice_id: int
    amount: int


class UnmatchOut(BaseModel):
    deposit_id: int
    reversal_entry_id: int
    reversal_entry_no: str
    reopened: list[ReopenedOut]


def _buckets(values: dict[str, int], total: int) -> BucketsOut:
    return BucketsOut(**{k: values[k] for k in aging.BUCKET_KEYS}, total=total)


@router.get("/receivables/aging", response_model=AgingOut)
def receivables_aging(db: DbDep, actor: ApiActor, as_of: dt.date | None = AsOf,
                      partner: int | None = PartnerFilter, page: int = PageNo, per_page: int = PerPage) -> AgingOut:
    """売掛金年齢表: each customer's open receivables by days past due as of the date, customers by code."""
    report = aging.aging(db.uow(), actor, as_of or today_tokyo(), PageRequest(page, per_page), partner)
    return AgingOut(as_of=report.as_of, total=report.page.total, page=report.page.page,
                    per_page=report.page.per_page, totals=_buckets(report.totals, report.totals["total"]),
                    items=[AgingRowOut(partner_id=r.partner_id, partner_code=r.partner_code,
                                       partner_name=r.partner_name, buckets=_buckets(r.buckets, r.total))
                           for r in report.page.rows])


@router.get("/receivables/overdue", response_model=OverdueOut)
def receivables_overdue(db: DbDep, actor: ApiActor, as_of: dt.date | None = AsOf,
                        partner: int | None = PartnerFilter, page: int = PageNo,
                        per_page: int = PerPage) -> OverdueOut:
    """延滞一覧: open invoices past their due date on the as-of date, oldest due date first."""
    found = aging.overdue(db.uow(), actor, as_of or today_tokyo(), PageRequest(page, per_page), partner)
    return OverdueOut(as_of=found.as_of, total=found.page.total, page=found.page.page,
                      per_page=found.page.per_page, total_open=found.total_open,
                      items=[OverdueRowOut(**asdict(r), invoice_number=r.number) for r in found.page.rows])


@router.post("/receipts/{deposit_id}/unmatch", response_model=UnmatchOut)
def unmatch(deposit_id: int, body: UnmatchIn, db: DbDep, actor: ApiActor) -> UnmatchOut:
    """消込取消: posts the 取消 of the match's journal entry, reopens the invoices by the amounts cleared and leaves
    the deposit unmatched (to be matched anew). 409 when the deposit is not matched."""
    result = receivables.unmatch(db.uow(), actor, deposit_id, body.reason)
    return UnmatchOut(deposit_id=result.deposit_id, reversal_entry_id=result.reversal_id,
                      reversal_entry_no=result.reversal_no,
                      reopened=[ReopenedOut(invoice_id=i, amount=a) for i, a in result.reopened])


# ---------------------------------------------------------------- matched deposits, 仮受金, settings, credits


class MatchedDepositOut(ViewModel, view=receivables.MatchedView, exclude=("matched_at",), defaults=False):
    invoices: list[ReopenedOut]
    fee_treatment: str | None = Field(description="How the fee was booked: sales_discount / transfer_fee.")
    status: str = Field(description="matched (消込済) or booked (振替: another account, e.g. 仮受金 2210).")
    to_credit: int = Field(description="Kept as the customer's credit balance (前受金).")


@router.get("/receipts/matched", response_model=list[MatchedDepositOut])
def matched_deposits(db: DbDep, actor: ApiActor,
                     limit: int = Query(100, ge=1, le=1000)) -> list[MatchedDepositOut]:
    """The latest matched or booked deposits, with their fee treatment and what they left as credit."""
    return [MatchedDepositOut(**{**asdict(m), "invoices": [ReopenedOut(invoice_id=i, amount=a)
                                                           for i, _, a in m.invoices]})
            for m in receivables.matched(db.uow(), actor, limit)]


class BookIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    memo: str = Field(min_length=1, max_length=200, description="摘要: what is known of the deposit.")
    account: str = Field(receivables.CODE_SUSPENSE_RECEIPTS, max_length=10,
                         description="Account code credited; default 2210 仮受金.")


class BookOut(BaseModel):
    deposit_id: int
    journal_entry_no: str


@router.post("/receipts/{deposit_id}/book", response_model=BookOut)
def book_deposit(deposit_id: int, body: BookIn, db: DbDep, actor: ApiActor) -> BookOut:
    """A deposit nothing matches (該当なし) booked to another account (仮受金 by default) with a memo; undone with
    /unmatch like a match."""
    return BookOut(deposit_id=deposit_id, journal_entry_no=receivables.book_deposit(
        db.uow(), actor, deposit_id, body.memo, body.account))


class SalesSettingsIO(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fee_treatment: str | None = Field(None, description="A transfer fee the customer deducted: sales_discount "
                                                        "(売上値引, default) or transfer_fee (支払手数料).")
    revenue_recognition: str | None = Field(None, description="delivery (出荷基準: each delivery posts its sale on "
                                                              "its date, default) or invoice (on the invoice).")


def _settings_out(found: sales_settings.SalesSettings) -> SalesSettingsIO:
    return SalesSettingsIO(fee_treatment=found.fee_treatment, revenue_recognition=found.revenue_recognition)


@router.get("/sales/settings", response_model=SalesSettingsIO)
def get_sales_settings(db: DbDep, actor: ApiActor) -> SalesSettingsIO:
    return _settings_out(sales_settings.get_settings(db.uow(), actor))


@router.put("/sales/settings", response_model=SalesSettingsIO)
def put_sales_settings(body: SalesSettingsIO, db: DbDep, actor: ApiActor) -> SalesSettingsIO:
    """Change the settings given (the others are kept)."""
    return _settings_out(sales_settings.update_settings(db.uow(), actor, body.fee_treatment,
                                                        body.revenue_recognition))


class CreditMovementOut(ViewModel, view=customer_credit.CreditMovement):
    kind: str = Field(description="credit_note / overpayment (+), applied / refund (-).")


class CreditOut(ViewModel, view=customer_credit.CreditBalance):
    balance: int = Field(description="預り残高: what the company owes the customer (前受金).")
    movements: list[CreditMovementOut]


@router.get("/partners/{partner_id}/credit", response_model=CreditOut)
def partner_credit(partner_id: int, db: DbDep, actor: ApiActor) -> CreditOut:
    found = customer_credit.credit_of(db.uow(), actor, partner_id)
    return CreditOut(partner_id=partner_id, balance=found.balance, movements=[
        CreditMovementOut.model_validate(m, from_attributes=True) for m in found.movements])


class RefundIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: int = Field(gt=0)
    date: dt.date
    memo: str = Field("", max_length=200)


class RefundOut(BaseModel):
    partner_id: int
    journal_entry_no: str


@router.post("/partners/{partner_id}/credit/refund", response_model=RefundOut)
def refund_credit(partner_id: int, body: RefundIn, db: DbDep, actor: ApiActor) -> RefundOut:
    """返金: pay (part of) the customer's credit balance back (前受金 / 普通預金)."""
    return RefundOut(partner_id=partner_id, journal_entry_no=customer_credit.refund_credit(
        db.uow(), actor, partner_id, body.amount, body.date, body.memo))


class ApplyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    date: dt.date


class AppliedOut(BaseModel):
    partner_id: int
    applied: int


@router.post("/partners/{partner_id}/credit/apply", response_model=AppliedOut)
def apply_credit(partner_id: int, body: ApplyIn, db: DbDep, actor: ApiActor) -> AppliedOut:
    """Apply the customer's credit balance to its open invoices now (the 締め請求 does it for new invoices)."""
    return AppliedOut(partner_id=partner_id, applied=customer_credit.apply_credit(db.uow(), actor, partner_id,
                                                                                 body.date))

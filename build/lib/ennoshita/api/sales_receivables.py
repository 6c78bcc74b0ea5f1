"""Receivables API: 売掛金年齢表 (aging by customer), 延滞一覧 (overdue invoices) and 消込取消 (un-match of a
confirmed deposit). Bank imports, proposals, matches and the receivables check are in
:mod:`ennoshita.api.sales_billing`.

Reads go through :mod:`ennoshita.sales.aging` (aggregated and paginated in SQL, checking ``sales.view``); the
un-match through :func:`ennoshita.sales.receivables.unmatch` (``sales.edit``).
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from ennoshita.api.deps import ApiActor, DbDep
from ennoshita.api.sales import PageNo, PerPage
from ennoshita.dates import today_tokyo
from ennoshita.sales import aging, receivables
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


class OverdueRowOut(BaseModel):
    invoice_id: int
    invoice_number: str
    partner_id: int
    partner_name: str
    due_date: dt.date
    days_overdue: int = Field(description="経過日数 since the due date.")
    bucket: str
    open_amount: int


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
                      items=[OverdueRowOut(invoice_id=r.invoice_id, invoice_number=r.number, partner_id=r.partner_id,
                                           partner_name=r.partner_name, due_date=r.due_date,
                                           days_overdue=r.days_overdue, bucket=r.bucket, open_amount=r.open_amount)
                             for r in found.page.rows])


@router.post("/receipts/{deposit_id}/unmatch", response_model=UnmatchOut)
def unmatch(deposit_id: int, body: UnmatchIn, db: DbDep, actor: ApiActor) -> UnmatchOut:
    """消込取消: posts the 取消 of the match's journal entry, reopens the invoices by the amounts cleared and leaves
    the deposit unmatched (to be matched anew). 409 when the deposit is not matched."""
    result = receivables.unmatch(db.uow(), actor, deposit_id, body.reason)
    return UnmatchOut(deposit_id=result.deposit_id, reversal_entry_id=result.reversal_id,
                      reversal_entry_no=result.reversal_no,
                      reopened=[ReopenedOut(invoice_id=i, amount=a) for i, a in result.reopened])

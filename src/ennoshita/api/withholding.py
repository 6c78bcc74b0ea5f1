"""/api/v1/withholding: the 源泉所得税 納付 list (所得税徴収高計算書 figures), 納付 and its 取消, and the 支払調書 of a
year."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from ennoshita.api.deps import ApiActor, DbDep
from ennoshita.api.views import ViewModel
from ennoshita.withholding import services

router = APIRouter(tags=["withholding"])


class CategoryOut(ViewModel, view=services.CategoryFigures):
    category: str = Field(description="professional, design, manuscript, lecture or salary.")
    people: int = Field(description="人員: distinct payees.")
    amount: int = Field(description="支給額.")
    tax: int = Field(description="税額.")


class DueOut(ViewModel, view=services.DueGroup):
    due_date: dt.date = Field(description="納期限.")
    categories: list[CategoryOut]


class PayIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    due_date: dt.date
    paid_date: dt.date


class PaidOut(ViewModel, view=services.RemittanceResult, exclude=("entry_no",)):
    journal_entry: str


class CancelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field("", max_length=200, description="Why (kept in the audit trail and the reversal).")


class CancelledOut(ViewModel, view=services.CancelResult, exclude=("reversal_entry_no",)):
    items: int = Field(description="The withheld items unpaid again.")
    reversal_entry: str


class StatementOut(ViewModel, view=services.PayeeStatement):
    paid: int = Field(description="支払金額 of the year (支払確定日 = bill date).")
    tax: int = Field(description="源泉徴収税額.")
    unpaid: int = Field(description="うち未払金額 at the year end.")
    submit: bool = Field(description="Over the ¥50,000 threshold: submitted to the tax office.")


class SummaryOut(ViewModel, view=services.SummaryTotals):
    pass


class StatementsOut(BaseModel):
    year: int
    items: list[StatementOut]
    summary: SummaryOut = Field(description="法定調書合計表 figures (報酬、料金、契約金及び賞金).")


@router.get("/withholding/remittances", response_model=list[DueOut])
def remittances(db: DbDep, actor: ApiActor, year: int | None = Query(None, ge=2000, le=2100)) -> list[DueOut]:
    """源泉所得税 納付 list: per 納期限, the 所得税徴収高計算書 figures per category, paid or not."""
    return [DueOut.model_validate(g, from_attributes=True) for g in services.remittance_list(db.uow(), actor, year)]


@router.post("/withholding/remittances", response_model=PaidOut, status_code=201)
def pay(body: PayIn, db: DbDep, actor: ApiActor) -> PaidOut:
    """納付: what is due on ``due_date``, paid on ``paid_date``; posts 預り金(源泉所得税) / 普通預金."""
    r = services.pay_remittance(db.uow(), actor, body.due_date, body.paid_date)
    return PaidOut(id=r.id, due_date=r.due_date, paid_date=r.paid_date, total=r.total, journal_entry=r.entry_no)


@router.post("/withholding/remittances/{remittance_id}/cancel", response_model=CancelledOut)
def cancel(remittance_id: int, body: CancelIn, db: DbDep, actor: ApiActor) -> CancelledOut:
    """納付の取消 (``remittance_id`` of the 納付 list): the 納付 entry reversed, the withheld tax unpaid again."""
    r = services.cancel_remittance(db.uow(), actor, remittance_id, body.reason)
    return CancelledOut(id=r.id, due_date=r.due_date, total=r.total, items=r.items, reversal_entry=r.reversal_entry_no)


@router.get("/withholding/statements", response_model=StatementsOut)
def statements(db: DbDep, actor: ApiActor, year: int = Query(ge=2000, le=2100)) -> StatementsOut:
    """報酬、料金、契約金及び賞金の支払調書 of a calendar year, and the 合計表 figures."""
    rows, totals = services.payee_statements(db.uow(), actor, year)
    return StatementsOut(year=year, items=[StatementOut(**vars(p)) for p in rows],
                         summary=SummaryOut(**vars(totals)))

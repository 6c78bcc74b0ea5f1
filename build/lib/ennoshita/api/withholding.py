"""/api/v1/withholding: the 源泉所得税 納付 list (所得税徴収高計算書 figures), 納付, and the 支払調書 of a year."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from ennoshita.api.deps import ApiActor, DbDep
from ennoshita.withholding import services

router = APIRouter(tags=["withholding"])


class CategoryOut(BaseModel):
    category: str = Field(description="professional, design, manuscript, lecture or salary.")
    people: int = Field(description="人員: distinct payees.")
    amount: int = Field(description="支給額.")
    tax: int = Field(description="税額.")


class DueOut(BaseModel):
    due_date: dt.date = Field(description="納期限.")
    categories: list[CategoryOut]
    total: int
    remittance_id: int | None
    paid_date: dt.date | None


class PayIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    due_date: dt.date
    paid_date: dt.date


class PaidOut(BaseModel):
    id: int
    due_date: dt.date
    paid_date: dt.date
    total: int
    journal_entry: str


class StatementOut(BaseModel):
    payee_id: int
    payee_name: str
    address: str
    category: str
    paid: int = Field(description="支払金額 of the year (支払確定日 = bill date).")
    tax: int = Field(description="源泉徴収税額.")
    unpaid: int = Field(description="うち未払金額 at the year end.")
    unpaid_tax: int
    submit: bool = Field(description="Over the ¥50,000 threshold: submitted to the tax office.")


class SummaryOut(BaseModel):
    people: int
    amount: int
    tax: int
    submitted_people: int
    submitted_amount: int
    submitted_tax: int


class StatementsOut(BaseModel):
    year: int
    items: list[StatementOut]
    summary: SummaryOut = Field(description="法定調書合計表 figures (報酬、料金、契約金及び賞金).")


@router.get("/withholding/remittances", response_model=list[DueOut])
def remittances(db: DbDep, actor: ApiActor, year: int | None = Query(None, ge=2000, le=2100)) -> list[DueOut]:
    """源泉所得税 納付 list: per 納期限, the 所得税徴収高計算書 figures per category, paid or not."""
    return [DueOut(due_date=g.due_date, categories=[CategoryOut(category=c.category, people=c.people,
                                                                amount=c.amount, tax=c.tax) for c in g.categories],
                   total=g.total, remittance_id=g.remittance_id, paid_date=g.paid_date)
            for g in services.remittance_list(db.uow(), actor, year)]


@router.post("/withholding/remittances", response_model=PaidOut, status_code=201)
def pay(body: PayIn, db: DbDep, actor: ApiActor) -> PaidOut:
    """納付: what is due on ``due_date``, paid on ``paid_date``; posts 預り金(源泉所得税) / 普通預金."""
    r = services.pay_remittance(db.uow(), actor, body.due_date, body.paid_date)
    return PaidOut(id=r.id, due_date=r.due_date, paid_date=r.paid_date, total=r.total, journal_entry=r.entry_no)


@router.get("/withholding/statements", response_model=StatementsOut)
def statements(db: DbDep, actor: ApiActor, year: int = Query(ge=2000, le=2100)) -> StatementsOut:
    """報酬、料金、契約金及び賞金の支払調書 of a calendar year, and the 合計表 figures."""
    rows, totals = services.payee_statements(db.uow(), actor, year)
    return StatementsOut(year=year, items=[StatementOut(**vars(p)) for p in rows],
                         summary=SummaryOut(**vars(totals)))

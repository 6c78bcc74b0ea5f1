"""給与 API (/api/v1/payroll/...): the pure calculators, pay setup, runs (create, compute, check, approve, the 全銀
給与振込 file), payslips (one's own for everyone; all for 人事/経理) and the 賃金台帳. A thin adapter over
:mod:`ennoshita.payroll.services` and ``queries``, which check every permission."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from ennoshita.actor import Actor
from ennoshita.api.deps import ApiActor, DbDep
from ennoshita.api.views import ViewModel
from ennoshita.payroll import queries, services, social, tables, withholding
from ennoshita.payroll import remittances as payroll_remittances
from ennoshita.security.files import content_disposition

router = APIRouter(prefix="/payroll", tags=["payroll"])


class WithholdingOut(BaseModel):
    date: dt.date
    pay: int
    dependents: int
    otsu: bool
    method: str
    tax: int


@router.get("/withholding", response_model=WithholdingOut)
def withholding_tax(_actor: ApiActor, date: dt.date, pay: int = Query(ge=0), dependents: int = Query(0, ge=0),
                    otsu: bool = False, method: Literal["computer", "table"] = "computer") -> WithholdingOut:
    """Monthly 源泉所得税 for a month's pay after social insurance (甲欄 電算機計算の特例 by default)."""
    tax = withholding.monthly_tax(withholding.WithholdingInput(date, pay, dependents, otsu,
                                                               withholding.Method(method)))
    return WithholdingOut(date=date, pay=pay, dependents=dependents, otsu=otsu, method=method, tax=tax)


class SocialOut(BaseModel):
    prefecture: str
    health_grade: int
    health_standard: int
    pension_grade: int
    pension_standard: int
    health: int
    care_included: bool
    support: int
    pension: int
    employment: int
    employee_total: int
    employer_total: int


@router.get("/social-insurance", response_model=SocialOut)
def social_insurance(_actor: ApiActor, date: dt.date, prefecture: int, pay: int = Query(ge=0),
                     age: int = Query(ge=0), business_type: str = "general") -> SocialOut:
    care = social.care_applies_at_age(age)
    name = tables.prefecture_name(prefecture)
    h, p = social.health_grade(date, pay), social.pension_grade(date, pay)
    prem = social.monthly_premiums(date, prefecture, pay, care=care)
    emp = social.employment_premium(date, pay, business_type)
    return SocialOut(prefecture=name, health_grade=h.grade, health_standard=h.amount, pension_grade=p.grade,
                     pension_standard=p.amount, health=prem.health, care_included=care, support=prem.support,
                     pension=prem.pension, employment=emp.employee,
                     employee_total=prem.employee_total + emp.employee,
                     employer_total=prem.employer_total + emp.employer)


class ProfileIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pay_type: Literal["monthly", "daily", "hourly"] | None = None
    base_amount: int | None = Field(None, ge=0)
    allowances: list[dict[str, Any]] | None = None
    commute_allowance: int | None = Field(None, ge=0)
    commute_nontaxable_limit: int | None = Field(None, ge=0, description="own limit; can only lower the statutory one")
    commute_means: Literal["transit", "vehicle"] | None = Field(
        None, description="transit: 交通機関 (150,000/月); vehicle: 交通用具, limit by one-way distance")
    commute_distance: str | None = Field(None, description='片道の通勤距離 km, e.g. "12.5" (vehicle)')
    resident_leaver_choice: Literal["", "lump_sum", "ordinary"] | None = Field(
        None, description="退職時の住民税: '' law's default, lump_sum 一括徴収 (申出), ordinary 普通徴収")
    has_declaration: bool | None = Field(None, description="扶養控除等申告書 filed (甲欄); false → 乙欄")
    dependents: int | None = Field(None, ge=0)
    declaration: dict[str, Any] | None = None
    health_insurer: Literal["kyokai", "union"] | None = None
    union_health_rate: str | None = None
    union_care_rate: str | None = None
    prefecture: int | None = Field(None, ge=1, le=47)
    health_member: bool | None = None
    pension_member: bool | None = None
    standard_remuneration: int | None = Field(None, ge=0)
    employment_insured: bool | None = None
    employment_business_type: Literal["general", "agriculture", "construction"] | None = None
    resident_tax_mode: Literal["special", "none"] | None = None
    resident_tax: dict[str, int] | None = Field(None, description='{"2026-06": 8700, ...} by pay month')
    resident_municipality: str | None = None
    bank_code: str | None = Field(None, description="給与振込口座 when the employee has no login account")
    branch_code: str | None = None
    account_type: Literal["ordinary", "checking", "savings"] | None = None
    account_number: str | None = None
    holder_kana: str | None = None
    health_union_id: int | None = Field(None, description="健康保険組合 (with health_insurer=union)")
    effective_from: dt.date | None = Field(None, description="適用開始 of a change in fixed wages (default today)")


@router.put("/profiles/{employee_id}")
def save_profile(employee_id: int, body: ProfileIn, db: DbDep, actor: ApiActor) -> dict[str, Any]:
    values = body.model_dump(exclude_none=True, exclude={"effective_from"})
    view = services.save_profile(db.uow(), actor, employee_id, values, effective_from=body.effective_from)
    return {"employee_id": view.employee_id, **view.values}


class RunIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["monthly", "bonus"] = "monthly"
    year: int
    month: int = Field(ge=1, le=12)
    pay_date: dt.date | None = None
    bonus_amounts: dict[int, int] | None = Field(None, description="{employee_id: amount} for a bonus run")
    corrects_id: int | None = None
    title: str = ""
    year_end: bool = Field(False, description="Settle the 年末調整 in this run (a monthly run paid in December).")


class RunOut(ViewModel, view=services.RunView, exclude=("prepared_by",)):
    paid_date: dt.date | None = Field(None, description="支払済: the day the net pay left the bank")
    paid_amount: int | None = Field(None, description="what this run paid (a correction: the difference)")


def _run(actor: Actor, v: services.RunView) -> RunOut:
    """The run, its ``title`` its name in the caller's language (a run nobody named is named from its month)."""
    return RunOut.model_validate(v, from_attributes=True).model_copy(update={"title": v.name(actor.language)})


@router.post("/runs", response_model=RunOut, status_code=201)
def create_run(body: RunIn, db: DbDep, actor: ApiActor) -> RunOut:
    return _run(actor, services.create_run(db.uow(), actor, kind=body.kind, year=body.year, month=body.month,
                                    pay_date=body.pay_date, bonus_amounts=body.bonus_amounts,
                                    corrects_id=body.corrects_id, title=body.title, year_end=body.year_end))


class RunPageOut(BaseModel):
    items: list[RunOut]
    total: int


@router.get("/runs", response_model=RunPageOut)
def list_runs(db: DbDep, actor: ApiActor, limit: int = Query(50, ge=1, le=500),
              offset: int = Query(0, ge=0)) -> RunPageOut:
    rows, total = services.list_runs(db.uow(), actor, limit=limit, offset=offset)
    return RunPageOut(items=[_run(actor, r) for r in rows], total=total)


@router.get("/runs/{run_id}", response_model=RunOut)
def get_run(run_id: int, db: DbDep, actor: ApiActor) -> RunOut:
    return _run(actor, services.get_run(db.uow(), actor, run_id))


@router.post("/runs/{run_id}/compute", response_model=RunOut)
def compute_run(run_id: int, db: DbDep, actor: ApiActor) -> RunOut:
    return _run(actor, services.compute_run(db.uow(), actor, run_id))


@router.post("/runs/{run_id}/check", response_model=RunOut)
def check_run(run_id: int, db: DbDep, actor: ApiActor) -> RunOut:
    return _run(actor, services.check_run(db.uow(), actor, run_id))


@router.post("/runs/{run_id}/approve", response_model=RunOut)
def approve_run(run_id: int, db: DbDep, actor: ApiActor) -> RunOut:
    return _run(actor, services.approve_run(db.uow(), actor, run_id))


class PaidIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    paid_date: dt.date | None = Field(None, description="the day the net pay left the bank (default: pay date)")


@router.post("/runs/{run_id}/paid", response_model=RunOut)
def mark_run_paid(run_id: int, db: DbDep, actor: ApiActor, body: PaidIn | None = None) -> RunOut:
    """支払済: posts 未払金 / 普通預金 for the run's net pay (a correction: the difference)."""
    return _run(actor, services.mark_run_paid(db.uow(), actor, run_id, body.paid_date if body else None))


@router.get("/runs/{run_id}/zengin")
def zengin_file(run_id: int, db: DbDep, actor: ApiActor) -> Response:
    content = services.export_zengin(db.uow(), actor, run_id)
    return Response(content, media_type="text/plain; charset=shift_jis",
                    headers={"Content-Disposition": content_disposition(f"kyuyo-{run_id}.txt", "attachment")})


class SlipOut(ViewModel, view=queries.SlipView, exclude=(
        "run_title", "kind", "status", "period_start", "period_end", "department", "attendance", "health_basis",
        "taxable_after_insurance")):
    pass


def _slip(v: queries.SlipView) -> SlipOut:
    return SlipOut.model_validate(v, from_attributes=True)


class SlipPageOut(BaseModel):
    items: list[SlipOut]
    total: int


@router.get("/runs/{run_id}/slips", response_model=SlipPageOut)
def run_slips(run_id: int, db: DbDep, actor: ApiActor, limit: int = Query(100, ge=1, le=1000),
              offset: int = Query(0, ge=0)) -> SlipPageOut:
    rows, total = queries.run_slips(db.uow(), actor, run_id, limit=limit, offset=offset)
    return SlipPageOut(items=[_slip(r) for r in rows], total=total)


@router.get("/my-slips", response_model=list[SlipOut])
def my_slips(db: DbDep, actor: ApiActor) -> list[SlipOut]:
    return [_slip(v) for v in queries.my_slips(db.uow(), actor)]


@router.get("/slips/{slip_id}", response_model=SlipOut)
def get_slip(slip_id: int, db: DbDep, actor: ApiActor) -> SlipOut:
    return _slip(queries.get_slip(db.uow(), actor, slip_id))


class WageLedgerOut(ViewModel, view=queries.WageLedger):
    rows: list[SlipOut]


@router.get("/wage-ledger/{employee_id}", response_model=WageLedgerOut)
def wage_ledger(employee_id: int, year: int, db: DbDep, actor: ApiActor) -> WageLedgerOut:
    w = queries.wage_ledger(db.uow(), actor, employee_id, year)
    return WageLedgerOut.model_validate(w, from_attributes=True)


class TaxPaymentOut(ViewModel, view=queries.TaxPayment):
    pass


@router.get("/tax-payments", response_model=list[TaxPaymentOut])
def tax_payments(year: int, db: DbDep, actor: ApiActor) -> list[TaxPaymentOut]:
    """源泉所得税 and 住民税 to pay over, by month (and municipality), with the due dates."""
    return [TaxPaymentOut.model_validate(p, from_attributes=True) for p in queries.tax_payments(db.uow(), actor, year)]


RemittanceKind = Literal["income_tax", "resident_tax", "social_insurance", "labour_insurance"]


class RemittanceOut(ViewModel, view=payroll_remittances.RemittanceView):
    month: str = Field(description="the pay month (2026-11); for labour_insurance the 労働保険年度 (2026: pay dates "
                                   "April 2026 to March 2027)")
    kind: RemittanceKind


def _remittance(r: payroll_remittances.RemittanceView) -> RemittanceOut:
    return RemittanceOut.model_validate(r, from_attributes=True)


@router.get("/remittances", response_model=list[RemittanceOut])
def remittances(year: int, db: DbDep, actor: ApiActor) -> list[RemittanceOut]:
    """納付一覧: per pay month and kind what the fixed runs withheld (and owe as employer), due when, paid or not; the
    労働保険料 (雇用保険分) per 労働保険年度, due 10 July of the next year (年度更新)."""
    return [_remittance(r) for r in payroll_remittances.remittances(db.uow(), actor, year)]


class RemittanceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    month: str = Field(pattern=r"^\d{4}(-\d{2})?$",
                       description="the pay month, 2026-11; for labour_insurance the 労働保険年度, 2026")
    kind: RemittanceKind
    paid_date: dt.date | None = Field(None, description="default: the 納期限")


@router.post("/remittances", response_model=RemittanceOut, status_code=201)
def pay_remittance(body: RemittanceIn, db: DbDep, actor: ApiActor) -> RemittanceOut:
    """納付済: posts 預り金 (and 未払費用 for the employer's 社会保険料 or 雇用保険料) / 普通預金."""
    return _remittance(payroll_remittances.pay_remittance(db.uow(), actor, body.month, body.kind, body.paid_date))


class TeijiOut(ViewModel, view=queries.TeijiRow):
    pass


@router.get("/teiji", response_model=list[TeijiOut])
def teiji(year: int, db: DbDep, actor: ApiActor) -> list[TeijiOut]:
    """算定基礎届: the April-June pay of each insured employee and the grade it gives from September."""
    return [TeijiOut(**r.__dict__) for r in queries.teiji_list(db.uow(), actor, year)]


class WithholdingSlipOut(ViewModel, view=queries.WithholdingSlip, exclude=("year", "income_adjustment")):
    pass


class WithholdingSummaryOut(ViewModel, view=queries.WithholdingSummary):
    rows: list[WithholdingSlipOut]


@router.get("/withholding-summary", response_model=WithholdingSummaryOut)
def withholding_summary(year: int, db: DbDep, actor: ApiActor) -> WithholdingSummaryOut:
    """源泉徴収票 figures of everyone adjusted in ``year`` and the 法定調書合計表 totals."""
    w = queries.withholding_summary(db.uow(), actor, year)
    return WithholdingSummaryOut.model_validate(w, from_attributes=True)

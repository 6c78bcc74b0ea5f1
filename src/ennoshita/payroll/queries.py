"""Read models for payroll: a run's slips, one payslip (for its employee or for 人事/経理), 賃金台帳 (労基法 108条:
per employee per calendar year, every fixed payment with its figures), and an employee's own payslips."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import String, select

from ennoshita.actor import Actor
from ennoshita.dates import check_year
from ennoshita.db import UnitOfWork
from ennoshita.errors import Forbidden, NotFound
from ennoshita.hr.models import Employee
from ennoshita.identity.roles import can, require
from ennoshita.payroll import titles
from ennoshita.payroll.models import PayRun, Payslip


@dataclass(frozen=True)
class SlipView:
    id: int
    run_id: int
    run_number: str
    run_title: str
    kind: str
    status: str
    pay_date: dt.date
    period_start: dt.date
    period_end: dt.date
    employee_id: int
    employee_number: str
    name: str
    department: str
    tax_column: str
    dependents: int
    earnings: list[dict[str, Any]]
    deductions: list[dict[str, Any]]
    attendance: dict[str, Any]
    gross: int
    social_total: int
    income_tax: int
    resident_tax: int
    deduction_total: int
    net: int
    health_basis: int
    taxable_after_insurance: int

    def run_name(self, lang: str) -> str:
        """The run's name for a reader in ``lang`` (``run_title`` is its own name, "" when nobody named it)."""
        return titles.run_title(lang, self.run_title, self.kind, self.period_end, self.pay_date)


def _slip_view(p: Payslip, r: PayRun) -> SlipView:
    own_title = titles.stored_title(r.title, r.kind, r.period_end, r.pay_date)
    return SlipView(p.id, r.id, r.number, own_title, r.kind, r.status, r.pay_date, r.period_start, r.period_end,
                    p.employee_id, p.employee_number, p.name, p.department, p.tax_column, p.dependents,
                    list(p.earnings or []), list(p.deductions or []), dict(p.attendance or {}), p.gross,
                    p.social_total, p.income_tax, p.resident_tax, p.deduction_total, p.net, p.health_basis,
                    p.taxable_after_insurance)


def run_slips(uow: UnitOfWork, actor: Actor, run_id: int, *, limit: int = 100,
              offset: int = 0) -> tuple[list[SlipView], int]:
    require(actor, "payroll.view")
    from sqlalchemy import func

    with uow:
        s = uow.session
        run = s.get(PayRun, run_id)
        if run is None:
            raise NotFound("payroll.error.run", field="run_id", id=run_id)
        total = s.scalar(select(func.count()).select_from(Payslip).where(Payslip.run_id == run_id)) or 0
        rows = s.scalars(select(Payslip).where(Payslip.run_id == run_id).order_by(Payslip.employee_number)
                         .limit(limit).offset(offset))
        return [_slip_view(p, run) for p in rows], int(total)


def _own_employee_id(uow_session: Any, actor: Actor) -> int | None:
    if actor.user_id is None:
        return None
    return uow_session.scalar(select(Employee.id).where(Employee.user_id == actor.user_id))  # type: ignore[no-any-return]


def get_slip(uow: UnitOfWork, actor: Actor, slip_id: int) -> SlipView:
    """A payslip: its own employee sees it once the run is fixed; 人事/経理/監査 see every slip."""
    with uow:
        s = uow.session
        p = s.get(Payslip, slip_id)
        if p is None:
            raise NotFound("payroll.error.slip", field="slip_id", id=slip_id)
        run = s.get(PayRun, p.run_id)
        assert run is not None
        if not can(actor, "payroll.view"):
            if _own_employee_id(s, actor) != p.employee_id or run.status != "fixed":
                raise Forbidden("payroll.error.not_yours", field="slip_id")
        return _slip_view(p, run)


def my_slips(uow: UnitOfWork, actor: Actor, *, limit: int = 24) -> list[SlipView]:
    """The actor's own payslips of fixed runs, newest first (self-service)."""
    with uow:
        s = uow.session
        employee_id = _own_employee_id(s, actor)
        if employee_id is None:
            return []
        rows = s.execute(select(Payslip, PayRun).join(PayRun, PayRun.id == Payslip.run_id)
                         .where(Payslip.employee_id == employee_id, PayRun.status == "fixed")
                         .order_by(PayRun.pay_date.desc(), PayRun.id.desc()).limit(limit)).all()
        return [_slip_view(p, r) for p, r in rows]


@dataclass(frozen=True)
class WageLedger:
    employee_id: int
    employee_number: str
    name: str
    year: int
    rows: list[SlipView]
    total_gross: int
    total_social: int
    total_income_tax: int
    total_resident_tax: int
    total_net: int


def wage_ledger(uow: UnitOfWork, actor: Actor, employee_id: int, year: int) -> WageLedger:
    """賃金台帳: every fixed payment (給与 and 賞与) of ``year`` by pay date, with the year's totals."""
    check_year(year)
    require(actor, "payroll.view")
    with uow:
        s = uow.session
        e = s.get(Employee, employee_id)
        if e is None:
            raise NotFound("payroll.error.employee", field="employee_id", id=employee_id)
        corrected = select(PayRun.corrects_id).where(PayRun.status == "fixed", PayRun.corrects_id.is_not(None))
        rows = s.execute(select(Payslip, PayRun).join(PayRun, PayRun.id == Payslip.run_id)
                         .where(Payslip.employee_id == employee_id, PayRun.status == "fixed",
                                PayRun.id.not_in(corrected),
                                PayRun.pay_date >= dt.date(year, 1, 1), PayRun.pay_date <= dt.date(year, 12, 31))
                         .order_by(PayRun.pay_date, PayRun.id)).all()
        views = [_slip_view(p, r) for p, r in rows]
        number, name = e.employee_number, e.name
    return WageLedger(employee_id, number, name, year, views, sum(v.gross for v in views),
                      sum(v.social_total for v in views), sum(v.income_tax for v in views),
                      sum(v.resident_tax for v in views), sum(v.net for v in views))


# --- 納付 (what the company pays over) -----------------------------------------------------------------


@dataclass(frozen=True)
class TaxPayment:
    period: str  # "2026-11" (the pay month) or "2026-01..2026-06" under the 納期の特例
    kind: str  # "income_tax" (源泉所得税) / "resident_tax" (住民税 特別徴収)
    municipality: str
    people: int
    amount: int
    due: dt.date


def _due(day: dt.date) -> dt.date:
    """A 納期限 on a Saturday, Sunday or holiday moves to the next business day (国税通則法 10条2項,
    地方税法 20条の5)."""
    from ennoshita.dates import HolidayShift, shift_to_business_day

    return shift_to_business_day(day, HolidayShift.NEXT)


def tax_payments(uow: UnitOfWork, actor: Actor, year: int) -> list[TaxPayment]:
    """源泉所得税 withheld in each pay month of ``year`` (due the 10th of the next month, or under the 納期の特例
    10 July for January-June and 20 January for July-December), and 住民税 per municipality and month (due the
    10th of the next month), from fixed runs."""
    check_year(year)
    from sqlalchemy import func

    from ennoshita.payroll.models import PayrollSettings

    require(actor, "payroll.view")
    with uow:
        s = uow.session
        settings = s.get(PayrollSettings, 1)
        special = bool(settings and settings.special_payment_deadline)
        month = func.substr(func.cast(PayRun.pay_date, String(10)), 1, 7)
        corrected = select(PayRun.corrects_id).where(PayRun.status == "fixed", PayRun.corrects_id.is_not(None))
        base = (select(month, Payslip.resident_municipality, func.count(Payslip.id), func.sum(Payslip.income_tax),
                       func.sum(Payslip.resident_tax))
                .join(PayRun, PayRun.id == Payslip.run_id)
                .where(PayRun.status == "fixed", PayRun.id.not_in(corrected),
                       PayRun.pay_date >= dt.date(year, 1, 1), PayRun.pay_date <= dt.date(year, 12, 31))
                .group_by(month, Payslip.resident_municipality).order_by(month, Payslip.resident_municipality))
        rows = s.execute(base).all()
    income: dict[str, list[int]] = {}
    out: list[TaxPayment] = []
    for ym, municipality, people, tax, resident in rows:
        y, m = int(ym[:4]), int(ym[5:7])
        key = (f"{y}-01..{y}-06" if m <= 6 else f"{y}-07..{y}-12") if special else ym
        acc = income.setdefault(key, [0, 0, m])
        acc[0] += int(people)
        acc[1] += int(tax or 0)
        if int(resident or 0):
            ny, nm = (y + 1, 1) if m == 12 else (y, m + 1)
            out.append(TaxPayment(ym, "resident_tax", municipality or "", int(people), int(resident),
                                  _due(dt.date(ny, nm, 10))))
    for key, (people, tax, m) in income.items():
        if special:
            due = dt.date(year, 7, 10) if m <= 6 else dt.date(year + 1, 1, 20)
        else:
            ny, nm = (year + 1, 1) if m == 12 else (year, m + 1)
            due = dt.date(ny, nm, 10)
        out.append(TaxPayment(key, "income_tax", "", people, tax, _due(due)))
    return sorted(out, key=lambda p: (p.due, p.kind, p.municipality))


# --- 算定基礎届 (定時決定) ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeijiRow:
    employee_id: int
    employee_number: str
    name: str
    months: list[tuple[str, int, int]]  # (pay month, 報酬, 支払基礎日数)
    current_grade: int
    current_amount: int
    new_grade: int | None
    new_amount: int | None
    average: int | None


def teiji_list(uow: UnitOfWork, actor: Actor, year: int) -> list[TeijiRow]:
    """算定基礎届: for every employee paid in April, May or June of ``year`` by a fixed monthly run, the 報酬 of
    each month (総支給額), the 支払基礎日数 (calendar days of the period less unpaid absence for monthly pay; days
    worked plus paid leave otherwise), and the grade it gives from September (``revisions.teiji``)."""
    check_year(year)
    from ennoshita.payroll import revisions, social
    from ennoshita.payroll.models import PayProfile

    require(actor, "payroll.view")
    with uow:
        s = uow.session
        corrected = select(PayRun.corrects_id).where(PayRun.status == "fixed", PayRun.corrects_id.is_not(None))
        rows = s.execute(select(Payslip, PayRun, PayProfile).join(PayRun, PayRun.id == Payslip.run_id)
                         .join(PayProfile, PayProfile.employee_id == Payslip.employee_id)
                         .where(PayRun.status == "fixed", PayRun.kind == "monthly", PayRun.id.not_in(corrected),
                                PayRun.pay_date >= dt.date(year, 4, 1), PayRun.pay_date <= dt.date(year, 6, 30))
                         .order_by(Payslip.employee_number, PayRun.pay_date)).all()
        by: dict[int, list[tuple[Payslip, PayRun, PayProfile]]] = {}
        for p, r, prof in rows:
            by.setdefault(p.employee_id, []).append((p, r, prof))
        out: list[TeijiRow] = []
        for employee_id, items in by.items():
            first, _, prof = items[0]
            if not prof.health_member:
                continue
            months = []
            for p, r, _prof in items:
                att = p.attendance or {}
                if prof.pay_type == "monthly":
                    days = (r.period_end - r.period_start).days + 1 - int(att.get("absence_days", 0))
                else:
                    days = int(att.get("worked_days", 0)) + int(Decimal(str(att.get("leave_days", 0) or 0)))
                months.append(revisions.MonthPay(r.pay_date.replace(day=1), p.gross, days))
            current = social.health_grade(dt.date(year, 9, 1), prof.standard_remuneration)
            short = prof.pay_type != "monthly"  # insured part-timers: 11 days (特定適用事業所)
            rev = revisions.teiji(year, months, short_time=short)
            out.append(TeijiRow(employee_id, first.employee_number, first.name,
                                [(m.month.strftime("%Y-%m"), m.remuneration, m.days) for m in months],
                                current.grade, current.amount, rev.health_grade if rev else None,
                                rev.health_amount if rev else None, rev.average if rev else None))
    return out


# --- 源泉徴収票 and the 法定調書合計表 figures ---------------------------------------------------------


@dataclass(frozen=True)
class WithholdingSlip:
    """給与所得の源泉徴収票 of one employee, from the 年末調整 settled in the December run."""

    employee_id: int
    employee_number: str
    name: str
    year: int
    salary: int  # 支払金額
    salary_income: int  # 給与所得控除後の金額（調整控除後）: after the 所得金額調整控除
    deductions: int  # 所得控除の額の合計額
    annual_tax: int  # 源泉徴収税額
    social_insurance: int  # 社会保険料等の金額
    housing_credit: int
    income_adjustment: int = 0  # 所得金額調整控除額 (措法41条の3の11)


@dataclass(frozen=True)
class WithholdingSummary:
    year: int
    people: int
    total_pay: int
    total_tax: int
    rows: list[WithholdingSlip]


def withholding_summary(uow: UnitOfWork, actor: Actor, year: int) -> WithholdingSummary:
    """The 源泉徴収票 of everyone adjusted in ``year`` and the totals for the 給与所得の源泉徴収票等の法定調書合計表."""
    check_year(year)
    require(actor, "payroll.view")
    with uow:
        s = uow.session
        corrected = select(PayRun.corrects_id).where(PayRun.status == "fixed", PayRun.corrects_id.is_not(None))
        rows = s.scalars(select(Payslip).join(PayRun, PayRun.id == Payslip.run_id)
                         .where(PayRun.status == "fixed", PayRun.year_end.is_(True), PayRun.id.not_in(corrected),
                                PayRun.pay_date >= dt.date(year, 12, 1), PayRun.pay_date <= dt.date(year, 12, 31))
                         .order_by(Payslip.employee_number)).all()
        slips = [WithholdingSlip(p.employee_id, p.employee_number, p.name, year, int(y["salary"]),
                                 int(y["salary_income"]) - int(y.get("income_adjustment", 0)), int(y["deductions"]),
                                 int(y["annual_tax"]), int(y["social_insurance"]), int(y["housing_credit"]),
                                 int(y.get("income_adjustment", 0)))
                 for p in rows if (y := p.year_end)]
    return WithholdingSummary(year, len(slips), sum(x.salary for x in slips), sum(x.annual_tax for x in slips),
                              slips)

"""給与 use cases: pay setup, monthly and bonus runs (compute → 人事 check → approval by another person → fixed),
the 全銀 給与振込 file and the posting. Each use case is one transaction and writes its audit record."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ennoshita import audit, events, ledger
from ennoshita.actor import Actor
from ennoshita.approvals import services as approvals
from ennoshita.dates import HolidayShift, add_months, check_year, end_of_month, now_utc, shift_to_business_day
from ennoshita.db import UnitOfWork
from ennoshita.errors import Conflict, Forbidden, Invalid, InvalidTransition, NotFound, Problem
from ennoshita.expenses.models import EmployeeBankAccount
from ennoshita.hr import payroll_feed
from ennoshita.hr.models import Employee
from ennoshita.identity.models import CompanyBankAccount
from ennoshita.identity.roles import require
from ennoshita.ledger import EntryDraft, LineDraft, chart
from ennoshita.payroll import (
    compute,
    declarations,
    resident,
    social,
    tables,
    titles,
    unions,
    wages,
    withholding,
    yearend,
)
from ennoshita.payroll.models import (
    RUN_TRANSITIONS,
    FixedWage,
    HealthUnion,
    PayProfile,
    PayrollSettings,
    PayRun,
    Payslip,
)
from ennoshita.payroll.remittances import (
    CODE_ACCRUED_EXPENSES,
    EMPLOYMENT_INSURANCE_NAME,
    SOCIAL_EMPLOYER,
    SOCIAL_INSURANCE_NAME,
    SOCIAL_WITHHELD,
    TAX_WITHHELD,
)
from ennoshita.purchasing import zengin

DOCUMENT_TYPE = "payroll_run"
CODE_DIRECTORS = "6110"
CODE_BONUS = "6130"
CODE_WELFARE = "6140"
ACCOUNT_TYPES = {"ordinary": "1", "checking": "2", "savings": "4", "普通": "1", "当座": "2", "貯蓄": "4"}
PROFILE_FIELDS = ("pay_type", "base_amount", "allowances", "commute_allowance", "commute_nontaxable_limit",
                  "commute_means", "commute_distance", "resident_leaver_choice",
                  "has_declaration", "dependents", "declaration", "health_insurer", "union_health_rate",
                  "union_care_rate", "prefecture", "health_member", "pension_member", "standard_remuneration",
                  "employment_insured", "employment_business_type", "resident_tax_mode", "resident_tax",
                  "resident_municipality", "bank_code", "branch_code", "account_type", "account_number",
                  "holder_kana", "health_union_id")


def settings_in(s: Session) -> PayrollSettings:
    row = s.get(PayrollSettings, 1)
    if row is None:
        row = PayrollSettings(id=1, closing_day=31, pay_month_offset=1, pay_day=25, withholding_method="computer",
                              insurance_in_arrears=True, monthly_hours=160, prefecture=13,
                              employment_business_type="general", special_payment_deadline=False)
        s.add(row)
        s.flush()
    return row


def pay_period(settings: PayrollSettings, year: int, month: int) -> tuple[dt.date, dt.date, dt.date]:
    """The pay period ending in ``year-month`` and its pay date (moved to the previous bank business day)."""
    last = end_of_month(year, month)
    end = last if settings.closing_day >= 28 else dt.date(year, month, settings.closing_day)
    py, pm = add_months(year, month, -1)
    if settings.closing_day >= 28:
        start = dt.date(year, month, 1)
    else:
        start = dt.date(py, pm, settings.closing_day) + dt.timedelta(days=1)
    ay, am = add_months(year, month, settings.pay_month_offset)
    pay = dt.date(ay, am, min(settings.pay_day, end_of_month(ay, am).day))
    return start, end, shift_to_business_day(pay, HolidayShift.PREVIOUS)


# --- pay setup ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProfileView:
    employee_id: int
    values: dict[str, Any]


def save_profile(uow: UnitOfWork, actor: Actor, employee_id: int, values: Mapping[str, Any],
                 effective_from: dt.date | None = None) -> ProfileView:
    """Create or change an employee's pay setup. Unknown fields and bad values are refused, each named. A change of
    the fixed wages is a new row of their history from ``effective_from`` (today when not given; the hire date for
    the first setup), the old row kept (``wages.record_change_in``)."""
    require(actor, "payroll.edit")
    problems = _profile_problems(values)
    if problems:
        raise Invalid(problems=problems)
    with uow:
        s = uow.session
        if payroll_feed.employee_at_in(s, employee_id, dt.date.today()) is None:
            raise NotFound("payroll.error.employee", field="employee_id", id=employee_id)
        row = s.get(PayProfile, employee_id)
        before = _profile_dict(row) if row is not None else None
        if row is None:
            row = PayProfile(employee_id=employee_id, **_profile_defaults())
            s.add(row)
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_at = now_utc()
        s.flush()
        after = _profile_dict(row)
        if row.health_union_id is not None and s.get(HealthUnion, row.health_union_id) is None:
            raise NotFound("payroll.error.union", field="health_union_id", id=row.health_union_id)
        audit.record(s, actor, "payroll_profile", employee_id, "update" if before else "create",
                     before=before, after=after)
        wages.record_change_in(s, actor, employee_id, before, after, effective_from)
        uow.commit()
    return ProfileView(employee_id, after)


def _profile_defaults() -> dict[str, Any]:
    return {"pay_type": "monthly", "base_amount": 0, "allowances": [], "commute_allowance": 0,
            "commute_nontaxable_limit": 150_000, "commute_means": "transit", "commute_distance": "",
            "resident_leaver_choice": "", "has_declaration": False, "dependents": 0, "declaration": {},
            "health_insurer": "kyokai", "union_health_rate": "", "union_care_rate": "", "prefecture": 13,
            "health_member": True, "pension_member": True, "standard_remuneration": 0, "employment_insured": True,
            "employment_business_type": "general", "resident_tax_mode": "none", "resident_tax": {},
            "resident_municipality": "", "bank_code": "", "branch_code": "", "account_type": "",
            "account_number": "", "holder_kana": "", "health_union_id": None}


def _profile_dict(row: PayProfile) -> dict[str, Any]:
    return {k: getattr(row, k) for k in PROFILE_FIELDS}


def _profile_problems(values: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    for key, value in values.items():
        if key not in PROFILE_FIELDS:
            problems.append(Problem("payroll.error.unknown_field", key))
        elif key in ("base_amount", "commute_allowance", "commute_nontaxable_limit", "dependents",
                     "standard_remuneration") and (not isinstance(value, int) or value < 0):
            problems.append(Problem("payroll.error.negative", key))
    if values.get("pay_type", "monthly") not in ("monthly", "daily", "hourly"):
        problems.append(Problem("payroll.error.pay_type", "pay_type"))
    if values.get("employment_business_type", "general") not in tables.EMPLOYMENT_BUSINESS_TYPES:
        problems.append(Problem("payroll.error.business_type", "employment_business_type",
                                {"value": values.get("employment_business_type")}))
    if not 1 <= int(values.get("prefecture", 13)) <= 47:
        problems.append(Problem("payroll.error.prefecture", "prefecture", {"value": values.get("prefecture")}))
    for i, a in enumerate(values.get("allowances", []) or []):
        if not isinstance(a, dict) or not a.get("name") or not isinstance(a.get("amount"), int) or a["amount"] < 0:
            problems.append(Problem("payroll.error.allowance", f"allowances[{i}]"))
    if values.get("commute_means", "transit") not in tables.COMMUTE_MEANS:
        problems.append(Problem("payroll.error.commute_means", "commute_means", {"value": values.get("commute_means")}))
    if values.get("commute_distance", ""):
        try:
            distance = Decimal(str(values["commute_distance"]))
            if not distance.is_finite() or distance < 0 or distance > 1000:
                raise ValueError
        except (ArithmeticError, ValueError):
            problems.append(Problem("payroll.error.commute_distance", "commute_distance"))
    if values.get("resident_leaver_choice", "") not in resident.LEAVER_CHOICES:
        problems.append(Problem("payroll.error.leaver_choice", "resident_leaver_choice",
                                {"value": values.get("resident_leaver_choice")}))
    for month, amount in (values.get("resident_tax") or {}).items():
        if not isinstance(amount, int) or amount < 0 or len(str(month)) != 7:
            problems.append(Problem("payroll.error.resident_tax", f"resident_tax[{month}]"))
    return problems


# --- runs -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunView:
    id: int
    number: str
    kind: str
    title: str
    period_start: dt.date
    period_end: dt.date
    pay_date: dt.date
    status: str
    corrects_id: int | None
    employee_count: int
    gross_total: int
    deduction_total: int
    net_total: int
    employer_total: int
    prepared_by: int | None
    journal_entry_id: int | None
    paid_date: dt.date | None = None  # 支払済
    paid_amount: int | None = None

    def name(self, lang: str) -> str:
        """The run's name for a reader in ``lang`` (``title`` is its own name, "" when nobody named it)."""
        return titles.run_title(lang, self.title, self.kind, self.period_end, self.pay_date)


def _view(r: PayRun) -> RunView:
    return RunView(r.id, r.number, r.kind, titles.stored_title(r.title, r.kind, r.period_end, r.pay_date),
                   r.period_start, r.period_end, r.pay_date, r.status,
                   r.corrects_id, r.employee_count, r.gross_total, r.deduction_total, r.net_total, r.employer_total,
                   r.prepared_by, r.journal_entry_id, r.paid_date, r.paid_amount)


def _book_title(run: PayRun) -> str:
    """The run's name in the books (journal descriptions, the 稟議's title): Japanese, as the rest of the entry."""
    return titles.run_title("ja", run.title, run.kind, run.period_end, run.pay_date)


def _approval_title(run: PayRun) -> str:
    """The 稟議's title, read in either language beside its document type (給与計算 / Payroll run) and number: the
    run's own name when it has one, else its default name kept as a catalog key (2026年11月分 給与 / November 2026
    pay, written in the reader's language: approvals/titles.py)."""
    own = titles.stored_title(run.title, run.kind, run.period_end, run.pay_date)
    return own or titles.default_message(run.kind, run.period_end, run.pay_date)


def _load(s: Session, run_id: int) -> PayRun:
    run = s.get(PayRun, run_id)
    if run is None:
        raise NotFound("payroll.error.run", field="run_id", id=run_id)
    return run


def _move(s: Session, actor: Actor, run: PayRun, to: str) -> None:
    if to not in RUN_TRANSITIONS.get(run.status, frozenset()):
        raise InvalidTransition("payroll.error.transition", field="status", number=run.number, status=run.status)
    before = run.status
    run.status = to
    audit.record(s, actor, "payroll_run", run.id, to, before={"status": before},
                 after={"status": to, "number": run.number, "net_total": run.net_total})


def create_run(uow: UnitOfWork, actor: Actor, *, kind: str, year: int, month: int,
               pay_date: dt.date | None = None, bonus_amounts: Mapping[int, int] | None = None,
               corrects_id: int | None = None, title: str = "", year_end: bool = False) -> RunView:
    """A draft run for the pay period ending in ``year-month`` (monthly) or a bonus paid on ``pay_date``."""
    check_year(year)
    require(actor, "payroll.edit")
    if kind not in ("monthly", "bonus"):
        raise Invalid("payroll.error.kind", field="kind")
    with uow:
        s = uow.session
        settings = settings_in(s)
        start, end, default_pay = pay_period(settings, year, month)
        if kind == "bonus":
            if pay_date is None:
                raise Invalid("error.required", field="pay_date")
            if not bonus_amounts:
                raise Invalid("error.required", field="bonus_amounts")
            start = end = pay_date
        day = pay_date or default_pay
        if year_end and (kind != "monthly" or day.month != 12):
            raise Invalid("payroll.error.year_end_month", field="year_end")
        if shift_to_business_day(day, HolidayShift.PREVIOUS) != day:
            raise Invalid("payroll.error.pay_date_holiday", field="pay_date", date=day)
        if corrects_id is not None:
            original = _load(s, corrects_id)
            if original.status != "fixed":
                raise InvalidTransition("payroll.error.correct_unfixed", field="corrects_id", number=original.number)
        run = new_run_in(s, actor, PayRun(
            kind=kind, title=title.strip(),  # none of its own: named at display time (payroll/titles.py)
            period_start=start, period_end=end, pay_date=day, corrects_id=corrects_id,
            bonus_amounts={str(k): int(v) for k, v in (bonus_amounts or {}).items()}, year_end=year_end), year)
        result = _view(run)
        uow.commit()
    return result


def new_run_in(s: Session, actor: Actor, run: PayRun, year: int) -> PayRun:
    """Number (gapless per kind and ``year``), store and audit a draft run."""
    prefix = "PB" if run.kind == "bonus" else "PR"
    count = s.scalar(select(func.count()).select_from(PayRun).where(PayRun.kind == run.kind,
                                                                     PayRun.number.like(f"{prefix}-{year}-%")))
    run.number = f"{prefix}-{year}-{(count or 0) + 1:04d}"
    run.status, run.prepared_by, run.created_at = "draft", actor.user_id, now_utc()
    if run.corrections is None:
        run.corrections = {}
    s.add(run)
    s.flush()
    audit.record(s, actor, "payroll_run", run.id, "create", after={
        "number": run.number, "kind": run.kind, "pay_date": run.pay_date.isoformat(),
        **({"corrects_id": run.corrects_id, "corrections": run.corrections} if run.corrects_id else {})})
    return run


def _rates(s: Session, profile: PayProfile, month: dt.date) -> social.InsuranceRates:
    rates = social.kyokai_rates(month, profile.prefecture)
    if profile.health_insurer == "union" and profile.health_union_id is not None:
        return unions.rates_in(s, profile.health_union_id, month, rates)
    if profile.health_insurer == "union" and profile.union_health_rate:
        rates = social.InsuranceRates(tables.pct(profile.union_health_rate),
                                      tables.pct(profile.union_care_rate) if profile.union_care_rate else rates.care,
                                      rates.support, rates.pension, rates.child_contribution)
    return rates


def _commute_limit(profile: PayProfile, pay_date: dt.date) -> int:
    """The statutory 非課税限度額 for the pay date, means and distance; the profile's own limit can only lower it."""
    distance = (Fraction(Decimal(profile.commute_distance)) if profile.commute_distance else None)
    return compute.commute_limit(pay_date, profile.commute_means or "transit", distance,
                                 profile.commute_nontaxable_limit)


def _setup(profile: PayProfile, care: bool, pay_date: dt.date, wage: FixedWage | None = None,
           corrected: Mapping[str, Any] | None = None) -> compute.Setup:
    """The pay setup of a slip; the fixed wages from the history row in force for the period when there is one, and
    over them a 訂正's changed items (``corrected``: base_amount, commute_allowance, dependents)."""
    source: PayProfile | FixedWage = wage if wage is not None else profile
    items = corrected or {}
    commute = int(items.get("commute_allowance", source.commute_allowance))
    return compute.Setup(
        pay_type=source.pay_type, base_amount=int(items.get("base_amount", source.base_amount)),
        allowances=tuple(compute.Allowance(a["name"], int(a["amount"]), bool(a.get("taxable", True)),
                                           bool(a.get("social", True)), bool(a.get("overtime_base", True)))
                         for a in source.allowances or []),
        commute=commute,
        commute_limit=_commute_limit(profile, pay_date) if commute else 0,
        otsu=not profile.has_declaration,
        dependents=int(items.get("dependents", profile.dependents)) if profile.has_declaration else 0,
        health_member=profile.health_member, pension_member=profile.pension_member, care=care,
        standard_remuneration=profile.standard_remuneration, employment_insured=profile.employment_insured,
        employment_business_type=profile.employment_business_type)


def _previous_pay_after_insurance(s: Session, employee_id: int, before: dt.date) -> int | None:
    row = s.execute(select(Payslip.taxable_after_insurance).join(PayRun, PayRun.id == Payslip.run_id)
                    .where(Payslip.employee_id == employee_id, PayRun.kind == "monthly", PayRun.status == "fixed",
                           PayRun.pay_date < before).order_by(PayRun.pay_date.desc()).limit(1)).first()
    return int(row[0]) if row else None


def _health_bonus_so_far(s: Session, employee_id: int, pay_date: dt.date) -> int:
    fy_start = dt.date(pay_date.year if pay_date.month >= 4 else pay_date.year - 1, 4, 1)
    total = s.scalar(select(func.coalesce(func.sum(Payslip.health_basis), 0)).join(PayRun, PayRun.id == Payslip.run_id)
                     .where(Payslip.employee_id == employee_id, PayRun.kind == "bonus", PayRun.status == "fixed",
                            PayRun.pay_date >= fy_start, PayRun.pay_date < pay_date))
    return int(total or 0)


def compute_run(uow: UnitOfWork, actor: Actor, run_id: int) -> RunView:
    """Compute every employee's slip. Every problem (no pay setup, attendance not closed, no 住民税 amount for the
    month, no salary account) is listed at once, naming the employee, and nothing is written."""
    require(actor, "payroll.edit")
    with uow:
        s = uow.session
        run = _load(s, run_id)
        compute_in(s, actor, run)
        result = _view(run)
        uow.commit()
    return result


def slips_of(s: Session, run: PayRun) -> list[Payslip]:
    """The slips ``run`` would have, computed and not stored (a 訂正's preview); every problem raised at once."""
    settings = settings_in(s)
    slips, problems = _compute_slips(s, run, settings, withholding.Method(settings.withholding_method))
    if problems:
        raise Invalid(problems=problems)
    return slips


def compute_in(s: Session, actor: Actor, run: PayRun) -> None:
    if run.status not in ("draft", "computed", "checked"):
        raise InvalidTransition("payroll.error.transition", field="status", number=run.number, status=run.status)
    slips = slips_of(s, run)
    for old in s.scalars(select(Payslip).where(Payslip.run_id == run.id)):
        s.delete(old)
    s.flush()
    s.add_all(slips)
    run.employee_count = len(slips)
    run.gross_total = sum(x.gross for x in slips)
    run.deduction_total = sum(x.deduction_total for x in slips)
    run.net_total = sum(x.net for x in slips)
    run.employer_total = sum(x.employer_health + x.employer_pension + x.employer_child + x.employer_employment
                             for x in slips)
    run.prepared_by = actor.user_id
    _move(s, actor, run, "computed")


def _compute_slips(s: Session, run: PayRun, settings: PayrollSettings,
                   method: withholding.Method) -> tuple[list[Payslip], list[Problem]]:
    problems: list[Problem] = []
    slips: list[Payslip] = []
    if run.kind == "bonus":
        ids = [int(k) for k in run.bonus_amounts]
    else:
        ids = payroll_feed.employed_in(s, run.period_start, run.period_end)
    profiles = {p.employee_id: p for p in s.scalars(select(PayProfile).where(PayProfile.employee_id.in_(ids)))}
    closed = ({c.employee_id: c for c in payroll_feed.closed_months_in(s, run.period_end)}
              if run.kind == "monthly" else {})
    arrears = settings.insurance_in_arrears
    py, pm = add_months(run.pay_date.year, run.pay_date.month, -1 if arrears else 0)
    premium_month = dt.date(py, pm, 1)
    month_key = run.pay_date.strftime("%Y-%m")
    people, accounts = _people(s, ids, run.period_end)
    fixed = wages.in_force_in(s, ids, run.period_start)
    for employee_id in ids:
        emp = people.get(employee_id)
        if emp is None:
            problems.append(Problem("payroll.error.employee", "employee_id", {"id": employee_id}))
            continue
        who = f"{emp.employee_number} {emp.name}"
        profile = profiles.get(employee_id)
        if profile is None:
            problems.append(Problem("payroll.error.no_profile", "profile", {"employee": who}))
            continue
        account = accounts.get(employee_id)
        if account is None and profile.account_number:
            account = payroll_feed.SalaryAccount(profile.bank_code, profile.branch_code,
                                                 profile.account_type or "ordinary", profile.account_number,
                                                 profile.holder_kana)
        if account is None:
            problems.append(Problem("payroll.error.no_account", "bank_account", {"employee": who}))
            continue
        care = social.care_applies(emp.birth_date, premium_month if run.kind == "monthly" else run.pay_date)
        insured = emp.hire_date <= end_of_month(premium_month.year, premium_month.month)
        rates = _rates(s, profile, premium_month if run.kind == "monthly" else run.pay_date)
        setup = compute.Setup(pay_type=profile.pay_type, base_amount=0)
        try:
            setup = _setup(profile, care, run.pay_date, fixed.get(employee_id),
                           (run.corrections or {}).get(str(employee_id)))
            if run.kind == "monthly":
                c = closed.get(employee_id)
                if c is None:
                    problems.append(Problem("payroll.error.attendance_open", "attendance",
                                            {"employee": who, "month": run.period_end.strftime("%Y-%m")}))
                    continue
                resident = 0
                if profile.resident_tax_mode == "special":
                    if month_key not in (profile.resident_tax or {}):
                        problems.append(Problem("payroll.error.resident_tax_missing", "resident_tax",
                                                {"employee": who, "month": month_key}))
                        continue
                    resident = int(profile.resident_tax[month_key])
                att = compute.Attendance(c.scheduled_days, c.worked_days, c.absence_days, c.actual_minutes,
                                         c.overtime_minutes, c.overtime_over60_minutes, c.legal_holiday_minutes,
                                         c.night_minutes)
                fig = compute.monthly_slip(setup, att, pay_date=run.pay_date, period_end=run.period_end,
                                           premium_month=premium_month if insured else None, rates=rates,
                                           resident_tax=resident, monthly_hours=settings.monthly_hours,
                                           method=method)
                if (profile.resident_tax_mode == "special" and emp.leave_date is not None
                        and emp.leave_date <= run.period_end):
                    fig = _with_leaver_resident_tax(run, emp.leave_date, profile, fig)
                stays = emp.leave_date is None or emp.leave_date >= dt.date(run.pay_date.year, 12, 31)
                if run.year_end and profile.has_declaration and stays:
                    fig, year_end = _with_year_end(s, run, employee_id, profile, fig)
                else:
                    year_end = {}
                attendance = {"worked_days": c.worked_days, "absence_days": c.absence_days,
                              "actual_minutes": c.actual_minutes, "overtime_minutes": c.overtime_minutes,
                              "leave_days": str(Decimal(c.leave_days))}
            else:
                amount = int(run.bonus_amounts[str(employee_id)])
                fig = compute.bonus_slip(setup, amount, pay_date=run.pay_date, rates=rates,
                                         health_bonus_so_far=_health_bonus_so_far(s, employee_id, run.pay_date),
                                         previous_pay_after_insurance=_previous_pay_after_insurance(
                                             s, employee_id, run.pay_date), method=method)
                attendance, year_end = {}, {}
        except Invalid as exc:
            problems += [Problem(p.key, p.field, {**p.params, "employee": who}) for p in exc.problems] or [
                Problem(exc.key, exc.field, {**exc.params, "employee": who})]
            continue
        prem = fig.premiums
        slips.append(Payslip(
            run_id=run.id, employee_id=employee_id, employee_number=emp.employee_number, name=emp.name,
            department=emp.department, is_officer=emp.employment_type == "officer",
            tax_column="otsu" if setup.otsu else "kou", dependents=setup.dependents,
            earnings=[{"code": x.code, "label": x.label, "amount": x.amount} for x in fig.earnings],
            deductions=[{"code": x.code, "label": x.label, "amount": x.amount} for x in fig.deductions],
            attendance=attendance, year_end=year_end, gross=fig.gross, nontaxable=fig.nontaxable,
            health_basis=prem.health_basis if prem else 0, pension_basis=prem.pension_basis if prem else 0,
            health=prem.health if prem else 0, care=prem.care if prem else 0, support=prem.support if prem else 0,
            pension=prem.pension if prem else 0, employment=fig.employment.employee,
            social_total=fig.social_total, taxable_after_insurance=fig.taxable_after_insurance,
            income_tax=fig.income_tax, resident_tax=fig.resident_tax,
            resident_municipality=profile.resident_municipality or "", other_deductions=0,
            deduction_total=fig.deduction_total, net=fig.net,
            employer_health=prem.employer_health if prem else 0, employer_pension=prem.employer_pension if prem else 0,
            employer_child=prem.employer_child_contribution if prem else 0,
            employer_employment=fig.employment.employer,
            bank_code=account.bank_code, branch_code=account.branch_code, account_type=account.account_type,
            account_number=account.account_number, holder_kana=account.holder_kana))
    if not ids:
        problems.append(Problem("payroll.error.no_employees", "employees"))
    return slips, problems


def _with_leaver_resident_tax(run: PayRun, leave_date: dt.date, profile: PayProfile,
                              fig: compute.SlipFigures) -> compute.SlipFigures:
    """The final pay of a leaver on 特別徴収: the months after this pay month up to May are collected here in one sum
    (地方税法 321条の5②: required for a January-April leaver, on request for a June-December one) when the pay covers
    it; otherwise they go to 普通徴収 and nothing more is deducted."""
    decision = resident.leaver_collection(leave_date, run.pay_date.replace(day=1), profile.resident_tax or {},
                                          profile.resident_leaver_choice or "", fig.net)
    if decision.lump_sum <= 0:
        return fig
    return dataclasses.replace(fig, resident_tax=fig.resident_tax + decision.lump_sum, deductions=(
        *fig.deductions, compute.Line("resident_tax_lump", "住民税（退職時一括徴収）", decision.lump_sum)))


def _year_totals(s: Session, employee_id: int, year: int) -> tuple[int, int, int]:
    """Taxable pay, withheld tax and social insurance of the employee's fixed slips paid in ``year`` (corrected
    runs left out)."""
    corrected = select(PayRun.corrects_id).where(PayRun.status == "fixed", PayRun.corrects_id.is_not(None))
    row = s.execute(select(func.coalesce(func.sum(Payslip.gross - Payslip.nontaxable), 0),
                           func.coalesce(func.sum(Payslip.income_tax), 0),
                           func.coalesce(func.sum(Payslip.social_total), 0))
                    .join(PayRun, PayRun.id == Payslip.run_id)
                    .where(Payslip.employee_id == employee_id, PayRun.status == "fixed", PayRun.id.not_in(corrected),
                           PayRun.pay_date >= dt.date(year, 1, 1), PayRun.pay_date <= dt.date(year, 12, 31))).one()
    return int(row[0]), int(row[1]), int(row[2])


def _with_year_end(s: Session, run: PayRun, employee_id: int, profile: PayProfile,
                   fig: compute.SlipFigures) -> tuple[compute.SlipFigures, dict[str, Any]]:
    """年末調整 in the December pay: the year's pay and tax (this slip included) against the year's tax from the
    扶養控除等申告書 and the 保険料控除/住宅ローン控除 declarations kept in ``profile.declaration``; the difference is
    one more deduction line (negative: a refund)."""
    pay, withheld, insurance = _year_totals(s, employee_id, run.pay_date.year)
    d = profile.declaration or {}
    result = yearend.adjust(yearend.YearEndInput(
        year=run.pay_date.year, salary=pay + fig.gross - fig.nontaxable, withheld=withheld + fig.income_tax,
        social_insurance=insurance + fig.social_total + int(d.get("social_insurance_declared", 0)),
        small_business_mutual_aid=int(d.get("small_business_mutual_aid", 0)),
        spouse_income=None if d.get("spouse_income") is None else int(d["spouse_income"]),
        spouse_aged_70=bool(d.get("spouse_aged_70", False)),
        dependants=tuple(yearend.Dependant(declarations.age_of(x, run.pay_date.year), int(x.get("income", 0)),
                                           bool(x.get("lives_with", False)), bool(x.get("parent", False)),
                                           str(x.get("disability", ""))) for x in d.get("dependants", [])),
        self_disability=str(d.get("self_disability", "")), widow=bool(d.get("widow", False)),
        single_parent=bool(d.get("single_parent", False)), working_student=bool(d.get("working_student", False)),
        life_general=int(d.get("life_general", 0)), life_medical=int(d.get("life_medical", 0)),
        life_pension=int(d.get("life_pension", 0)), earthquake=int(d.get("earthquake", 0)),
        housing_loan_credit=int(d.get("housing_loan_credit", 0)),
        life_general_old=int(d.get("life_general_old", 0)), life_pension_old=int(d.get("life_pension_old", 0)),
        earthquake_old_long_term=int(d.get("earthquake_old_long_term", 0)),
        spouse_disability=str(d.get("spouse_disability", ""))))
    label = "年末調整 不足額" if result.difference > 0 else "年末調整 還付"
    adjusted = dataclasses.replace(fig, deductions=(*fig.deductions, compute.Line("year_end", label,
                                                                               result.difference)))
    figures = {"salary": pay + fig.gross - fig.nontaxable, "salary_income": result.salary_income,
               "income_adjustment": result.income_adjustment,
               "deductions": result.deductions, "taxable": result.taxable, "computed_tax": result.computed_tax,
               "housing_credit": result.housing_credit, "annual_tax": result.annual_tax,
               "withheld": withheld + fig.income_tax, "difference": result.difference,
               "social_insurance": insurance + fig.social_total}
    return adjusted, figures


def _people(s: Session, ids: list[int], on: dt.date) -> tuple[dict[int, payroll_feed.EmployeeAt],
                                                                dict[int, payroll_feed.SalaryAccount]]:
    """Every employee of the run with the assignment in force and the salary account, in three queries (the
    same figures as ``payroll_feed.employee_at_in`` / ``salary_account_in`` one by one)."""
    wanted = set(ids)
    assignments = payroll_feed.assignments_at_in(s, on)
    people: dict[int, payroll_feed.EmployeeAt] = {}
    users: dict[int, int] = {}
    for e in s.scalars(select(Employee).where(Employee.id.in_(wanted))):
        a = assignments.get(e.id)
        if a is None:
            found = payroll_feed.employee_at_in(s, e.id, on)  # hired after ``on``: the first assignment
            if found is not None:
                people[e.id] = found
        else:
            people[e.id] = payroll_feed.EmployeeAt(
                e.id, e.employee_number, e.name, e.name_kana, e.birth_date, e.hire_date, e.leave_date, e.user_id,
                a.department, a.position, a.employment_type, a.weekly_days, a.weekly_minutes, a.daily_minutes,
                a.is_manager)
        if e.user_id is not None:
            users[e.user_id] = e.id
    accounts = {users[row.user_id]: payroll_feed.SalaryAccount(row.bank_code, row.branch_code, row.account_type,
                                                               row.account_number, row.holder_kana)
                for row in s.scalars(select(EmployeeBankAccount).where(EmployeeBankAccount.user_id.in_(users)))}
    return people, accounts


def check_run(uow: UnitOfWork, actor: Actor, run_id: int) -> RunView:
    """人事 checked the computed run: it goes to approval (the 稟議 route ``payroll_run`` when there is one)."""
    require(actor, "payroll.edit")
    with uow:
        s = uow.session
        run = _load(s, run_id)
        check_in(s, actor, run)
        result = _view(run)
        uow.commit()
    return result


def check_in(s: Session, actor: Actor, run: PayRun) -> None:
    _move(s, actor, run, "checked")
    run.checked_by = actor.user_id
    if approvals.needs_approval(s, DOCUMENT_TYPE, None, run.net_total):
        _move(s, actor, run, "pending_approval")
        approvals.submit_in(s, actor, document_type=DOCUMENT_TYPE, document_id=run.id,
                            number=run.number, title=_approval_title(run), amount=run.net_total, department=None)


def approve_run(uow: UnitOfWork, actor: Actor, run_id: int) -> RunView:
    """承認 of a checked run by someone who did not prepare it (SoD); the run is fixed and posted."""
    require(actor, "payroll.approve")
    with uow:
        s = uow.session
        run = _load(s, run_id)
        if run.status == "pending_approval":
            raise InvalidTransition("payroll.error.use_approvals", field="status", number=run.number)
        _fix(s, actor, run)
        result = _view(run)
        uow.commit()
    return result


def _fix(s: Session, actor: Actor, run: PayRun) -> None:
    if actor.user_id is not None and actor.user_id == run.prepared_by:
        raise Forbidden("payroll.error.sod", field="approved_by", number=run.number)
    _move(s, actor, run, "fixed")
    run.approved_by = actor.user_id
    run.fixed_at = now_utc()
    if run.corrects_id is not None:
        original = _load(s, run.corrects_id)
        if original.journal_entry_id is not None:
            ledger.reverse_in(s, actor, original.journal_entry_id, f"{run.number} により訂正",
                              reversal_date=run.pay_date, fallback_date=run.pay_date)
    run.journal_entry_id = _post(s, actor, run)


def _post(s: Session, actor: Actor, run: PayRun) -> int:
    """給料手当 / 役員報酬 / 賞与 and 法定福利費 against 預り金, 未払金 (net pay) and 未払費用 (employer share).

    The expenses are split by 部門: each slip's department (the employee's 所属 in force at the run's period end,
    kept on the slip when it was computed) matched to the ledger's 部門 by code or name; a department the ledger
    does not know leaves its share without 部門. The 預り金 / 未払金 / 未払費用 lines carry no 部門."""
    sums = s.execute(select(
        Payslip.is_officer, Payslip.department, func.sum(Payslip.gross), func.sum(SOCIAL_WITHHELD),
        func.sum(Payslip.employment), func.sum(TAX_WITHHELD), func.sum(Payslip.resident_tax), func.sum(Payslip.net),
        func.sum(SOCIAL_EMPLOYER), func.sum(Payslip.employer_employment))
        .where(Payslip.run_id == run.id).group_by(Payslip.is_officer, Payslip.department)).all()
    departments = ledger.DepartmentLookup.load(s)
    debit: dict[tuple[str, str], int] = {}  # (account, 部門 code or "") → yen
    keys = ("social", "employment", "tax", "resident", "net", "employer_social", "employer_employment")
    credit = dict.fromkeys(keys, 0)
    for officer, department, gross, *figures in sums:
        code = CODE_BONUS if run.kind == "bonus" else (CODE_DIRECTORS if officer else chart.CODE_SALARIES)
        dep = departments.code_of(department) or ""
        debit[(code, dep)] = debit.get((code, dep), 0) + int(gross or 0)
        welfare = int(figures[-2] or 0) + int(figures[-1] or 0)  # employer_social + employer_employment
        debit[(CODE_WELFARE, dep)] = debit.get((CODE_WELFARE, dep), 0) + welfare
        for key, value in zip(keys, figures, strict=True):
            credit[key] += int(value or 0)
    lines = [LineDraft(code, amount, 0, department=dep or None, memo="事業主負担" if code == CODE_WELFARE else "")
             for (code, dep), amount in sorted(debit.items(), key=lambda kv: (kv[0][0] == CODE_WELFARE, kv[0]))
             if amount]
    if credit["tax"] < 0:  # 年末調整 refunds larger than the month's tax: 預り金 on the debit side
        lines.append(LineDraft(chart.CODE_WITHHOLDING, -credit["tax"], 0, memo="源泉所得税 年末調整 還付"))
        credit["tax"] = 0
    # each insurance on its own 預り金 / 未払費用 line: 社会保険料 is paid monthly to the 年金事務所, 雇用保険料 yearly
    # with the 労働保険料 (pay_remittance clears them separately)
    for key, code, memo in (("social", chart.CODE_WITHHOLDING, SOCIAL_INSURANCE_NAME),
                            ("employment", chart.CODE_WITHHOLDING, EMPLOYMENT_INSURANCE_NAME),
                            ("tax", chart.CODE_WITHHOLDING, "源泉所得税"),
                            ("resident", chart.CODE_WITHHOLDING, "住民税"),
                            ("net", chart.CODE_ACCRUED, "差引支給額"),
                            ("employer_social", CODE_ACCRUED_EXPENSES,
                             f"法定福利費 事業主負担 {SOCIAL_INSURANCE_NAME}"),
                            ("employer_employment", CODE_ACCRUED_EXPENSES,
                             f"法定福利費 事業主負担 {EMPLOYMENT_INSURANCE_NAME}")):
        if credit[key]:
            lines.append(LineDraft(code, 0, credit[key], memo=memo))
    description = f"{_book_title(run)} {run.number}"
    posted = ledger.post_in(s, actor, EntryDraft(run.pay_date, description, "", tuple(lines)),
                            source="payroll", source_ref=run.number, split_tax=False)
    return posted.id


def _on_outcome(outcome: str) -> events.Handler:
    def handler(s: Session, actor: Actor, data: dict[str, Any]) -> None:
        if data.get("document_type") != DOCUMENT_TYPE:
            return
        run = s.get(PayRun, int(data["document_id"]))
        if run is None or run.status != "pending_approval":
            return
        if outcome == "approved":
            _fix(s, actor, run)
        else:
            _move(s, actor, run, "computed")
    return handler


for _outcome in ("approved", "rejected", "sent_back", "withdrawn"):
    events.subscribe(f"approvals.{_outcome}", _on_outcome(_outcome))


def export_zengin(uow: UnitOfWork, actor: Actor, run_id: int) -> bytes:
    """The 全銀 給与振込 file (種別コード 11; 12 for a bonus) of a fixed run: one transfer per slip with net > 0."""
    require(actor, "payroll.approve")
    with uow:
        s = uow.session
        run = _load(s, run_id)
        if run.status != "fixed":
            raise InvalidTransition("payroll.error.not_fixed", field="status", number=run.number)
        bank = s.scalar(select(CompanyBankAccount).where(CompanyBankAccount.active.is_(True))
                        .order_by(CompanyBankAccount.is_default.desc(), CompanyBankAccount.id).limit(1))
        if bank is None or not bank.zengin_requester_code:
            raise Invalid("purchasing.error.requester_code", field="zengin_requester_code")
        from ennoshita.identity.models import Company

        company = s.get(Company, 1)
        header = zengin.ZenginHeader(
            requester_code=bank.zengin_requester_code,
            requester_name=bank.holder_kana or (company.name_kana if company else ""), transfer_date=run.pay_date,
            bank_code=bank.bank_code, bank_name=bank.bank_name_kana, branch_code=bank.branch_code,
            branch_name=bank.branch_name_kana, account_type=ACCOUNT_TYPES.get(bank.account_type, "1"),
            account_number=bank.account_number,
            kind=zengin.KIND_SALARY_TRANSFER if run.kind == "monthly" else "12")
        slips = s.execute(select(Payslip.bank_code, Payslip.branch_code, Payslip.account_type, Payslip.account_number,
                                 Payslip.holder_kana, Payslip.net, Payslip.employee_number, Payslip.employee_id)
                         .where(Payslip.run_id == run.id).order_by(Payslip.employee_number)).all()
        paid: dict[int, int] = {}
        if run.corrects_id is not None:  # a correction pays only the difference to what the original paid
            paid = {int(e): int(n) for e, n in s.execute(select(Payslip.employee_id, Payslip.net)
                                                        .where(Payslip.run_id == run.corrects_id))}
        rows = [(b, br, t, n, h, net - paid.get(eid, 0), num) for b, br, t, n, h, net, num, eid in slips
                if net - paid.get(eid, 0) > 0]
        if not rows:
            raise Invalid("payroll.error.nothing_to_pay", field="transfers", number=run.number)
        transfers = [zengin.ZenginTransfer(b, "", br, "", ACCOUNT_TYPES.get(t, t), n, h, int(net),
                                           customer_code1=num.rjust(10, "0") if num.isdigit() and len(num) <= 10
                                           else "")
                     for b, br, t, n, h, net, num in rows]
        content = zengin.build_file(header, transfers)
        run.zengin_sha256 = hashlib.sha256(content).hexdigest()
        audit.record(s, actor, "payroll_run", run.id, "zengin", after={"number": run.number,
                                                                        "sha256": run.zengin_sha256,
                                                                        "count": len(transfers)})
        uow.commit()
    return content


def get_run(uow: UnitOfWork, actor: Actor, run_id: int) -> RunView:
    require(actor, "payroll.view")
    with uow:
        return _view(_load(uow.session, run_id))


def list_runs(uow: UnitOfWork, actor: Actor, *, limit: int = 50, offset: int = 0) -> tuple[list[RunView], int]:
    require(actor, "payroll.view")
    with uow:
        s = uow.session
        total = s.scalar(select(func.count()).select_from(PayRun)) or 0
        rows = s.scalars(select(PayRun).order_by(PayRun.pay_date.desc(), PayRun.id.desc()).limit(limit)
                         .offset(offset))
        return [_view(r) for r in rows], int(total)



# --- 支払済 (the net pay left the bank; 納付済 of what the runs withheld: payroll.remittances) ---------------------


def mark_run_paid(uow: UnitOfWork, actor: Actor, run_id: int, paid_date: dt.date | None = None) -> RunView:
    """支払済: the fixed run's net pay left the company's bank on ``paid_date`` (the pay date unless given); posts
    未払金 / 普通預金 for it, as a payment run posts 買掛金 / 普通預金. A correction pays only the difference to what
    its original paid (a negative difference came back: 普通預金 / 未払金). Refused twice, and for an original whose
    correction is fixed (the correction pays then)."""
    require(actor, "payroll.approve")
    with uow:
        s = uow.session
        run = _load(s, run_id)
        if run.status != "fixed":
            raise InvalidTransition("payroll.error.not_fixed", field="status", number=run.number)
        if run.paid_date is not None:
            raise Conflict("payroll.error.already_paid", field="status", number=run.number,
                           date=run.paid_date)
        corrected_by = s.scalar(select(PayRun.number).where(PayRun.corrects_id == run.id, PayRun.status == "fixed"))
        if corrected_by is not None:
            raise Conflict("payroll.error.paid_corrected", field="status", number=run.number, by=corrected_by)
        day = paid_date or run.pay_date
        if day < run.pay_date - dt.timedelta(days=7):
            raise Invalid("payroll.error.paid_before_pay_date", field="paid_date", date=run.pay_date)
        before = 0
        if run.corrects_id is not None:
            original = _load(s, run.corrects_id)
            before = int(original.paid_amount or 0)
        amount = run.net_total - before
        entry_id: int | None = None
        if amount:
            memo = f"{_book_title(run)} {run.number} 差引支給額 支払"
            lines = (LineDraft(chart.CODE_ACCRUED, amount, 0, memo=memo),
                     LineDraft(chart.CODE_ORDINARY_DEPOSIT, 0, amount, memo=memo)) if amount > 0 else (
                     LineDraft(chart.CODE_ORDINARY_DEPOSIT, -amount, 0, memo=memo),
                     LineDraft(chart.CODE_ACCRUED, 0, -amount, memo=memo))
            description = f"給与支払 {_book_title(run)} {run.number}"
            posted = ledger.post_in(s, actor, EntryDraft(day, description, "", lines),
                                    source="payroll", source_ref=run.number, split_tax=False)
            entry_id = posted.id
        run.paid_date, run.paid_amount, run.paid_by, run.paid_entry_id = day, amount, actor.user_id, entry_id
        audit.record(s, actor, "payroll_run", run.id, "paid", before={"paid_date": None},
                     after={"number": run.number, "paid_date": day.isoformat(), "amount": amount,
                            "journal_entry_id": entry_id})
        result = _view(run)
        uow.commit()
    return result

"""固定的賃金 history and the 月額変更届 (随時改定) candidate list.

An employee's pay setup keeps its fixed wages (基本給 or 時給/日給, fixed allowances, 通勤手当) as dated rows
(``FixedWage``): a change is a new row with its 適用開始 date and the old row stays. A pay period uses the row in
force on its first day, so the first pay month of a change is the pay month of the first period that starts on or
after the 適用開始 date (a change in the middle of a period, paid 日割, counts from the next full month).

随時改定 (健保法 43条, 厚年法 23条): the three pay months from that first month, each with at least 17 支払基礎日数
(11 for short-time workers), averaged, 2 grades or more from the current grade in the direction of the fixed-wage
change → a candidate, the new grade applying from the fourth month (``revisions.zuiji``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ennoshita import audit
from ennoshita.actor import Actor
from ennoshita.dates import add_months, check_year, now_utc, today_tokyo
from ennoshita.db import UnitOfWork
from ennoshita.errors import Invalid, NotFound
from ennoshita.hr.models import Employee
from ennoshita.identity.roles import require
from ennoshita.payroll import revisions, social
from ennoshita.payroll.models import FixedWage, PayProfile, PayRun, Payslip

WAGE_FIELDS = ("pay_type", "base_amount", "allowances", "commute_allowance")


def fixed_total(pay_type: str, base_amount: int, allowances: Sequence[Mapping[str, Any]], commute: int) -> int:
    """The fixed wages compared for a change: the 基本給 (or the 時給/日給 rate) plus fixed allowances and 通勤手当."""
    return int(base_amount) + sum(int(a.get("amount", 0)) for a in allowances) + int(commute)


def _wage_of(values: Mapping[str, Any]) -> tuple[str, int, list[Any], int]:
    return (str(values.get("pay_type", "monthly")), int(values.get("base_amount", 0)),
            list(values.get("allowances") or []), int(values.get("commute_allowance", 0)))


def _add(s: Session, actor: Actor, employee_id: int, day: dt.date, wage: tuple[str, int, list[Any], int]) -> None:
    row = FixedWage(employee_id=employee_id, effective_from=day, pay_type=wage[0], base_amount=wage[1],
                    allowances=wage[2], commute_allowance=wage[3], recorded_by=actor.user_id, recorded_at=now_utc())
    s.add(row)
    s.flush()
    audit.record(s, actor, "payroll_fixed_wage", row.id, "create",
                 after={"employee_id": employee_id, "effective_from": day.isoformat(), "pay_type": wage[0],
                        "base_amount": wage[1], "allowances": wage[2], "commute_allowance": wage[3]})


def record_change_in(s: Session, actor: Actor, employee_id: int, before: Mapping[str, Any] | None,
                     after: Mapping[str, Any], effective_from: dt.date | None) -> None:
    """Keep the fixed-wage history in step with a saved pay setup (called by ``services.save_profile`` in its
    transaction). The first row starts at the hire date unless ``effective_from`` says otherwise; a pay setup saved
    before the history existed gets its old wage from the hire date first, then the change."""
    current = _wage_of(after)
    latest = s.scalar(select(FixedWage).where(FixedWage.employee_id == employee_id)
                      .order_by(FixedWage.effective_from.desc()).limit(1))
    if latest is None:
        hired = s.scalar(select(Employee.hire_date).where(Employee.id == employee_id)) or today_tokyo()
        if before is not None and _wage_of(before) != current:
            day = effective_from or today_tokyo()
            if day > hired:
                _add(s, actor, employee_id, hired, _wage_of(before))
            _add(s, actor, employee_id, day, current)
        else:
            _add(s, actor, employee_id, effective_from or hired, current)
        return
    if (latest.pay_type, latest.base_amount, list(latest.allowances or []), latest.commute_allowance) == current:
        return
    day = effective_from or today_tokyo()
    if day <= latest.effective_from:
        raise Invalid("payroll.error.wage_date", field="effective_from", date=latest.effective_from)
    _add(s, actor, employee_id, day, current)


def in_force_in(s: Session, employee_ids: Sequence[int], day: dt.date) -> dict[int, FixedWage]:
    """The row in force on ``day`` for each employee that has one."""
    out: dict[int, FixedWage] = {}
    for row in s.scalars(select(FixedWage).where(FixedWage.employee_id.in_(list(employee_ids)),
                                                 FixedWage.effective_from <= day)
                         .order_by(FixedWage.employee_id, FixedWage.effective_from)):
        out[row.employee_id] = row
    return out


@dataclass(frozen=True)
class WageRow:
    id: int
    effective_from: dt.date
    pay_type: str
    base_amount: int
    allowances: list[dict[str, Any]]
    commute_allowance: int
    fixed_total: int


@dataclass(frozen=True)
class WageHistory:
    employee_id: int
    employee_number: str
    name: str
    rows: list[WageRow]  # newest first


def history(uow: UnitOfWork, actor: Actor, employee_id: int) -> WageHistory:
    require(actor, "payroll.view")
    with uow:
        s = uow.session
        e = s.get(Employee, employee_id)
        if e is None:
            raise NotFound("payroll.error.employee", field="employee_id", id=employee_id)
        rows = [WageRow(r.id, r.effective_from, r.pay_type, r.base_amount, list(r.allowances or []),
                        r.commute_allowance, fixed_total(r.pay_type, r.base_amount, r.allowances or [],
                                                         r.commute_allowance))
                for r in s.scalars(select(FixedWage).where(FixedWage.employee_id == employee_id)
                                   .order_by(FixedWage.effective_from.desc()))]
        return WageHistory(e.id, e.employee_number, e.name, rows)


# --- 月額変更届 対象者一覧 ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ZuijiRow:
    employee_id: int
    employee_number: str
    name: str
    effective_from: dt.date  # 適用開始 of the new fixed wage
    before: int  # fixed wages before and after
    after: int
    direction: int  # +1 up, -1 down
    months: list[tuple[str, int, int]]  # (pay month, 報酬, 支払基礎日数), up to three
    average: int | None
    current_grade: int
    current_amount: int
    new_grade: int | None
    new_amount: int | None
    new_pension_grade: int | None
    applies_from: dt.date | None
    status: str  # candidate / waiting (fewer than 3 months paid) / days / grade / direction


def base_days(pay_type: str, period_start: dt.date, period_end: dt.date, attendance: Mapping[str, Any]) -> int:
    """支払基礎日数: calendar days of the period less unpaid absence for monthly pay; days worked plus paid leave
    for daily and hourly pay (the same reading as the 算定基礎届 list)."""
    if pay_type == "monthly":
        return (period_end - period_start).days + 1 - int(attendance.get("absence_days", 0))
    return int(attendance.get("worked_days", 0)) + int(Decimal(str(attendance.get("leave_days", 0) or 0)))


def judge(current_grade: int, months: Sequence[revisions.MonthPay], direction: int, *,
          short_time: bool) -> tuple[str, revisions.Revision | None, int | None]:
    """The status of one fixed-wage change with the months paid so far: the decision is ``revisions.zuiji``'s;
    the reason for a refusal is told apart here for the list (days short, too small a change, opposite way)."""
    if len(months) < 3:
        return "waiting", None, None
    average = sum(m.remuneration for m in months) // 3
    rev = revisions.zuiji(current_grade, months, direction, short_time=short_time)
    if rev is not None:
        return "candidate", rev, average
    threshold = revisions.SHORT_TIME_DAYS if short_time else revisions.FULL_DAYS
    if any(m.days < threshold for m in months):
        return "days", None, average
    first = min(m.month for m in months)
    y, m = add_months(first.year, first.month, 3)
    grade = social.health_grade(dt.date(y, m, 1), average).grade
    if abs(grade - current_grade) >= 2:
        return "direction", None, average
    return "grade", None, average


def zuiji_list(uow: UnitOfWork, actor: Actor, year: int) -> list[ZuijiRow]:
    """Every fixed-wage change with its 適用開始 in ``year`` and what it gives for the 月額変更届: the three pay
    months of fixed monthly runs from the first period starting on or after the change, their 報酬 (総支給額) and
    支払基礎日数, and the judgement against the current grade (from the pay setup's 標準報酬)."""
    check_year(year)
    require(actor, "payroll.view")
    with uow:
        s = uow.session
        changes = s.scalars(select(FixedWage).where(FixedWage.effective_from >= dt.date(year, 1, 1),
                                                    FixedWage.effective_from <= dt.date(year, 12, 31))
                            .order_by(FixedWage.effective_from, FixedWage.employee_id)).all()
        out: list[ZuijiRow] = []
        corrected = select(PayRun.corrects_id).where(PayRun.status == "fixed", PayRun.corrects_id.is_not(None))
        for change in changes:
            previous = s.scalar(select(FixedWage).where(FixedWage.employee_id == change.employee_id,
                                                        FixedWage.effective_from < change.effective_from)
                                .order_by(FixedWage.effective_from.desc()).limit(1))
            profile = s.get(PayProfile, change.employee_id)
            if previous is None or profile is None or not profile.health_member:
                continue
            before = fixed_total(previous.pay_type, previous.base_amount, previous.allowances or [],
                                 previous.commute_allowance)
            after = fixed_total(change.pay_type, change.base_amount, change.allowances or [],
                                change.commute_allowance)
            if before == after:
                continue
            direction = 1 if after > before else -1
            rows = s.execute(select(Payslip, PayRun).join(PayRun, PayRun.id == Payslip.run_id)
                             .where(Payslip.employee_id == change.employee_id, PayRun.status == "fixed",
                                    PayRun.kind == "monthly", PayRun.id.not_in(corrected),
                                    PayRun.period_start >= change.effective_from)
                             .order_by(PayRun.pay_date, PayRun.id).limit(3)).all()
            months: list[revisions.MonthPay] = []
            for p, r in rows:
                month = r.pay_date.replace(day=1)
                if months:
                    y, m = add_months(months[-1].month.year, months[-1].month.month, 1)
                    if month != dt.date(y, m, 1):
                        break  # a month without pay: the three months are not consecutive
                months.append(revisions.MonthPay(month, p.gross, base_days(change.pay_type, r.period_start,
                                                                           r.period_end, p.attendance or {})))
            e = s.get(Employee, change.employee_id)
            assert e is not None
            if months:
                y, m = add_months(months[0].month.year, months[0].month.month, 3)
                grade_month = dt.date(y, m, 1)
            else:
                grade_month = change.effective_from
            current = social.health_grade(grade_month, profile.standard_remuneration)
            status, rev, average = judge(current.grade, months, direction, short_time=change.pay_type != "monthly")
            out.append(ZuijiRow(
                e.id, e.employee_number, e.name, change.effective_from, before, after, direction,
                [(x.month.strftime("%Y-%m"), x.remuneration, x.days) for x in months], average, current.grade,
                current.amount, rev.health_grade if rev else None, rev.health_amount if rev else None,
                rev.pension_grade if rev else None, rev.applies_from if rev else None, status))
    return out

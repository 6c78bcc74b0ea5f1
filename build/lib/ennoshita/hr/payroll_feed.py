"""What payroll reads from 人事, in the caller's transaction (``*_in(session, ...)``) so that a payroll run
reads and writes in one unit of work. Nothing here writes.

* :func:`employee_at_in` — the employee and the assignment in force on a date (department, position,
  employment type, weekly days/minutes, daily minutes, 管理監督者 flag).
* :func:`closed_month_in` / :func:`closed_months_in` — the closed 月次勤務表 figures of one employee, or of
  every employee, for a month (minutes as integers; ``None`` / absent while the month is still open).
* :func:`salary_account_in` — the 振込先口座 of the employee's linked login account (the same row
  経費精算 pays to; ``None`` when the employee has no login or no account).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from ennoshita.expenses.models import EmployeeBankAccount
from ennoshita.hr.models import Assignment, Employee, Timesheet


@dataclass(frozen=True)
class EmployeeAt:
    id: int
    employee_number: str
    name: str
    name_kana: str
    birth_date: dt.date
    hire_date: dt.date
    leave_date: dt.date | None
    user_id: int | None
    department: str
    position: str
    employment_type: str  # regular / contract / part_time / officer
    weekly_days: int
    weekly_minutes: int
    daily_minutes: int
    is_manager: bool


@dataclass(frozen=True)
class ClosedMonth:
    employee_id: int
    month: dt.date  # first day of the month
    scheduled_days: int
    worked_days: int
    absence_days: int
    leave_days: Decimal  # 年休 days (halves allowed)
    leave_hours: int  # 時間単位年休
    scheduled_minutes: int
    actual_minutes: int
    overtime_minutes: int  # 法定時間外 (over 8h/day, 40h/week), 25%
    overtime_over60_minutes: int  # the part of overtime_minutes beyond 60h in the month, 50%
    legal_holiday_minutes: int  # 法定休日労働, 35%
    night_minutes: int  # 深夜 22:00-5:00, +25%
    closed_at: dt.datetime | None


@dataclass(frozen=True)
class SalaryAccount:
    bank_code: str
    branch_code: str
    account_type: str
    account_number: str
    holder_kana: str


def _assignment_at(s: Session, employee_id: int, on: dt.date) -> Assignment | None:
    return s.scalar(select(Assignment).where(Assignment.employee_id == employee_id, Assignment.effective_from <= on)
                    .order_by(Assignment.effective_from.desc()).limit(1))


def employee_at_in(s: Session, employee_id: int, on: dt.date) -> EmployeeAt | None:
    e = s.get(Employee, employee_id)
    if e is None:
        return None
    a = _assignment_at(s, employee_id, on)
    if a is None:  # before the hire date: the first assignment
        a = s.scalar(select(Assignment).where(Assignment.employee_id == employee_id)
                     .order_by(Assignment.effective_from).limit(1))
    if a is None:
        return None
    return EmployeeAt(e.id, e.employee_number, e.name, e.name_kana, e.birth_date, e.hire_date, e.leave_date,
                      e.user_id, a.department, a.position, a.employment_type, a.weekly_days, a.weekly_minutes,
                      a.daily_minutes, a.is_manager)


def _closed(t: Timesheet) -> ClosedMonth:
    return ClosedMonth(t.employee_id, t.month, t.scheduled_days, t.worked_days, t.absence_days,
                       Decimal(t.leave_days), t.leave_hours, t.scheduled_minutes, t.actual_minutes,
                       t.overtime_minutes, t.overtime_over60_minutes, t.legal_holiday_minutes, t.night_minutes,
                       t.closed_at)


def closed_month_in(s: Session, employee_id: int, month: dt.date) -> ClosedMonth | None:
    """The employee's closed figures for the month holding ``month``; ``None`` while it is open."""
    first = month.replace(day=1)
    t = s.scalar(select(Timesheet).where(Timesheet.employee_id == employee_id, Timesheet.month == first,
                                         Timesheet.status == "closed"))
    return _closed(t) if t is not None else None


def closed_months_in(s: Session, month: dt.date) -> list[ClosedMonth]:
    """Every closed timesheet of the month, by employee id."""
    first = month.replace(day=1)
    rows = s.scalars(select(Timesheet).where(Timesheet.month == first, Timesheet.status == "closed")
                     .order_by(Timesheet.employee_id))
    return [_closed(t) for t in rows]


def employed_in(s: Session, first: dt.date, last: dt.date) -> list[int]:
    """Ids of employees employed on at least one day of ``first..last`` (hired on or before ``last`` and
    not gone before ``first``)."""
    q = select(Employee.id).where(Employee.hire_date <= last,
                                  (Employee.leave_date.is_(None)) | (Employee.leave_date >= first))
    return list(s.scalars(q.order_by(Employee.id)))


def assignments_at_in(s: Session, on: dt.date) -> dict[int, Assignment]:
    """Every employee's assignment in force on ``on`` (one query), for lists and runs."""
    latest = (select(Assignment.employee_id, func.max(Assignment.effective_from).label("d"))
              .where(Assignment.effective_from <= on).group_by(Assignment.employee_id).subquery())
    rows = s.scalars(select(Assignment).join(latest, and_(Assignment.employee_id == latest.c.employee_id,
                                                          Assignment.effective_from == latest.c.d)))
    return {a.employee_id: a for a in rows}


def salary_account_in(s: Session, employee_id: int) -> SalaryAccount | None:
    e = s.get(Employee, employee_id)
    if e is None or e.user_id is None:
        return None
    row = s.get(EmployeeBankAccount, e.user_id)
    if row is None:
        return None
    return SalaryAccount(row.bank_code, row.branch_code, row.account_type, row.account_number, row.holder_kana)

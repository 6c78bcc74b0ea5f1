"""36協定: the company's agreements, and the limits dashboard: every employee's position against each limit
for a month, kept on the 月次勤務表 (one indexed page query for 10,000 employees), flags first. The months
before a month (2-6 month averages) may lie in the previous agreement year. A 管理監督者 or a 役員 (throughout
a month) is listed with their hours but never flagged, and their exempt months count in no year total, 45h
count or average (:func:`rules.working_time_limits_apply`, :func:`rules.check_limits`, computed for every
screen by :func:`positions_in`). Beside the limits, each 労働者's 「面接指導の対象（80時間超）」 (安衛法66条の8,
安衛則52条の2; :func:`rules.interview_indicated`), 管理監督者 included."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from typing import cast

from sqlalchemy import Table, bindparam, func, or_, select
from sqlalchemy.orm import Session

from ennoshita import audit
from ennoshita.actor import Actor
from ennoshita.dates import now_utc
from ennoshita.db import UnitOfWork
from ennoshita.errors import Conflict, Invalid
from ennoshita.hr import calendar, rules
from ennoshita.hr.models import Agreement, Assignment, Employee, Timesheet
from ennoshita.identity.models import Company
from ennoshita.identity.roles import require


@dataclass(frozen=True)
class AgreementInput:
    start_date: dt.date
    variable_hours: bool = False
    special_clause: bool = False
    special_monthly_minutes: int = 0
    special_yearly_minutes: int = 0
    special_months: int = 6


@dataclass(frozen=True)
class AgreementView:
    id: int | None
    start_date: dt.date
    end_date: dt.date
    variable_hours: bool
    terms: rules.AgreementTerms


def save_agreement(uow: UnitOfWork, actor: Actor, cmd: AgreementInput) -> AgreementView:
    """Record a 36協定 for the year from ``start_date`` (the ordinary limits follow the scheme)."""
    require(actor, "hr.edit")
    terms = rules.agreement_terms(cmd.variable_hours, cmd.special_clause, cmd.special_monthly_minutes,
                                  cmd.special_yearly_minutes, cmd.special_months)
    end = rules.add_months(cmd.start_date, 12) - dt.timedelta(days=1)
    with uow:
        s = uow.session
        if s.scalar(select(Agreement.id).where(Agreement.start_date == cmd.start_date)) is not None:
            raise Conflict("hr.error.agreement_exists", field="start_date", date=cmd.start_date)
        overlap = s.scalar(select(Agreement.id).where(Agreement.start_date <= end,
                                                      Agreement.end_date >= cmd.start_date))
        if overlap is not None:
            raise Invalid("hr.error.agreement_overlap", field="start_date")
        row = Agreement(start_date=cmd.start_date, end_date=end, variable_hours=cmd.variable_hours,
                        monthly_limit_minutes=terms.monthly_limit, yearly_limit_minutes=terms.yearly_limit,
                        special_clause=terms.special_clause, special_monthly_minutes=terms.special_monthly,
                        special_yearly_minutes=terms.special_yearly, special_months=terms.special_months,
                        created_at=now_utc())
        s.add(row)
        s.flush()
        m = cmd.start_date.replace(day=1)
        while m <= end:
            refresh_limits_in(s, m)
            m = rules.add_months(m, 1)
        audit.record(s, actor, "hr_agreement", row.id, "create", after={
            "start_date": cmd.start_date.isoformat(), "variable_hours": cmd.variable_hours,
            "special_clause": cmd.special_clause, "special_monthly": terms.special_monthly,
            "special_yearly": terms.special_yearly, "special_months": terms.special_months})
        uow.commit()
        return AgreementView(row.id, row.start_date, row.end_date, row.variable_hours, terms)


def agreement_for_in(s: Session, month: dt.date) -> AgreementView:
    """The agreement in force in ``month``; without one, the ordinary limits over the fiscal year (and the
    dashboard says no agreement is recorded)."""
    row = s.scalar(select(Agreement).where(Agreement.start_date <= month, Agreement.end_date >= month)
                   .order_by(Agreement.start_date.desc()).limit(1))
    if row is not None:
        return AgreementView(row.id, row.start_date, row.end_date, row.variable_hours, rules.AgreementTerms(
            row.monthly_limit_minutes, row.yearly_limit_minutes, row.special_clause, row.special_monthly_minutes,
            row.special_yearly_minutes, row.special_months))
    c = s.get(Company, 1)
    start_month = c.fiscal_year_start_month if c else 4
    start = rules.agreement_year_start(month, dt.date(month.year, start_month, 1))
    return AgreementView(None, start, rules.add_months(start, 12) - dt.timedelta(days=1), False,
                         rules.agreement_terms())


def agreements(uow: UnitOfWork, actor: Actor) -> list[AgreementView]:
    require(actor, "hr.view")
    with uow:
        rows = uow.session.scalars(select(Agreement).order_by(Agreement.start_date.desc()))
        return [AgreementView(r.id, r.start_date, r.end_date, r.variable_hours, rules.AgreementTerms(
            r.monthly_limit_minutes, r.yearly_limit_minutes, r.special_clause, r.special_monthly_minutes,
            r.special_yearly_minutes, r.special_months)) for r in rows]


@dataclass(frozen=True)
class LimitRow:
    employee_id: int
    employee_number: str
    name: str
    overtime: int
    holiday: int
    year_overtime: int
    months_over: int
    averages: dict[int, Fraction]
    flags: tuple[str, ...]
    warnings: tuple[str, ...]
    beyond_40: int = 0  # 安衛則52条の2: the month's minutes beyond 40 hours a week (rules.beyond_week_limit)
    interview: bool = False  # 面接指導の対象（80時間超）


@dataclass(frozen=True)
class Dashboard:
    month: dt.date
    agreement: AgreementView
    rows: tuple[LimitRow, ...]
    total: int
    flagged: int
    warned: int
    interview: int = 0  # 労働者 over 80 hours beyond 40 a week in the month (面接指導の対象)


@dataclass(frozen=True)
class Regime:
    """How the law sees one employee in one month: the 36協定 limits apply (a 労働者 under 32条, 35条 for some
    day of the month), and the employee is a 労働者 for the 面接指導 (安衛法) on some day of it."""

    limits_apply: bool = True
    worker: bool = True


def _month_list(first: dt.date, last: dt.date) -> list[dt.date]:
    out, m = [], first
    while m <= last:
        out.append(m)
        m = rules.add_months(m, 1)
    return out


def regimes_in(s: Session, months: list[dt.date], employee_ids: list[int] | None = None
               ) -> dict[int, dict[dt.date, Regime]]:
    """The :class:`Regime` of each month (first days, oldest first) for the employees with a 管理監督者's or a
    役員's assignment by the last of them (everyone else: the ordinary regime every month). A month's regime is
    that of the assignments in force on some day of it: one who becomes or stops being a 管理監督者 during a month
    is a 労働者 under the limits for that month (the days before or after count as a 労働者's)."""
    if not months:
        return {}
    last = calendar.month_bounds(months[-1])[1]
    special = select(Assignment.employee_id).where(
        or_(Assignment.is_manager.is_(True), Assignment.employment_type == "officer"),
        Assignment.effective_from <= last)
    if employee_ids is not None:
        special = special.where(Assignment.employee_id.in_(employee_ids))
    q = (select(Assignment.employee_id, Assignment.effective_from, Assignment.employment_type, Assignment.is_manager)
         .where(Assignment.employee_id.in_(special.distinct()), Assignment.effective_from <= last)
         .order_by(Assignment.employee_id, Assignment.effective_from))
    history: dict[int, list[tuple[dt.date, bool, bool]]] = {}
    for emp, start, etype, manager in s.execute(q):
        history.setdefault(int(emp), []).append((start, rules.working_time_limits_apply(etype, bool(manager)),
                                                 rules.interview_applies(etype)))
    out: dict[int, dict[dt.date, Regime]] = {}
    for emp, rows in history.items():
        for m in months:
            m_first, m_last = calendar.month_bounds(m)
            before = [r for r in rows if r[0] <= m_first][-1:]
            in_force = before + [r for r in rows if m_first < r[0] <= m_last]
            if in_force:
                regime = Regime(any(r[1] for r in in_force), any(r[2] for r in in_force))
                if regime != Regime():
                    out.setdefault(emp, {})[m] = regime
    return out


def positions_in(s: Session, month: dt.date, employee_ids: list[int] | None = None) -> dict[int, rules.LimitStatus]:
    """Each employee's 36協定 position in ``month`` (``employee_ids``, or everyone with a 勤務表 that month) by
    :func:`rules.check_limits` from the 勤務表 of that month, the five before it and the agreement year, with
    their exempt months marked: the one place the limit figures are summed."""
    first = month.replace(day=1)
    ag = agreement_for_in(s, first)
    year_start = ag.start_date.replace(day=1)
    back = rules.add_months(first, -5)
    months = _month_list(min(back, year_start), first)
    q = (select(Timesheet.employee_id, Timesheet.month, Timesheet.overtime_minutes, Timesheet.legal_holiday_minutes)
         .where(Timesheet.month >= months[0], Timesheet.month <= first))
    if employee_ids is not None:
        if not employee_ids:
            return {}
        q = q.where(Timesheet.employee_id.in_(employee_ids))
    else:
        q = q.where(Timesheet.employee_id.in_(select(Timesheet.employee_id).where(Timesheet.month == first)))
    figures: dict[int, dict[dt.date, tuple[int, int]]] = {e: {} for e in employee_ids or ()}
    for emp, m, ot, hol in s.execute(q):
        figures.setdefault(int(emp), {})[m] = (int(ot), int(hol))
    regimes = regimes_in(s, months, employee_ids)
    out = {}
    for emp, by_month in figures.items():
        marks = regimes.get(emp, {})
        loads = [rules.MonthLoad(m, *by_month.get(m, (0, 0)), exempt=not marks.get(m, Regime()).limits_apply)
                 for m in months]
        out[emp] = rules.check_limits([x for x in loads if x.month >= back], [x for x in loads
                                                                                 if x.month >= year_start], ag.terms)
    return out


def refresh_limits_in(s: Session, month: dt.date, employee_ids: list[int] | None = None) -> int:
    """Recompute the 36協定 position kept on each 月次勤務表 of ``month`` (all employees, or some) by
    :func:`positions_in`; returns how many were updated. Called by the month close, by every change of an open
    month, by a 異動 and when an agreement is recorded."""
    first = month.replace(day=1)
    updates = []
    for emp, st in positions_in(s, first, employee_ids).items():
        updates.append({"b_emp": emp, "limit_severity": 0 if st.flags else 1 if st.warnings else 2,
                        "limit_flags": " ".join(st.flags), "limit_warnings": " ".join(st.warnings),
                        "year_overtime_minutes": st.year_overtime, "months_over_limit": st.months_over_monthly})
    if updates:
        table = cast(Table, Timesheet.__table__)
        s.execute(table.update().where(table.c.employee_id == bindparam("b_emp"), table.c.month == first).values(
            limit_severity=bindparam("limit_severity"), limit_flags=bindparam("limit_flags"),
            limit_warnings=bindparam("limit_warnings"), year_overtime_minutes=bindparam("year_overtime_minutes"),
            months_over_limit=bindparam("months_over_limit")), updates)
    return len(updates)


def dashboard(uow: UnitOfWork, actor: Actor, month: dt.date, page: int = 1, per_page: int = 50,
              only_flagged: bool = False, only_interview: bool = False) -> Dashboard:
    """Every employee with a 勤務表 in ``month`` against each limit: flagged first, then warned, then in
    register order. Reads the position kept on the 勤務表 (see :func:`refresh_limits_in`): the page is read
    straight from the (month, severity, employee) index. ``only_interview``: only the 労働者 over 80 hours
    beyond 40 a week (面接指導の対象, :func:`rules.interview_indicated`), from the month's worked minutes."""
    require(actor, "hr.view")
    first, last = calendar.month_bounds(month)
    threshold = rules.interview_threshold(last.day)
    with uow:
        s = uow.session
        ag = agreement_for_in(s, first)
        counts = {int(sev): int(n) for sev, n in s.execute(
            select(Timesheet.limit_severity, func.count()).where(Timesheet.month == first)
            .group_by(Timesheet.limit_severity))}
        officers = list(s.scalars(select(Assignment.employee_id).where(
            Assignment.employment_type == "officer", Assignment.effective_from <= last).distinct()))
        non_workers = [e for e, by in regimes_in(s, [first], officers).items()  # 役員 (no 労働者) that month
                       if not by[first].worker] if officers else []
        over_80 = [Timesheet.month == first, Timesheet.actual_minutes > threshold]
        if non_workers:
            over_80.append(Timesheet.employee_id.not_in(non_workers))
        interview = int(s.scalar(select(func.count()).select_from(Timesheet).where(*over_80)) or 0)
        q = (select(Timesheet.employee_id, Employee.employee_number, Employee.name, Timesheet.overtime_minutes,
                    Timesheet.legal_holiday_minutes, Timesheet.year_overtime_minutes, Timesheet.months_over_limit,
                    Timesheet.limit_flags, Timesheet.limit_warnings, Timesheet.actual_minutes)
             .join(Employee, Employee.id == Timesheet.employee_id).where(Timesheet.month == first))
        if only_flagged:
            q = q.where(Timesheet.limit_severity == 0)
        if only_interview:
            q = q.where(*over_80)
        window = list(s.execute(q.order_by(Timesheet.limit_severity, Timesheet.employee_id)
                                .limit(per_page).offset((page - 1) * per_page)))
        positions = positions_in(s, first, [int(r[0]) for r in window])
        rows = []
        for r in window:
            emp, actual = int(r[0]), int(r[9])
            rows.append(LimitRow(emp, r[1], r[2], int(r[3]), int(r[4]), int(r[5]), int(r[6]),
                                 positions[emp].averages, tuple(r[7].split()), tuple(r[8].split()),
                                 rules.beyond_week_limit(actual, last.day),
                                 rules.interview_indicated(actual, last.day, emp not in non_workers)))
        if only_interview:
            total = interview if not only_flagged else int(s.scalar(
                select(func.count()).select_from(Timesheet).where(*over_80, Timesheet.limit_severity == 0)) or 0)
        else:
            total = counts.get(0, 0) if only_flagged else sum(counts.values())
    return Dashboard(first, ag, tuple(rows), total, counts.get(0, 0), counts.get(1, 0), interview)


def employee_limits_in(s: Session, employee_id: int, month: dt.date) -> rules.LimitStatus:
    """One employee's status for ``month`` through the full rule (used by the tests and the API detail)."""
    return positions_in(s, month, [employee_id])[employee_id]

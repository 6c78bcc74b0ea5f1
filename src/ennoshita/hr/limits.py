"""36協定: the company's agreements, and the limits dashboard: every employee's position against each limit
for a month, from the 月次勤務表 figures aggregated in one SQL query (10,000 employees in well under 100 ms),
flags first. The months before a month (2-6 month averages) may lie in the previous agreement year. A
管理監督者 or a 役員 (throughout the month) is listed with their hours but never flagged: the limits are not theirs
(:func:`rules.working_time_limits_apply`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import cast

from sqlalchemy import Table, and_, bindparam, case, func, select
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
            raise Conflict("hr.error.agreement_exists", field="start_date", date=cmd.start_date.isoformat())
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


@dataclass(frozen=True)
class Dashboard:
    month: dt.date
    agreement: AgreementView
    rows: tuple[LimitRow, ...]
    total: int
    flagged: int
    warned: int


def exempt_in(s: Session, month: dt.date, employee_ids: list[int] | None = None) -> set[int]:
    """Employees to whom the 36協定 limits do not apply in ``month`` (:func:`rules.working_time_limits_apply`):
    every assignment in force on a day of the month is a 管理監督者's or a 役員's. One who becomes or stops being
    one during the month is checked (the days before or after count as a 労働者's)."""
    first, last = calendar.month_bounds(month)
    earlier = Assignment.__table__.alias("earlier")
    in_force_on_first = (select(func.max(earlier.c.effective_from))
                         .where(earlier.c.employee_id == Assignment.employee_id, earlier.c.effective_from <= first)
                         .correlate(Assignment).scalar_subquery())
    q = select(Assignment.employee_id, Assignment.employment_type, Assignment.is_manager).where(
        Assignment.effective_from <= last,
        Assignment.effective_from >= func.coalesce(in_force_on_first, dt.date.min))
    if employee_ids is not None:
        q = q.where(Assignment.employee_id.in_(employee_ids))
    applies: dict[int, bool] = {}
    for emp, etype, manager in s.execute(q):
        applies[int(emp)] = applies.get(int(emp), False) or rules.working_time_limits_apply(etype, bool(manager))
    return {emp for emp, a in applies.items() if not a}


def refresh_limits_in(s: Session, month: dt.date, employee_ids: list[int] | None = None) -> int:
    """Recompute the 36協定 position kept on each 月次勤務表 of ``month`` (all employees, or some) from the
    figures of that month, the five before it and the agreement year; returns how many were updated. Called by
    the month close, by every change of an open month and when an agreement is recorded."""
    first = month.replace(day=1)
    ag = agreement_for_in(s, first)
    terms = ag.terms
    year_start = ag.start_date.replace(day=1)
    back = [rules.add_months(first, -k) for k in range(6)]
    oldest = min(back[-1], year_start)
    tot = Timesheet.overtime_minutes + Timesheet.legal_holiday_minutes
    cols = [
        func.sum(case((Timesheet.month == first, Timesheet.overtime_minutes), else_=0)),
        func.sum(case((Timesheet.month == first, Timesheet.legal_holiday_minutes), else_=0)),
        *[func.sum(case((Timesheet.month == m, tot), else_=0)) for m in back[1:]],
        func.sum(case((Timesheet.month >= year_start, Timesheet.overtime_minutes), else_=0)),
        func.sum(case((and_(Timesheet.month >= year_start,
                            Timesheet.overtime_minutes > terms.monthly_limit), 1), else_=0)),
    ]
    q = select(Timesheet.employee_id, *cols).where(Timesheet.month >= oldest, Timesheet.month <= first)
    if employee_ids is not None:
        if not employee_ids:
            return 0
        q = q.where(Timesheet.employee_id.in_(employee_ids))
    exempt = exempt_in(s, first, employee_ids)
    updates = []
    for r in s.execute(q.group_by(Timesheet.employee_id)):
        ot, hol = int(r[1] or 0), int(r[2] or 0)
        totals = [ot + hol, *(int(x or 0) for x in r[3:8])]
        year_ot, over = int(r[8] or 0), int(r[9] or 0)
        flags: tuple[str, ...] = ()
        warns: tuple[str, ...] = ()
        if int(r[0]) in exempt:  # 管理監督者 (労基法41条2号) or 役員 (9条): hours kept, no limit
            over = 0
        else:
            flags, warns = rules.limit_flags(ot, hol, totals, year_ot, over, terms)
        updates.append({"b_emp": int(r[0]), "limit_severity": 0 if flags else 1 if warns else 2,
                        "limit_flags": " ".join(flags), "limit_warnings": " ".join(warns),
                        "year_overtime_minutes": year_ot, "months_over_limit": over})
    if updates:
        table = cast(Table, Timesheet.__table__)
        s.execute(table.update().where(table.c.employee_id == bindparam("b_emp"), table.c.month == first).values(
            limit_severity=bindparam("limit_severity"), limit_flags=bindparam("limit_flags"),
            limit_warnings=bindparam("limit_warnings"), year_overtime_minutes=bindparam("year_overtime_minutes"),
            months_over_limit=bindparam("months_over_limit")), updates)
    return len(updates)


def dashboard(uow: UnitOfWork, actor: Actor, month: dt.date, page: int = 1, per_page: int = 50,
              only_flagged: bool = False) -> Dashboard:
    """Every employee with a 勤務表 in ``month`` against each limit: flagged first, then warned, then in
    register order. Reads the position kept on the 勤務表 (see :func:`refresh_limits_in`): the page is read
    straight from the (month, severity, employee) index."""
    require(actor, "hr.view")
    first = month.replace(day=1)
    with uow:
        s = uow.session
        ag = agreement_for_in(s, first)
        counts = {int(sev): int(n) for sev, n in s.execute(
            select(Timesheet.limit_severity, func.count()).where(Timesheet.month == first)
            .group_by(Timesheet.limit_severity))}
        q = (select(Timesheet.employee_id, Employee.employee_number, Employee.name, Timesheet.overtime_minutes,
                    Timesheet.legal_holiday_minutes, Timesheet.year_overtime_minutes, Timesheet.months_over_limit,
                    Timesheet.limit_flags, Timesheet.limit_warnings)
             .join(Employee, Employee.id == Timesheet.employee_id).where(Timesheet.month == first))
        if only_flagged:
            q = q.where(Timesheet.limit_severity == 0)
        window = list(s.execute(q.order_by(Timesheet.limit_severity, Timesheet.employee_id)
                                .limit(per_page).offset((page - 1) * per_page)))
        back = [rules.add_months(first, -k) for k in range(6)]
        totals: dict[int, dict[dt.date, int]] = {}
        if window:
            for emp, m, ot, hol in s.execute(select(Timesheet.employee_id, Timesheet.month,
                                                    Timesheet.overtime_minutes, Timesheet.legal_holiday_minutes)
                                             .where(Timesheet.employee_id.in_([r[0] for r in window]),
                                                    Timesheet.month >= back[-1], Timesheet.month <= first)):
                totals.setdefault(int(emp), {})[m] = int(ot) + int(hol)
        rows = []
        for r in window:
            series = [totals.get(int(r[0]), {}).get(m, 0) for m in back]
            rows.append(LimitRow(int(r[0]), r[1], r[2], int(r[3]), int(r[4]), int(r[5]), int(r[6]),
                                 {n: Fraction(sum(series[:n]), n) for n in range(2, 7)},
                                 tuple(r[7].split()), tuple(r[8].split())))
        total = counts.get(0, 0) if only_flagged else sum(counts.values())
    return Dashboard(first, ag, tuple(rows), total, counts.get(0, 0), counts.get(1, 0))


def employee_limits_in(s: Session, employee_id: int, month: dt.date) -> rules.LimitStatus:
    """One employee's status for ``month`` through the full rule (used by the tests and the API detail)."""
    first = month.replace(day=1)
    ag = agreement_for_in(s, first)
    year_start = ag.start_date.replace(day=1)
    back = [rules.add_months(first, -k) for k in range(5, -1, -1)]
    oldest = min(back[0], year_start)
    by_month = {t.month: t for t in s.scalars(select(Timesheet).where(
        Timesheet.employee_id == employee_id, Timesheet.month >= oldest, Timesheet.month <= first))}

    def load(m: dt.date) -> rules.MonthLoad:
        t = by_month.get(m)
        return rules.MonthLoad(m, t.overtime_minutes if t else 0, t.legal_holiday_minutes if t else 0)

    year = []
    m = year_start
    while m <= first:
        year.append(load(m))
        m = rules.add_months(m, 1)
    status = rules.check_limits([load(x) for x in back], year, ag.terms)
    if employee_id in exempt_in(s, first, [employee_id]):  # 管理監督者 or 役員: the limits are not theirs
        return replace(status, months_over_monthly=0, flags=(), warnings=())
    return status

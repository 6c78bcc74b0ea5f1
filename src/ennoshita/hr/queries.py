"""人事 read models: the register (paged and filtered in SQL, with each employee's assignment in force), the
org chart by department, a department head's team, the 年次有給休暇管理簿 (paged: exact balances for the
page), its CSV export, and the 年5日取得義務 list (one aggregate query over every employee)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Subquery

from ennoshita.actor import Actor
from ennoshita.db import UnitOfWork
from ennoshita.errors import Forbidden
from ennoshita.hr import calendar, rules
from ennoshita.hr.leave import as_grants, as_taken
from ennoshita.hr.models import Assignment, Employee, LeaveGrant, LeaveTaken
from ennoshita.hr.team import heads_of
from ennoshita.identity.roles import can, require
from ennoshita.security import cells


@dataclass(frozen=True)
class EmployeeRow:
    id: int
    employee_number: str
    name: str
    name_kana: str
    hire_date: dt.date
    leave_date: dt.date | None
    department: str
    position: str
    employment_type: str
    weekly_days: int
    weekly_minutes: int


def _current(on: dt.date) -> Subquery:
    latest = (select(Assignment.employee_id, func.max(Assignment.effective_from).label("d"))
              .where(Assignment.effective_from <= on).group_by(Assignment.employee_id).subquery())
    return latest


def employee_rows(s: Session, on: dt.date, *, department: str | None = None, search: str = "",
                  include_left: bool = False, ids: list[int] | None = None, page: int = 1, per_page: int = 50
                  ) -> tuple[list[EmployeeRow], int]:
    """A page of the register on ``on`` with each employee's assignment in force. Without a department filter
    the page is taken from the employees table alone (its number index), then the page's assignments are read."""
    q = select(Employee.id)
    if department:
        latest = _current(on)
        q = (q.join(latest, latest.c.employee_id == Employee.id)
             .join(Assignment, and_(Assignment.employee_id == Employee.id, Assignment.effective_from == latest.c.d))
             .where(Assignment.department == department))
    if search.strip():
        like = f"%{search.strip()}%"
        q = q.where(or_(Employee.name.like(like), Employee.name_kana.like(like), Employee.employee_number.like(like)))
    if not include_left:
        q = q.where(or_(Employee.leave_date.is_(None), Employee.leave_date >= on))
    if ids is not None:
        q = q.where(Employee.id.in_(ids))
    total = s.scalar(select(func.count()).select_from(q.subquery())) or 0
    page_ids = list(s.scalars(q.order_by(Employee.employee_number).limit(per_page).offset((page - 1) * per_page)))
    if not page_ids:
        return [], int(total)
    people = {e.id: e for e in s.scalars(select(Employee).where(Employee.id.in_(page_ids)))}
    current: dict[int, Assignment] = {}
    first: dict[int, Assignment] = {}
    for a in s.scalars(select(Assignment).where(Assignment.employee_id.in_(page_ids))
                       .order_by(Assignment.employee_id, Assignment.effective_from)):
        first.setdefault(a.employee_id, a)
        if a.effective_from <= on:
            current[a.employee_id] = a
    rows = []
    for i in page_ids:
        e = people[i]
        asg = current.get(i) or first.get(i)
        if asg is None:
            continue
        rows.append(EmployeeRow(e.id, e.employee_number, e.name, e.name_kana, e.hire_date, e.leave_date,
                                asg.department, asg.position, asg.employment_type, asg.weekly_days,
                                asg.weekly_minutes))
    return rows, int(total)


def list_employees(uow: UnitOfWork, actor: Actor, on: dt.date, *, department: str | None = None, search: str = "",
                   include_left: bool = False, page: int = 1, per_page: int = 50) -> tuple[list[EmployeeRow], int]:
    """社員名簿 (hr.view), or a department head's own team."""
    with uow:
        s = uow.session
        if not can(actor, "hr.view"):
            heads = heads_of(s, actor)
            if not heads or (department is not None and department not in heads):
                raise Forbidden("error.forbidden", capability="hr.view")
            rows, total = [], 0
            for dep in sorted(heads if department is None else {department}):
                part, n = employee_rows(s, on, department=dep, search=search, page=page, per_page=per_page)
                rows += part
                total += n
            return rows, total
        return employee_rows(s, on, department=department, search=search, include_left=include_left, page=page,
                             per_page=per_page)


@dataclass(frozen=True)
class OrgUnit:
    department: str
    head_user_id: int | None
    members: tuple[EmployeeRow, ...]


def org_chart(uow: UnitOfWork, actor: Actor, on: dt.date) -> list[OrgUnit]:
    """組織図: departments (in the ledger's 部門 order when known) with their members on ``on``."""
    require(actor, "hr.view")
    from ennoshita.approvals.models import DepartmentHead
    from ennoshita.ledger.models import Department

    with uow:
        s = uow.session
        rows, _ = employee_rows(s, on, per_page=100_000)
        order = {name: i for i, name in enumerate(s.scalars(select(Department.name).order_by(Department.code)))}
        heads = {h.department: h.user_id for h in s.scalars(select(DepartmentHead))}
        by_dep: dict[str, list[EmployeeRow]] = {}
        for r in rows:
            by_dep.setdefault(r.department, []).append(r)
        units = [OrgUnit(d, heads.get(d), tuple(m)) for d, m in by_dep.items()]
        return sorted(units, key=lambda u: (order.get(u.department, 999), u.department))


def departments(uow: UnitOfWork) -> list[str]:
    with uow:
        s = uow.session
        return sorted(set(s.scalars(select(Assignment.department).distinct())))


def unlinked_users(uow: UnitOfWork) -> list[tuple[int, str]]:
    """Active login accounts no employee is tied to yet, as (id, "name <email>") for the 入社登録 select."""
    from ennoshita.identity.models import User

    with uow:
        s = uow.session
        linked = select(Employee.user_id).where(Employee.user_id.is_not(None))
        rows = s.execute(select(User.id, User.display_name, User.email).where(
            User.active.is_(True), User.id.not_in(linked)).order_by(User.display_name))
        return [(uid, f"{name}（{email}）") for uid, name, email in rows]


# --- 年次有給休暇管理簿 ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerRow:
    employee_id: int
    employee_number: str
    name: str
    department: str
    grant_date: dt.date | None  # 基準日 of the latest grant
    granted: Fraction
    taken_dates: tuple[tuple[dt.date, str], ...]  # 時季: (date, unit) in the latest grant's year
    taken_days: Fraction  # 日数 in the latest grant's year
    balance: Fraction
    obligation: rules.Obligation | None


def _ledger_rows(s: Session, rows: list[EmployeeRow], on: dt.date) -> list[LedgerRow]:
    ids = [r.id for r in rows]
    grants: dict[int, list[LeaveGrant]] = {}
    for g in s.scalars(select(LeaveGrant).where(LeaveGrant.employee_id.in_(ids), LeaveGrant.grant_date <= on)
                       .order_by(LeaveGrant.grant_date)):
        grants.setdefault(g.employee_id, []).append(g)
    taken: dict[int, list[LeaveTaken]] = {}
    for t in s.scalars(select(LeaveTaken).where(LeaveTaken.employee_id.in_(ids), LeaveTaken.status == "approved")
                       .order_by(LeaveTaken.leave_date)):
        taken.setdefault(t.employee_id, []).append(t)
    newest_first = calendar.settings(s).newest_first
    out = []
    for r in rows:
        gs = grants.get(r.id, [])
        ts = taken.get(r.id, [])
        bal = rules.balance(as_grants(gs), as_taken(ts), on, newest_first)
        latest = gs[-1] if gs else None
        if latest is not None:
            end = rules.add_months(latest.grant_date, 12) - dt.timedelta(days=1)
            year = [t for t in ts if latest.grant_date <= t.leave_date <= min(end, on)]
        else:
            year = []
        out.append(LedgerRow(r.id, r.employee_number, r.name, r.department,
                             latest.grant_date if latest else None, Fraction(latest.days) if latest else Fraction(0),
                             tuple((t.leave_date, t.unit) for t in year),
                             sum((x.days for x in as_taken(year)), Fraction(0)), bal.balance,
                             rules.five_day_obligation(as_grants([g for g in gs if g.kind != "opening"]),
                                                       as_taken(ts), on)))
    return out


def leave_ledger(uow: UnitOfWork, actor: Actor, on: dt.date, *, department: str | None = None, search: str = "",
                 page: int = 1, per_page: int = 50) -> tuple[list[LedgerRow], int]:
    """年次有給休暇管理簿 on ``on``: 基準日, days granted, dates and days taken, balance (paged)."""
    require(actor, "hr.view")
    with uow:
        s = uow.session
        rows, total = employee_rows(s, on, department=department, search=search, page=page, per_page=per_page)
        return _ledger_rows(s, rows, on), total


def leave_ledger_csv(uow: UnitOfWork, actor: Actor, on: dt.date) -> Iterator[str]:
    """The whole 管理簿 as CSV lines (UTF-8 with BOM for Excel), in batches of 500 employees."""
    require(actor, "hr.view")
    yield "\ufeff"
    buf = io.StringIO()
    w = cells.writer(buf)
    w.writerow(["社員番号", "氏名", "所属", "基準日", "付与日数", "取得日（時季）", "取得日数", "残日数",
                "年5日 期限", "年5日 取得済"])
    yield buf.getvalue()
    page = 1
    while True:
        with uow:
            s = uow.session
            rows, total = employee_rows(s, on, include_left=True, page=page, per_page=500)
            ledger = _ledger_rows(s, rows, on)
        for r in ledger:
            buf = io.StringIO()
            cells.writer(buf).writerow([
                r.employee_number, r.name, r.department, r.grant_date.isoformat() if r.grant_date else "",
                rules.format_days(r.granted),
                " ".join(d.isoformat() + ("(半)" if u == "half" else "(時)" if u == "hour" else "")
                         for d, u in r.taken_dates),
                rules.format_days(r.taken_days), rules.format_days(r.balance),
                r.obligation.due_by.isoformat() if r.obligation else "",
                rules.format_days(r.obligation.taken) if r.obligation else ""])
            yield buf.getvalue()
        if page * 500 >= total:
            break
        page += 1


@dataclass(frozen=True)
class ObligationRow:
    employee_id: int
    employee_number: str
    name: str
    grant_date: dt.date
    due_by: dt.date
    taken: Decimal
    at_risk: bool
    overdue: bool


def obligations(uow: UnitOfWork, actor: Actor, on: dt.date, warn_days: int = 90, only_at_risk: bool = True,
                limit: int = 200, offset: int = 0) -> tuple[list[ObligationRow], int]:
    """年5日取得義務: every employee whose latest grant of 10 days or more is in its year on ``on``, with the
    days taken since (full and half days, approved): at risk first. One aggregate query; the at-risk list (the
    screen's) is filtered, counted, ordered and cut to ``limit`` rows from ``offset`` in the database."""
    require(actor, "hr.view")
    window_start = rules.add_months(on, -12) + dt.timedelta(days=1)
    # at risk: the grant's year (grant_date .. grant_date + 1 year - 1) ends within warn_days of ``on``, so
    # only grants made between a year ago and a year less warn_days ago can be (an indexed range)
    newest = rules.add_months(on + dt.timedelta(days=warn_days + 1), -12) if only_at_risk else on
    with uow:
        s = uow.session
        latest = (select(LeaveGrant.employee_id, func.max(LeaveGrant.grant_date).label("g"))
                  .where(LeaveGrant.days >= 10, LeaveGrant.kind != "opening", LeaveGrant.grant_date <= min(on, newest),
                         LeaveGrant.grant_date >= window_start)
                  .group_by(LeaveGrant.employee_id).subquery())
        taken = func.coalesce(func.sum(LeaveTaken.days), 0)
        q = (select(Employee.id, Employee.employee_number, Employee.name, latest.c.g, taken)
             .join(latest, latest.c.employee_id == Employee.id)
             .outerjoin(LeaveTaken, and_(LeaveTaken.employee_id == Employee.id, LeaveTaken.status == "approved",
                                         LeaveTaken.unit != "hour", LeaveTaken.leave_date >= latest.c.g))
             .where(or_(Employee.leave_date.is_(None), Employee.leave_date >= on))
             .group_by(Employee.id, Employee.employee_number, Employee.name, latest.c.g))
        if only_at_risk:
            # The grant-date bound already puts every due date within warn_days of ``on`` (due = grant + 1 year
            # - 1 day <= on + warn_days), so at risk is "fewer than 5 days taken": a HAVING. Due dates rise with
            # grant dates, so the database orders by grant date; the page is then put in (due, number) order,
            # which differs only for grants of 2/28 and 2/29 of one leap year (they share a due date).
            page = list(s.execute(q.add_columns(func.count().over().label("total")).having(taken < 5)
                                  .order_by(latest.c.g, Employee.employee_number).limit(limit).offset(offset)))
            total = int(page[0][-1]) if page else (
                0 if offset == 0 else int(s.scalar(select(func.count()).select_from(q.having(taken < 5).subquery()))
                                          or 0))
            rows = [ObligationRow(eid, number, name, gdate, rules.add_months(gdate, 12) - dt.timedelta(days=1),
                                  Decimal(days), True, False) for eid, number, name, gdate, days, _total in page]
            rows.sort(key=lambda r: (r.due_by, r.employee_number))
            return rows, total
        out = []
        for eid, number, name, gdate, days in s.execute(q):
            due = rules.add_months(gdate, 12) - dt.timedelta(days=1)
            d = Decimal(days)
            risk = d < 5 and (due - on).days <= warn_days
            out.append(ObligationRow(eid, number, name, gdate, due, d, risk, False))
        out.sort(key=lambda r: (not r.at_risk, r.due_by, r.employee_number))
        return out[offset:offset + limit], len(out)

"""月次勤務表: one employee's month (days and figures), 人事's month close for every employee at once (bulk:
a few queries whatever the headcount), and the attendance requests (勤怠修正・残業申請) on the 稟議 route."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, select
from sqlalchemy.orm import Session

from ennoshita import audit, events
from ennoshita.actor import Actor
from ennoshita.dates import now_utc
from ennoshita.db import UnitOfWork
from ennoshita.errors import Forbidden, Invalid, NotFound, Problem
from ennoshita.hr import approval, calendar, rules
from ennoshita.hr.attendance import apply, compute_month, recompute_month_in, require_open, save_day_in, self_employee
from ennoshita.hr.calendar import local
from ennoshita.hr.employees import assignment_at, load, may_view
from ennoshita.hr.models import (
    Assignment,
    AttendanceBreak,
    AttendanceDay,
    AttendanceRequest,
    Employee,
    LeaveTaken,
    Timesheet,
)
from ennoshita.i18n import stored
from ennoshita.identity.roles import require


@dataclass(frozen=True)
class DayRow:
    work_date: dt.date
    day_kind: str
    clock_in: dt.datetime | None
    clock_out: dt.datetime | None
    break_minutes: int
    scheduled: int
    actual: int
    overtime: int
    legal_holiday: int
    night: int
    leave: str  # "", day, half, hour


@dataclass(frozen=True)
class SheetView:
    employee_id: int
    employee_number: str
    name: str
    department: str
    month: dt.date
    status: str
    scheduled_days: int
    worked_days: int
    absence_days: int
    leave_days: Decimal  # 年休 days (halves allowed)
    leave_hours: int
    scheduled_minutes: int
    actual_minutes: int
    overtime_minutes: int
    overtime_over60_minutes: int
    legal_holiday_minutes: int
    night_minutes: int
    days: tuple[DayRow, ...]


def timesheet(uow: UnitOfWork, actor: Actor, employee_id: int | None, month: dt.date) -> SheetView:
    """The month of one employee (the actor's own when ``employee_id`` is None), computed if still open."""
    first, last = calendar.month_bounds(month)
    with uow:
        s = uow.session
        e = self_employee(s, actor) if employee_id is None else load(s, employee_id)
        if not may_view(s, actor, e):
            raise Forbidden("error.forbidden", capability="hr.view")
        t = recompute_month_in(s, e, first)
        assert t is not None
        cfg = calendar.settings(s)
        a = assignment_at(s, e.id, last)
        rows = {d.work_date: d for d in s.scalars(select(AttendanceDay).where(
            AttendanceDay.employee_id == e.id, AttendanceDay.work_date >= first, AttendanceDay.work_date <= last))}
        leave = {lv.leave_date: lv.unit for lv in s.scalars(select(LeaveTaken).where(
            LeaveTaken.employee_id == e.id, LeaveTaken.leave_date >= first, LeaveTaken.leave_date <= last,
            LeaveTaken.status == "approved"))}
        from ennoshita.hr.employees import history

        hist = history(s, e.id)
        days = []
        for day in calendar.days(first, last):
            d = rows.get(day)
            kind = calendar.day_kind(day, calendar.assignment_on(hist, day), cfg)
            sched = d.scheduled_minutes if d else (calendar.assignment_on(hist, day).daily_minutes  # type: ignore[union-attr]
                                                   if kind == "workday" and calendar.employed(e, day) else 0)
            days.append(DayRow(day, kind, local(d.clock_in) if d and d.clock_in else None,
                               local(d.clock_out) if d and d.clock_out else None, d.break_minutes if d else 0,
                               sched, d.actual_minutes if d else 0, d.overtime_minutes if d else 0,
                               d.legal_holiday_minutes if d else 0, d.night_minutes if d else 0, leave.get(day, "")))
        view = SheetView(e.id, e.employee_number, e.name, a.department if a else "", first, t.status,
                         t.scheduled_days, t.worked_days, t.absence_days, Decimal(t.leave_days), t.leave_hours,
                         t.scheduled_minutes, t.actual_minutes, t.overtime_minutes, t.overtime_over60_minutes,
                         t.legal_holiday_minutes, t.night_minutes, tuple(days))
        uow.commit()
    return view


SHEET_COLUMNS = ("scheduled_days", "worked_days", "absence_days", "leave_days", "leave_hours", "scheduled_minutes",
                 "actual_minutes", "overtime_minutes", "overtime_over60_minutes", "legal_holiday_minutes",
                 "night_minutes")


@dataclass(frozen=True)
class CloseResult:
    month: dt.date
    closed: int
    already_closed: int
    problems: tuple[Problem, ...]


def close_month(uow: UnitOfWork, actor: Actor, month: dt.date) -> CloseResult:
    """締め: compute and close the 月次勤務表 of every employee employed in the month. An employee with a
    shift still open (clocked in, not out) stays open and is listed; the others close. Closed months are
    immutable: days, leave and requests in them are refused afterwards."""
    require(actor, "hr.edit")
    first, last = calendar.month_bounds(month)
    with uow:
        s = uow.session
        cfg = calendar.settings(s)
        wk0 = rules.week_start_of(first, cfg.week_start)
        emps = list(s.scalars(select(Employee).where(Employee.hire_date <= last, (Employee.leave_date.is_(None))
                                                     | (Employee.leave_date >= first)).order_by(Employee.id)))
        ids = [e.id for e in emps]
        assigns: dict[int, list[Assignment]] = defaultdict(list)
        for a in s.scalars(select(Assignment).order_by(Assignment.employee_id, Assignment.effective_from)):
            assigns[a.employee_id].append(a)
        days: dict[int, list[Any]] = defaultdict(list)
        cols = (AttendanceDay.id, AttendanceDay.employee_id, AttendanceDay.work_date, AttendanceDay.clock_in,
                AttendanceDay.clock_out, AttendanceDay.break_minutes, AttendanceDay.actual_minutes,
                AttendanceDay.overtime_minutes, AttendanceDay.legal_holiday_minutes, AttendanceDay.night_minutes)
        for d in s.execute(select(*cols).where(AttendanceDay.work_date >= wk0, AttendanceDay.work_date <= last)
                           .order_by(AttendanceDay.employee_id, AttendanceDay.work_date)):
            days[d.employee_id].append(d)
        breaks: dict[int, list[AttendanceBreak]] = defaultdict(list)
        for b in s.scalars(select(AttendanceBreak).join(AttendanceDay, AttendanceDay.id == AttendanceBreak.day_id)
                           .where(AttendanceDay.work_date >= wk0, AttendanceDay.work_date <= last)):
            breaks[b.day_id].append(b)
        leave: dict[int, list[LeaveTaken]] = defaultdict(list)
        for lv in s.scalars(select(LeaveTaken).where(LeaveTaken.leave_date >= first, LeaveTaken.leave_date <= last,
                                                     LeaveTaken.status == "approved")):
            leave[lv.employee_id].append(lv)
        sheets = {t.employee_id: t for t in s.scalars(select(Timesheet).where(Timesheet.month == first))}
        problems: list[Problem] = []
        closed = already = 0
        now = now_utc()
        day_updates: list[dict[str, Any]] = []
        new_sheets: list[dict[str, Any]] = []
        for e in emps:
            t = sheets.get(e.id)
            if t is not None and t.status == "closed":
                already += 1
                continue
            rows = days.get(e.id, [])
            open_days = [d for d in rows if d.clock_in is not None and d.clock_out is None and d.work_date >= first]
            if open_days:
                problems.append(Problem("hr.error.open_shift", "employee", {
                    "number": e.employee_number, "date": open_days[0].work_date}))
                continue
            computed, by_id = compute_month(e, assigns.get(e.id, []), rows, breaks, leave.get(e.id, []), first, cfg)
            for d in rows:
                f = by_id.get(d.id)
                if f is not None and d.work_date >= first and (d.actual_minutes, d.overtime_minutes, d.night_minutes,
                                                                d.legal_holiday_minutes) != (
                        f.actual, f.overtime, f.night, f.legal_holiday):
                    day_updates.append({"b_id": d.id, "actual_minutes": f.actual, "overtime_minutes": f.overtime,
                                        "night_minutes": f.night, "legal_holiday_minutes": f.legal_holiday})
            if t is None:
                t = Timesheet(employee_id=e.id, month=first)
                apply(t, computed)
                new_sheets.append({c: getattr(t, c) for c in SHEET_COLUMNS} | {
                    "employee_id": e.id, "month": first, "status": "closed", "closed_at": now,
                    "closed_by": actor.user_id})
            else:
                apply(t, computed)
                t.status, t.closed_at, t.closed_by = "closed", now, actor.user_id
            closed += 1
        if day_updates:
            table = cast(Table, AttendanceDay.__table__)
            s.execute(table.update().where(table.c.id == bindparam("b_id")).values(
                actual_minutes=bindparam("actual_minutes"), overtime_minutes=bindparam("overtime_minutes"),
                night_minutes=bindparam("night_minutes"), legal_holiday_minutes=bindparam("legal_holiday_minutes")),
                day_updates)
        if new_sheets:
            s.execute(insert(Timesheet), new_sheets)
        from ennoshita.hr.limits import refresh_limits_in

        refresh_limits_in(s, first)
        s.flush()
        audit.record(s, actor, "hr_month", first.isoformat(), "close", after={
            "closed": closed, "already_closed": already, "open": [p.params["number"] for p in problems],
            "employees": len(ids)})
        uow.commit()
    return CloseResult(first, closed, already, tuple(problems))


@dataclass(frozen=True)
class SheetRow:
    employee_id: int
    employee_number: str
    name: str
    status: str
    worked_days: int
    actual_minutes: int
    overtime_minutes: int
    legal_holiday_minutes: int
    night_minutes: int


def month_list(uow: UnitOfWork, actor: Actor, month: dt.date, page: int = 1, per_page: int = 50
               ) -> tuple[list[SheetRow], int]:
    """Every employee's timesheet row for the month (paged in SQL); employees without one yet show zeros."""
    require(actor, "hr.view")
    first, last = calendar.month_bounds(month)
    with uow:
        s = uow.session
        base = select(Employee.id).where(Employee.hire_date <= last,
                                         (Employee.leave_date.is_(None)) | (Employee.leave_date >= first))
        total = s.scalar(select(func.count()).select_from(base.subquery())) or 0
        q = (select(Employee.id, Employee.employee_number, Employee.name, Timesheet.status, Timesheet.worked_days,
                    Timesheet.actual_minutes, Timesheet.overtime_minutes, Timesheet.legal_holiday_minutes,
                    Timesheet.night_minutes)
             .outerjoin(Timesheet, (Timesheet.employee_id == Employee.id) & (Timesheet.month == first))
             .where(Employee.id.in_(base)).order_by(Employee.employee_number)
             .limit(per_page).offset((page - 1) * per_page))
        rows = [SheetRow(r[0], r[1], r[2], r[3] or "open", r[4] or 0, r[5] or 0, r[6] or 0, r[7] or 0, r[8] or 0)
                for r in s.execute(q)]
    return rows, int(total)


# --- 勤怠修正・残業申請 ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestInput:
    kind: str  # correction / overtime
    work_date: dt.date
    clock_in: dt.datetime | None = None
    clock_out: dt.datetime | None = None
    break_minutes: int = 0
    minutes: int = 0
    reason: str = ""


def submit_request(uow: UnitOfWork, actor: Actor, cmd: RequestInput) -> int:
    """The employee asks for a correction of a day (new times) or for overtime; the department head (or 人事)
    approves on the route; an approved correction replaces the day."""
    require(actor, "hr.self")
    if cmd.kind not in ("correction", "overtime"):
        raise Invalid("hr.error.request_kind", field="kind")
    if not cmd.reason.strip():
        raise Invalid("hr.error.required", field="reason")
    with uow:
        s = uow.session
        e = self_employee(s, actor)
        require_open(s, e.id, cmd.work_date)
        if cmd.kind == "correction":
            if cmd.clock_in is None or cmd.clock_out is None:
                raise Invalid("hr.error.required", field="clock_in" if cmd.clock_in is None else "clock_out")
            rules.check_shift(rules.Shift(cmd.work_date, cmd.clock_in, cmd.clock_out, cmd.break_minutes))
        elif cmd.minutes <= 0:
            raise Invalid("hr.error.overtime_minutes", field="minutes")
        row = AttendanceRequest(employee_id=e.id, kind=cmd.kind, work_date=cmd.work_date,
                                clock_in=calendar.stored(cmd.clock_in) if cmd.clock_in else None,
                                clock_out=calendar.stored(cmd.clock_out) if cmd.clock_out else None,
                                break_minutes=cmd.break_minutes, minutes=cmd.minutes, reason=cmd.reason.strip(),
                                status="pending_approval", requested_by=actor.user_id, created_at=now_utc())
        s.add(row)
        s.flush()
        audit.record(s, actor, "hr_attendance_request", row.id, "request", after={
            "kind": cmd.kind, "date": cmd.work_date.isoformat(), "employee": e.employee_number})
        a = assignment_at(s, e.id, cmd.work_date)
        key = "approvals.title.attendance_correction" if cmd.kind == "correction" else "approvals.title.overtime"
        approval.submit_in(s, actor, "attendance", row.id, f"AT-{row.id:06d}",
                           stored(key, name=e.name, date=cmd.work_date), a.department if a else "")
        uow.commit()
        return row.id


def _on_outcome(outcome: str) -> events.Handler:
    def handler(s: Session, actor: Actor, data: dict[str, Any]) -> None:
        if data.get("document_type") not in approval.ATTENDANCE_TYPES:
            return
        row = s.get(AttendanceRequest, int(data["document_id"]))
        if row is None or row.status != "pending_approval":
            return
        row.status = {"approved": "approved", "rejected": "rejected"}.get(outcome, "withdrawn")
        row.decided_at = now_utc()
        audit.record(s, actor, "hr_attendance_request", row.id, outcome, after={"status": row.status})
        if outcome == "approved" and row.kind == "correction" and row.clock_in and row.clock_out:
            e = s.get(Employee, row.employee_id)
            if e is None:
                raise NotFound("hr.error.employee_not_found", field="employee_id", id=row.employee_id)
            save_day_in(s, actor, e, row.work_date, local(row.clock_in), local(row.clock_out), row.break_minutes,
                        "correction", note=row.reason[:200])
    return handler


for _outcome in ("approved", "rejected", "sent_back", "withdrawn"):
    events.subscribe(f"approvals.{_outcome}", _on_outcome(_outcome))

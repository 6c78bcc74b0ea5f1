"""One 年休申請 or 勤怠修正・残業申請 as its approver sees it: the employee, the dates and times, the reason and,
for leave, the balance now with what is already waiting for approval. Read by hr.view, the employee, the head
of their department, or anyone who may decide (or has decided) it on the approval route."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session

from ennoshita.actor import Actor
from ennoshita.approvals import services as approvals
from ennoshita.dates import today_tokyo
from ennoshita.db import UnitOfWork
from ennoshita.errors import Forbidden, NotFound
from ennoshita.hr import approval, calendar
from ennoshita.hr.employees import assignment_at, load, may_view
from ennoshita.hr.leave import status_in
from ennoshita.hr.models import AttendanceDay, AttendanceRequest, Employee, LeaveTaken

KINDS = ("leave", "attendance")


@dataclass(frozen=True)
class RequestDetail:
    kind: str  # leave / correction / overtime
    id: int
    number: str
    employee_number: str
    name: str
    department: str
    date: dt.date
    status: str
    reason: str
    requested_at: dt.datetime
    unit: str = ""  # leave: day / half / hour
    hours: int = 0
    balance: Fraction | None = None  # leave: remaining today, approved leave taken off
    pending: Fraction | None = None  # leave: every request still waiting, this one included
    clock_in: dt.datetime | None = None  # correction: the requested times (Japan wall clock)
    clock_out: dt.datetime | None = None
    break_minutes: int = 0
    minutes: int = 0  # overtime: the planned minutes
    recorded_in: dt.datetime | None = None  # correction: the day as recorded now
    recorded_out: dt.datetime | None = None
    recorded_break: int | None = None


def _may_read(s: Session, actor: Actor, e: Employee, doc_types: tuple[str, ...], doc_id: int) -> None:
    if may_view(s, actor, e) or any(approvals.involved(s, actor, t, doc_id) for t in doc_types):
        return
    raise Forbidden("error.forbidden", capability="hr.view")


def request_detail(uow: UnitOfWork, actor: Actor, kind: str, request_id: int) -> RequestDetail:
    if kind not in KINDS:
        raise NotFound("hr.error.request_not_found", field="kind", id=request_id)
    with uow:
        s = uow.session
        if kind == "leave":
            row = s.get(LeaveTaken, request_id)
            if row is None:
                raise NotFound("hr.error.request_not_found", field="id", id=request_id)
            e = load(s, row.employee_id)
            _may_read(s, actor, e, approval.LEAVE_TYPES, row.id)
            st = status_in(s, e, today_tokyo())
            a = assignment_at(s, e.id, row.leave_date)
            return RequestDetail("leave", row.id, f"LV-{row.id:06d}", e.employee_number, e.name,
                                 a.department if a else "", row.leave_date, row.status, row.reason,
                                 calendar.local(row.created_at), unit=row.unit, hours=row.hours,
                                 balance=st.balance, pending=st.pending)
        req = s.get(AttendanceRequest, request_id)
        if req is None:
            raise NotFound("hr.error.request_not_found", field="id", id=request_id)
        e = load(s, req.employee_id)
        _may_read(s, actor, e, approval.ATTENDANCE_TYPES, req.id)
        a = assignment_at(s, e.id, req.work_date)
        day = s.scalar(select(AttendanceDay).where(AttendanceDay.employee_id == e.id,
                                                   AttendanceDay.work_date == req.work_date))
        return RequestDetail(
            req.kind, req.id, f"AT-{req.id:06d}", e.employee_number, e.name, a.department if a else "",
            req.work_date, req.status, req.reason, calendar.local(req.created_at),
            clock_in=calendar.local(req.clock_in) if req.clock_in else None,
            clock_out=calendar.local(req.clock_out) if req.clock_out else None,
            break_minutes=req.break_minutes, minutes=req.minutes,
            recorded_in=calendar.local(day.clock_in) if day is not None and day.clock_in else None,
            recorded_out=calendar.local(day.clock_out) if day is not None and day.clock_out else None,
            recorded_break=day.break_minutes if day is not None else None)

"""年次有給休暇 use cases: grants on each 基準日 (full or 比例付与 table, 8割出勤 over the period), leave requests
on the 稟議 route (or recorded by 人事), the balance and the 年5日取得義務 of one employee on a date, and the
final balance on leaving.

出勤率: scheduled days of the period on which the employee worked or took leave, over the scheduled days.
The employee's records begin on their 導入日 (``Employee.records_from``), else on their registration or their
first attendance record if earlier, never before the company's first record (:func:`records_begin`): the
scheduled days before count as attended (導入前の期間は出勤率を満たすものとして付与,
:func:`ennoshita.hr.rules.assess_period`), and a period wholly before them is granted with no rate (kind
``assumed``). The grants dated before a 導入日 are the 導入時残高 (:mod:`ennoshita.hr.opening`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ennoshita import audit, events
from ennoshita.actor import Actor
from ennoshita.dates import now_utc, today_tokyo
from ennoshita.db import UnitOfWork
from ennoshita.errors import Conflict, Forbidden, Invalid, NotFound
from ennoshita.hr import approval, calendar, rules
from ennoshita.hr.attendance import require_open, self_employee
from ennoshita.hr.employees import history, load, may_view
from ennoshita.hr.models import Assignment, AttendanceDay, Employee, LeaveGrant, LeaveTaken
from ennoshita.i18n import stored
from ennoshita.identity.roles import can, require

UNITS = ("day", "half", "hour")
COUNTING = ("approved",)


def _first_record(s: Session) -> dt.date | None:
    return s.scalar(select(func.min(AttendanceDay.work_date)))


def _statutory_on(rows: list[Assignment], day: dt.date) -> bool:
    """Whether the employee is a 労働者 with statutory leave on ``day`` (not a 役員)."""
    a = calendar.assignment_on(rows, day) or rows[-1]
    return rules.statutory_leave_applies(a.employment_type)


def records_begin(s: Session, e: Employee, first_record: dt.date | None) -> dt.date | None:
    """The first day whose attendance the system holds for ``e`` (None: the company has recorded none at all):
    the 導入日 when 人事 entered one; else the day the employee was registered, or their first attendance record
    when that is earlier (a time-clock history imported for the time before); never before the company's first
    record nor the hire. An employee registered with their real 入社日 years back thus has the time before their
    registration counted as attended, and one registered at hire is judged from the hire."""
    if first_record is None:
        return None
    if e.records_from is not None:
        start = e.records_from
    else:
        start = calendar.local(e.created_at).date()
        own = s.scalar(select(func.min(AttendanceDay.work_date)).where(AttendanceDay.employee_id == e.id))
        if own is not None and own < start:
            start = own
    return max(start, first_record, e.hire_date)


def _grant_for_step(s: Session, e: Employee, step: int, first_record: dt.date | None,
                    cfg: calendar.HrSettings) -> tuple[Decimal, Decimal | None, str]:
    """(days, attendance rate or None, kind) of the ``step``-th grant."""
    gdate = rules.grant_date(e.hire_date, step)
    rows = history(s, e.id)
    a = calendar.assignment_on(rows, gdate) or rows[-1]
    days = rules.grant_days(step, a.weekly_days, a.weekly_minutes)
    start, end = rules.grant_period(e.hire_date, step)
    begin = records_begin(s, e, first_record)
    if begin is None or begin > end:
        return Decimal(days), None, "assumed"
    sched = calendar.scheduled(e, rows, start, end, cfg)
    worked = set(s.scalars(select(AttendanceDay.work_date).where(
        AttendanceDay.employee_id == e.id, AttendanceDay.work_date >= start, AttendanceDay.work_date <= end,
        AttendanceDay.clock_in.is_not(None))))
    on_leave = set(s.scalars(select(LeaveTaken.leave_date).where(
        LeaveTaken.employee_id == e.id, LeaveTaken.leave_date >= start, LeaveTaken.leave_date <= end,
        LeaveTaken.status == "approved", LeaveTaken.unit != "hour")))
    judged = rules.assess_period(sched, worked | on_leave, begin)
    if judged.rate is None:
        return Decimal(days), None, "assumed"
    rate_dec = (Decimal(judged.rate.numerator) / Decimal(judged.rate.denominator)).quantize(Decimal("0.0001"))
    if not judged.eligible:
        return Decimal(0), rate_dec, "not_eligible"
    return Decimal(days), rate_dec, "assumed" if judged.assumed else "statutory"


def ensure_grants_in(s: Session, actor: Actor, e: Employee, on: dt.date) -> list[LeaveGrant]:
    """Make every grant due on or before ``on`` (and not after the leaving date); returns all of them."""
    have = {g.grant_date: g for g in s.scalars(select(LeaveGrant).where(LeaveGrant.employee_id == e.id))}
    cfg = calendar.settings(s)
    first = None
    step = 0
    made = False
    rows: list[Assignment] | None = None
    while (gdate := rules.grant_date(e.hire_date, step)) <= on:
        if e.leave_date is not None and gdate > e.leave_date:
            break
        if e.records_from is not None and gdate < e.records_from:  # before the 導入日: the 導入時残高 says
            step += 1
            continue
        if gdate not in have:
            rows = history(s, e.id) if rows is None else rows
            if not _statutory_on(rows, gdate):  # a 役員 on that 基準日: no 年次有給休暇 (労基法9条, 39条)
                step += 1
                continue
            if first is None:
                first = _first_record(s) or dt.date.max
            days, rate, kind = _grant_for_step(s, e, step, None if first == dt.date.max else first, cfg)
            g = LeaveGrant(employee_id=e.id, grant_date=gdate, days=days, expires_on=rules.expires_on(gdate),
                           kind=kind, attendance_rate=rate, created_at=now_utc())
            s.add(g)
            have[gdate] = g
            made = True
            audit.record(s, actor, "hr_leave_grant", e.employee_number, "grant", after={
                "grant_date": gdate.isoformat(), "days": str(days), "kind": kind,
                "attendance_rate": str(rate) if rate is not None else None})
        step += 1
    if made:
        s.flush()
    return sorted(have.values(), key=lambda g: g.grant_date)


def run_grants(uow: UnitOfWork, actor: Actor, on: dt.date | None = None) -> int:
    """付与処理: every employee's grants due up to ``on`` (today); returns how many were made."""
    require(actor, "hr.edit")
    day = on or today_tokyo()
    with uow:
        s = uow.session
        before = s.scalar(select(func.count(LeaveGrant.id))) or 0
        for e in s.scalars(select(Employee).where(Employee.hire_date <= day).order_by(Employee.id)):
            ensure_grants_in(s, actor, e, day)
        after = s.scalar(select(func.count(LeaveGrant.id))) or 0
        uow.commit()
    return int(after - before)


def _half_days(days: Decimal) -> Fraction:
    """Days stored with one decimal (whole and half days) as an exact fraction, without the slow
    Decimal → Fraction conversion."""
    return Fraction(int(days * 10), 10)


def as_taken(rows: list[LeaveTaken]) -> list[rules.Taken]:
    return [rules.Taken(r.leave_date, (_half_days(r.days) if r.days else Fraction(0))
                        + (Fraction(r.hours, r.hours_per_day) if r.hours else 0), r.unit == "hour")
            for r in rows]


def as_grants(rows: list[LeaveGrant]) -> list[rules.Grant]:
    return [rules.Grant(g.grant_date, _half_days(g.days), g.expires_on) for g in rows if g.days > 0]


@dataclass(frozen=True)
class GrantRow:
    grant_date: dt.date
    days: Fraction
    expires_on: dt.date
    used: Fraction
    remaining: Fraction
    expired: bool
    kind: str
    attendance_rate: Decimal | None


@dataclass(frozen=True)
class LeaveRow:
    id: int
    leave_date: dt.date
    unit: str
    days: Decimal
    hours: int
    status: str
    reason: str


@dataclass(frozen=True)
class LeaveStatus:
    employee_id: int
    employee_number: str
    name: str
    on: dt.date
    grants: tuple[GrantRow, ...]
    balance: Fraction
    pending: Fraction
    obligation: rules.Obligation | None
    taken: tuple[LeaveRow, ...]
    records_from: dt.date | None = None  # 導入日, when registered after the hire


def _taken_rows(s: Session, employee_id: int) -> list[LeaveTaken]:
    return list(s.scalars(select(LeaveTaken).where(LeaveTaken.employee_id == employee_id)
                          .order_by(LeaveTaken.leave_date, LeaveTaken.id)))


def status_in(s: Session, e: Employee, on: dt.date, grant_rows: list[LeaveGrant] | None = None) -> LeaveStatus:
    grants = grant_rows if grant_rows is not None else list(
        s.scalars(select(LeaveGrant).where(LeaveGrant.employee_id == e.id, LeaveGrant.grant_date <= on)
                  .order_by(LeaveGrant.grant_date)))
    grants = [g for g in grants if g.grant_date <= on]
    taken = _taken_rows(s, e.id)
    approved = [t for t in taken if t.status == "approved"]
    cfg = calendar.settings(s)
    bal = rules.balance(as_grants(grants), as_taken(approved), on, cfg.newest_first)
    by_date = {b.grant_date: b for b in bal.grants}
    rows = []
    for g in grants:
        b = by_date.get(g.grant_date)
        rows.append(GrantRow(g.grant_date, Fraction(g.days), g.expires_on, b.used if b else Fraction(0),
                             b.remaining if b else Fraction(0), g.expires_on < on, g.kind, g.attendance_rate))
    pending = sum((x.days for x in as_taken([t for t in taken if t.status == "pending_approval"])), Fraction(0))
    # a 導入時残高 is what was left, not what was granted, and the days taken before the 導入日 are not known
    # here: the 年5日取得義務 is followed from the first grant the system makes
    obligation = rules.five_day_obligation(as_grants([g for g in grants if g.kind != "opening"]),
                                           as_taken(approved), on)
    return LeaveStatus(e.id, e.employee_number, e.name, on, tuple(rows), bal.balance, pending, obligation,
                       tuple(LeaveRow(t.id, t.leave_date, t.unit, t.days, t.hours, t.status, t.reason) for t in taken),
                       e.records_from)


def leave_status(uow: UnitOfWork, actor: Actor, employee_id: int | None, on: dt.date | None = None) -> LeaveStatus:
    """Grants (made up to ``on``: grants due by then are computed, and kept when the day has come), used,
    remaining, balance and the 年5日 obligation. The employee themself, their department head, or hr.view."""
    day = on or today_tokyo()
    with uow:
        s = uow.session
        e = self_employee(s, actor) if employee_id is None else load(s, employee_id)
        if not may_view(s, actor, e):
            raise Forbidden("error.forbidden", capability="hr.view")
        made = ensure_grants_in(s, actor, e, min(day, today_tokyo()))
        if day > today_tokyo():
            made = _projected(s, e, day, made)
        result = status_in(s, e, day, made)
        uow.commit()
    return result


def _projected(s: Session, e: Employee, on: dt.date, made: list[LeaveGrant]) -> list[LeaveGrant]:
    """Future grants as they would be made (attendance assumed), not stored."""
    have = {g.grant_date for g in made}
    out = list(made)
    rows = history(s, e.id)
    step = 0
    while (gdate := rules.grant_date(e.hire_date, step)) <= on:
        if (gdate not in have and (e.leave_date is None or gdate <= e.leave_date) and _statutory_on(rows, gdate)
                and (e.records_from is None or gdate >= e.records_from)):
            a = calendar.assignment_on(rows, gdate) or rows[-1]
            out.append(LeaveGrant(employee_id=e.id, grant_date=gdate, expires_on=rules.expires_on(gdate),
                                  days=Decimal(rules.grant_days(step, a.weekly_days, a.weekly_minutes)),
                                  kind="projected", attendance_rate=None))
        step += 1
    return sorted(out, key=lambda g: g.grant_date)


@dataclass(frozen=True)
class LeaveInput:
    leave_date: dt.date
    unit: str = "day"
    hours: int = 0
    reason: str = ""


def _amount(cmd: LeaveInput, per_day: int, cfg: calendar.HrSettings) -> tuple[Decimal, int]:
    if cmd.unit not in UNITS:
        raise Invalid("hr.error.leave_unit", field="unit", unit=cmd.unit)
    if cmd.unit == "half" and not cfg.half_day:
        raise Invalid("hr.error.half_day_off", field="unit")
    if cmd.unit == "hour":
        if not cfg.hourly:
            raise Invalid("hr.error.hourly_off", field="unit")
        if not 1 <= cmd.hours < per_day:
            raise Invalid("hr.error.leave_hours", field="hours", max=per_day - 1)
        return Decimal(0), cmd.hours
    return (Decimal(1) if cmd.unit == "day" else Decimal("0.5")), 0


def request_leave_in(s: Session, actor: Actor, e: Employee, cmd: LeaveInput, record: bool = False) -> LeaveTaken:
    """申請 (or, with ``record``, 人事 records leave already agreed: approved at once)."""
    cfg = calendar.settings(s)
    require_open(s, e.id, cmd.leave_date, "leave_date")
    if not calendar.employed(e, cmd.leave_date):
        raise Invalid("hr.error.not_employed", field="leave_date", date=cmd.leave_date)
    rows = history(s, e.id)
    a = calendar.assignment_on(rows, cmd.leave_date) or rows[0]
    if not rules.statutory_leave_applies(a.employment_type):
        raise Invalid("hr.error.leave_officer", field="leave_date", date=cmd.leave_date)
    if calendar.day_kind(cmd.leave_date, a, cfg) != "workday":
        raise Invalid("hr.error.leave_not_workday", field="leave_date", date=cmd.leave_date)
    per_day = rules.hours_per_day(a.daily_minutes)
    days, hours = _amount(cmd, per_day, cfg)
    same_day = list(s.scalars(select(LeaveTaken).where(
        LeaveTaken.employee_id == e.id, LeaveTaken.leave_date == cmd.leave_date,
        LeaveTaken.status.in_(("approved", "pending_approval")))))
    used_that_day = sum((Fraction(x.days) + Fraction(x.hours, x.hours_per_day) for x in same_day), Fraction(0))
    if used_that_day + Fraction(days) + Fraction(hours, per_day) > 1:
        raise Conflict("hr.error.leave_exists", field="leave_date", date=cmd.leave_date)
    grants = ensure_grants_in(s, actor, e, min(cmd.leave_date, today_tokyo()))
    if cmd.leave_date > today_tokyo():
        grants = _projected(s, e, cmd.leave_date, grants)
    taken = _taken_rows(s, e.id)
    valid = [g for g in as_grants(grants) if g.grant_date <= cmd.leave_date <= g.expires_on]
    approved = as_taken([t for t in taken if t.status == "approved"])
    available = rules.balance(valid, approved, cmd.leave_date, cfg.newest_first).balance
    pending = sum((x.days for x in as_taken([t for t in taken if t.status == "pending_approval"])), Fraction(0))
    asked = Fraction(days) + Fraction(hours, per_day)
    rules.check_request(available, pending, asked)
    if hours:
        year_start = max((g.grant_date for g in valid), default=cmd.leave_date)
        used_hours = sum(t.hours for t in taken if t.unit == "hour" and t.status in ("approved", "pending_approval")
                         and t.leave_date >= year_start)
        if not rules.hourly_allowed(used_hours, hours, per_day, cfg.hourly_max_days):
            raise Invalid("hr.error.hourly_limit", field="hours", max_days=cfg.hourly_max_days)
    row = LeaveTaken(employee_id=e.id, leave_date=cmd.leave_date, unit=cmd.unit, days=days, hours=hours,
                     hours_per_day=per_day, reason=cmd.reason.strip()[:200], planned=False,
                     status="approved" if record else "pending_approval", requested_by=actor.user_id,
                     created_at=now_utc(), decided_at=now_utc() if record else None)
    s.add(row)
    s.flush()
    audit.record(s, actor, "hr_leave", row.id, "record" if record else "request", after={
        "employee": e.employee_number, "date": cmd.leave_date.isoformat(), "unit": cmd.unit, "days": str(days),
        "hours": hours})
    if not record:
        approval.submit_in(s, actor, "leave", row.id, f"LV-{row.id:06d}",
                           stored("approvals.title.leave", name=e.name, date=cmd.leave_date), a.department)
    else:
        from ennoshita.hr.attendance import recompute_month_in

        recompute_month_in(s, e, cmd.leave_date, cfg)
    return row


def request_leave(uow: UnitOfWork, actor: Actor, cmd: LeaveInput, employee_id: int | None = None,
                  record: bool = False) -> LeaveRow:
    """The employee requests leave (or 人事 records it with ``record``). Refused beyond the balance left after
    pending requests, in a closed month, on a day that is not a scheduled workday, twice on one day."""
    with uow:
        s = uow.session
        if employee_id is None:
            require(actor, "hr.self")
            e = self_employee(s, actor)
        else:
            e = load(s, employee_id)
            if record or e.user_id != actor.user_id:
                require(actor, "hr.edit")
        if record:
            require(actor, "hr.edit")
        row = request_leave_in(s, actor, e, cmd, record)
        result = LeaveRow(row.id, row.leave_date, row.unit, row.days, row.hours, row.status, row.reason)
        uow.commit()
    return result


def cancel_leave(uow: UnitOfWork, actor: Actor, leave_id: int) -> None:
    """取消 of approved leave by 人事 (the month must still be open)."""
    require(actor, "hr.edit")
    with uow:
        s = uow.session
        row = s.get(LeaveTaken, leave_id)
        if row is None:
            raise NotFound("hr.error.leave_not_found", field="leave_id", id=leave_id)
        if row.status != "approved":
            raise Conflict("hr.error.leave_not_approved", field="leave_id")
        require_open(s, row.employee_id, row.leave_date, "leave_date")
        row.status = "cancelled"
        audit.record(s, actor, "hr_leave", row.id, "cancel", before={"status": "approved"},
                     after={"status": "cancelled"})
        from ennoshita.hr.attendance import recompute_month_in

        recompute_month_in(s, load(s, row.employee_id), row.leave_date)
        uow.commit()


def _on_outcome(outcome: str) -> events.Handler:
    def handler(s: Session, actor: Actor, data: dict[str, Any]) -> None:
        if data.get("document_type") not in approval.LEAVE_TYPES:
            return
        row = s.get(LeaveTaken, int(data["document_id"]))
        if row is None or row.status != "pending_approval":
            return
        if outcome == "approved":
            require_open(s, row.employee_id, row.leave_date, "leave_date")
            row.status = "approved"
        else:
            row.status = "rejected" if outcome == "rejected" else "withdrawn"
        row.decided_at = now_utc()
        audit.record(s, actor, "hr_leave", row.id, outcome, after={"status": row.status})
        if row.status == "approved":
            from ennoshita.hr.attendance import recompute_month_in

            recompute_month_in(s, load(s, row.employee_id), row.leave_date)
    return handler


for _outcome in ("approved", "rejected", "sent_back", "withdrawn"):
    events.subscribe(f"approvals.{_outcome}", _on_outcome(_outcome))


def final_balance_in(s: Session, actor: Actor, e: Employee, last_day: dt.date) -> Fraction:
    """The balance on the last day employed (leave not taken by then lapses with the employment)."""
    grants = ensure_grants_in(s, actor, e, min(last_day, today_tokyo()))
    return status_in(s, e, last_day, grants).balance


def may_see_all(actor: Actor) -> bool:
    return can(actor, "hr.view")

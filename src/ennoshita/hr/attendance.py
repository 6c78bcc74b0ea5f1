"""勤怠 use cases: clock in/out and breaks from the web (self-service), a day entered or corrected by 人事, the
CSV import of a time-clock export (every bad row listed, nothing saved unless all are good), and the figures
of a day and of the month (the open 月次勤務表 follows every change; 人事 closes it, see :mod:`timesheets`).

A shift belongs to the date it starts. Saving a day recomputes its whole week (weekly 40h) and the months
that week touches."""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ennoshita import audit
from ennoshita.actor import Actor
from ennoshita.dates import now_utc, today_tokyo
from ennoshita.db import UnitOfWork
from ennoshita.errors import Conflict, Forbidden, Invalid, NotFound, Problem
from ennoshita.hr import calendar, rules
from ennoshita.hr.calendar import HrSettings, local, stored
from ennoshita.hr.employees import by_number, history, load, of_user
from ennoshita.hr.models import Assignment, AttendanceBreak, AttendanceDay, Employee, LeaveTaken, Punch, Timesheet
from ennoshita.identity.roles import require

PUNCH_KINDS = ("in", "out", "break_start", "break_end")


def month_closed(s: Session, employee_id: int, day: dt.date) -> bool:
    return s.scalar(select(Timesheet.id).where(Timesheet.employee_id == employee_id,
                                               Timesheet.month == day.replace(day=1),
                                               Timesheet.status == "closed")) is not None


def require_open(s: Session, employee_id: int, day: dt.date, field: str = "work_date") -> None:
    if month_closed(s, employee_id, day):
        raise Invalid("hr.error.month_closed", field=field, month=day.strftime("%Y-%m"))


def shift_of(d: Any, breaks: Sequence[AttendanceBreak] = ()) -> rules.Shift | None:
    """The rules' shift of a day (an AttendanceDay or a row with the same columns)."""
    if d.clock_in is None or d.clock_out is None:
        return None
    timed = tuple((local(b.start_at), local(b.end_at)) for b in breaks if b.end_at is not None)
    return rules.Shift(d.work_date, local(d.clock_in), local(d.clock_out), d.break_minutes, timed)


def _breaks_by_day(s: Session, day_ids: Sequence[int]) -> dict[int, list[AttendanceBreak]]:
    out: dict[int, list[AttendanceBreak]] = {}
    if not day_ids:
        return out
    for b in s.scalars(select(AttendanceBreak).where(AttendanceBreak.day_id.in_(day_ids))):
        out.setdefault(b.day_id, []).append(b)
    return out


@dataclass(frozen=True)
class Computed:
    figures: rules.MonthFigures
    scheduled_days: int
    scheduled_minutes: int
    absence_days: int
    leave_days: Decimal
    leave_hours: int


def compute_month(e: Employee, assignments: Sequence[Assignment], day_rows: Sequence[Any],
                  breaks: dict[int, list[AttendanceBreak]], leave: Sequence[LeaveTaken], month: dt.date,
                  cfg: HrSettings) -> tuple[Computed, dict[int, rules.DayFigures]]:
    """The month's figures from its days (``day_rows`` from the start of the week holding the 1st)."""
    first, last = calendar.month_bounds(month)
    sched = calendar.scheduled(e, assignments, first, last, cfg)
    shifts = []
    ids: dict[dt.date, int] = {}
    for d in day_rows:
        sh = shift_of(d, breaks.get(d.id, ()))
        if sh is not None:
            shifts.append(sh)
            ids[d.work_date] = d.id
    wk0 = rules.week_start_of(first, cfg.week_start)
    figures = rules.classify(shifts, calendar.legal_holidays(wk0, last + dt.timedelta(days=1), cfg), cfg.week_start)
    by_id = {ids[f.work_date]: f for f in figures}
    totals = rules.month_figures(figures, first, last)
    worked = {f.work_date for f in figures if first <= f.work_date <= last}
    leave_days = sum((lv.days for lv in leave if lv.status == "approved"), Decimal(0))
    leave_hours = sum(lv.hours for lv in leave if lv.status == "approved")
    full_leave = {lv.leave_date for lv in leave if lv.status == "approved" and lv.unit == "day"}
    absence = sum(1 for d in sched if d not in worked and d not in full_leave)
    return Computed(totals, len(sched), sum(sched.values()), absence, leave_days, leave_hours), by_id


def apply(t: Timesheet, c: Computed) -> None:
    f = c.figures
    t.scheduled_days, t.worked_days, t.absence_days = c.scheduled_days, f.worked_days, c.absence_days
    t.leave_days, t.leave_hours = c.leave_days, c.leave_hours
    t.scheduled_minutes, t.actual_minutes, t.overtime_minutes = c.scheduled_minutes, f.actual, f.overtime
    t.overtime_over60_minutes, t.legal_holiday_minutes, t.night_minutes = f.overtime_over60, f.legal_holiday, f.night


def recompute_month_in(s: Session, e: Employee, month: dt.date, cfg: HrSettings | None = None) -> Timesheet | None:
    """Refresh the day figures and the open 月次勤務表 of ``month`` (a closed month is left as it was)."""
    cfg = cfg or calendar.settings(s)
    first, last = calendar.month_bounds(month)
    t = s.scalar(select(Timesheet).where(Timesheet.employee_id == e.id, Timesheet.month == first))
    if t is not None and t.status == "closed":
        return t
    wk0 = rules.week_start_of(first, cfg.week_start)
    day_rows = list(s.scalars(select(AttendanceDay).where(AttendanceDay.employee_id == e.id,
                                                          AttendanceDay.work_date >= wk0,
                                                          AttendanceDay.work_date <= last)
                              .order_by(AttendanceDay.work_date)))
    leave = list(s.scalars(select(LeaveTaken).where(LeaveTaken.employee_id == e.id, LeaveTaken.leave_date >= first,
                                                    LeaveTaken.leave_date <= last)))
    computed, by_id = compute_month(e, history(s, e.id), day_rows, _breaks_by_day(s, [d.id for d in day_rows]),
                                    leave, first, cfg)
    for d in day_rows:
        f = by_id.get(d.id)
        if f is not None and d.work_date >= first:
            d.actual_minutes, d.overtime_minutes = f.actual, f.overtime
            d.legal_holiday_minutes, d.night_minutes = f.legal_holiday, f.night
    if t is None:
        t = Timesheet(employee_id=e.id, month=first, status="open")
        s.add(t)
    apply(t, computed)
    s.flush()
    from ennoshita.hr.limits import refresh_limits_in

    later = set(s.scalars(select(Timesheet.month).where(Timesheet.employee_id == e.id, Timesheet.month >= first,
                                                         Timesheet.month <= rules.add_months(first, 11))))
    for m in sorted(later | {first}):
        refresh_limits_in(s, m, [e.id])
    return t


def _recompute_around(s: Session, e: Employee, day: dt.date, cfg: HrSettings) -> None:
    week_end = rules.week_start_of(day, cfg.week_start) + dt.timedelta(days=6)
    recompute_month_in(s, e, day, cfg)
    if week_end.month != day.month:
        recompute_month_in(s, e, week_end, cfg)


def _neighbours_ok(s: Session, e: Employee, work_date: dt.date, shift: rules.Shift) -> None:
    around = list(s.scalars(select(AttendanceDay).where(
        AttendanceDay.employee_id == e.id, AttendanceDay.work_date >= work_date - dt.timedelta(days=1),
        AttendanceDay.work_date <= work_date + dt.timedelta(days=1), AttendanceDay.work_date != work_date)))
    others = [x for x in (shift_of(d) for d in around) if x is not None]
    # a neighbour still open (clocked in, not out) blocks a shift that starts after it
    for d in around:
        if d.clock_in is not None and d.clock_out is None and local(d.clock_in) < shift.end and d.work_date < work_date:
            raise Invalid("hr.error.overlapping_shifts", field="clock_in", date=work_date,
                          other=d.work_date)
    rules.check_no_overlap([shift, *others])


def save_day_in(s: Session, actor: Actor, e: Employee, work_date: dt.date, clock_in: dt.datetime,
                clock_out: dt.datetime, break_minutes: int, source: str, cfg: HrSettings | None = None,
                note: str = "") -> AttendanceDay:
    """Enter or replace one day (wall-clock times). Refuses a closed month, a day outside employment, a
    clock-out before the clock-in, a break longer than the shift and a shift overlapping its neighbours."""
    cfg = cfg or calendar.settings(s)
    require_open(s, e.id, work_date)
    if not calendar.employed(e, work_date):
        raise Invalid("hr.error.not_employed", field="work_date", date=work_date)
    shift = rules.Shift(work_date, clock_in, clock_out, break_minutes)
    rules.check_shift(shift)
    _neighbours_ok(s, e, work_date, shift)
    row = s.scalar(select(AttendanceDay).where(AttendanceDay.employee_id == e.id,
                                               AttendanceDay.work_date == work_date))
    before = None
    if row is None:
        row = AttendanceDay(employee_id=e.id, work_date=work_date, updated_at=now_utc())
        s.add(row)
    else:
        before = {"clock_in": _iso(row.clock_in), "clock_out": _iso(row.clock_out), "break": row.break_minutes}
        for b in s.scalars(select(AttendanceBreak).where(AttendanceBreak.day_id == row.id)):
            s.delete(b)  # the new entry's break minutes replace the timed breaks
    a = calendar.assignment_on(history(s, e.id), work_date)
    row.day_kind = calendar.day_kind(work_date, a, cfg)
    row.scheduled_minutes = a.daily_minutes if a is not None and row.day_kind == "workday" else 0
    row.clock_in, row.clock_out, row.break_minutes = stored(clock_in), stored(clock_out), break_minutes
    row.source, row.note, row.updated_at = source, note, now_utc()
    s.flush()
    audit.record(s, actor, "hr_attendance_day", row.id, "save", before=before, after={
        "employee": e.employee_number, "date": work_date.isoformat(), "clock_in": clock_in.isoformat(),
        "clock_out": clock_out.isoformat(), "break": break_minutes, "source": source})
    _recompute_around(s, e, work_date, cfg)
    return row


def _iso(v: dt.datetime | None) -> str | None:
    return local(v).isoformat() if v is not None else None


def self_employee(s: Session, actor: Actor) -> Employee:
    e = of_user(s, actor.user_id)
    if e is None:
        raise NotFound("hr.error.no_employee_record", field="user_id")
    return e


@dataclass(frozen=True)
class ClockResult:
    kind: str
    at: dt.datetime  # wall clock
    work_date: dt.date


def clock(uow: UnitOfWork, actor: Actor, kind: str, at: dt.datetime | None = None) -> ClockResult:
    """打刻 by the employee themself: 出勤 / 退勤 / 休憩開始 / 休憩終了."""
    require(actor, "hr.self")
    if kind not in PUNCH_KINDS:
        raise Invalid("hr.error.punch_kind", field="kind", kind=kind)
    wall = local(at or now_utc()).replace(microsecond=0)
    with uow:
        s = uow.session
        e = self_employee(s, actor)
        cfg = calendar.settings(s)
        open_day = s.scalar(select(AttendanceDay).where(AttendanceDay.employee_id == e.id,
                                                        AttendanceDay.clock_in.is_not(None),
                                                        AttendanceDay.clock_out.is_(None))
                            .order_by(AttendanceDay.work_date.desc()).limit(1))
        s.add(Punch(employee_id=e.id, kind=kind, at=stored(wall), source="web", recorded_by=actor.user_id))
        if kind == "in":
            day = _clock_in(s, actor, e, open_day, wall, cfg)
        elif open_day is None:
            raise Conflict("hr.error.not_clocked_in", field="kind")
        elif kind == "out":
            day = open_day.work_date
            open_break = s.scalar(select(AttendanceBreak).where(AttendanceBreak.day_id == open_day.id,
                                                                AttendanceBreak.end_at.is_(None)))
            if open_break is not None:
                open_break.end_at = stored(wall)
            timed = list(s.scalars(select(AttendanceBreak).where(AttendanceBreak.day_id == open_day.id)))
            brk = sum(rules.minutes_between(local(b.start_at), local(b.end_at)) for b in timed if b.end_at is not None)
            assert open_day.clock_in is not None
            shift = rules.Shift(day, local(open_day.clock_in), wall, brk)
            rules.check_shift(shift)
            require_open(s, e.id, day)
            open_day.clock_out, open_day.break_minutes, open_day.updated_at = stored(wall), brk, now_utc()
            s.flush()
            audit.record(s, actor, "hr_attendance_day", open_day.id, "clock_out", after={"at": wall.isoformat()})
            _recompute_around(s, e, day, cfg)
        else:
            day = open_day.work_date
            current = s.scalar(select(AttendanceBreak).where(AttendanceBreak.day_id == open_day.id,
                                                             AttendanceBreak.end_at.is_(None)))
            if kind == "break_start":
                if current is not None:
                    raise Conflict("hr.error.on_break", field="kind")
                s.add(AttendanceBreak(day_id=open_day.id, start_at=stored(wall)))
            else:
                if current is None:
                    raise Conflict("hr.error.not_on_break", field="kind")
                current.end_at = stored(wall)
            audit.record(s, actor, "hr_attendance_day", open_day.id, kind, after={"at": wall.isoformat()})
        uow.commit()
    return ClockResult(kind, wall, day)


def _clock_in(s: Session, actor: Actor, e: Employee, open_day: AttendanceDay | None, wall: dt.datetime,
              cfg: HrSettings) -> dt.date:
    if open_day is not None:
        raise Conflict("hr.error.already_clocked_in", field="kind", date=open_day.work_date)
    day = wall.date()
    require_open(s, e.id, day)
    if not calendar.employed(e, day):
        raise Invalid("hr.error.not_employed", field="work_date", date=day)
    row = s.scalar(select(AttendanceDay).where(AttendanceDay.employee_id == e.id, AttendanceDay.work_date == day))
    if row is not None and row.clock_in is not None:
        raise Conflict("hr.error.already_worked", field="kind", date=day)
    prev = s.scalar(select(AttendanceDay).where(AttendanceDay.employee_id == e.id,
                                                AttendanceDay.work_date == day - dt.timedelta(days=1)))
    if prev is not None and prev.clock_out is not None and local(prev.clock_out) > wall:
        raise Invalid("hr.error.overlapping_shifts", field="clock_in", date=day,
                      other=prev.work_date)
    a = calendar.assignment_on(history(s, e.id), day)
    if row is None:
        row = AttendanceDay(employee_id=e.id, work_date=day, updated_at=now_utc())
        s.add(row)
    row.day_kind = calendar.day_kind(day, a, cfg)
    row.scheduled_minutes = a.daily_minutes if a is not None and row.day_kind == "workday" else 0
    row.clock_in, row.source, row.updated_at = stored(wall), "web", now_utc()
    s.flush()
    audit.record(s, actor, "hr_attendance_day", row.id, "clock_in", after={"at": wall.isoformat()})
    return day


@dataclass(frozen=True)
class DayInput:
    work_date: dt.date
    clock_in: dt.datetime
    clock_out: dt.datetime
    break_minutes: int = 0
    note: str = ""


def record_day(uow: UnitOfWork, actor: Actor, employee_id: int, cmd: DayInput) -> int:
    """人事 enters or corrects a day directly (audited with the times before)."""
    require(actor, "hr.edit")
    with uow:
        s = uow.session
        e = load(s, employee_id)
        row = save_day_in(s, actor, e, cmd.work_date, cmd.clock_in, cmd.clock_out, cmd.break_minutes, "hr",
                          note=cmd.note)
        uow.commit()
        return row.id


# --- CSV import ------------------------------------------------------------------------------------------

CSV_COLUMNS = ("employee_number", "date", "clock_in", "clock_out", "break_minutes")


def parse_clock(day: dt.date, text: str) -> dt.datetime | None:
    """"09:00", or past midnight as "26:30" (the next day's 02:30) as time clocks export it."""
    value = unicodedata.normalize("NFKC", text).strip()
    parts = value.split(":")
    if len(parts) not in (2, 3) or not all(p.isdigit() for p in parts):
        return None
    h, m = int(parts[0]), int(parts[1])
    if not (0 <= h < 48 and 0 <= m < 60):
        return None
    return dt.datetime.combine(day, dt.time(0)) + dt.timedelta(hours=h, minutes=m)


# the header a Japanese 勤怠 export carries, read as the English one (社員番号,日付,出勤,退勤,休憩)
JA_COLUMNS = {
    "社員番号": "employee_number", "従業員番号": "employee_number", "日付": "date", "勤務日": "date",
    "出勤": "clock_in", "出勤時刻": "clock_in", "退勤": "clock_out", "退勤時刻": "clock_out",
    "休憩": "break_minutes", "休憩（分）": "break_minutes", "休憩(分)": "break_minutes",
    "休憩時間（分）": "break_minutes", "休憩時間(分)": "break_minutes",
}


def _column(name: str) -> str:
    text = name.strip().lstrip("\ufeff").strip()
    return JA_COLUMNS.get(text, text.lower())


def _day(text: str) -> dt.date:
    """2026-11-05, 2026/11/05 or 2026/11/5 (as spreadsheets write it)."""
    parts = text.replace("/", "-").split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
        raise ValueError(text)
    return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))


@dataclass(frozen=True)
class ImportResult:
    rows: int
    employees: int


def _parse_rows(s: Session, text: str) -> tuple[list[tuple[Employee, rules.Shift]], list[Problem]]:
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or [_column(h) for h in header[:5]] != list(CSV_COLUMNS):
        return [], [Problem("hr.error.csv_header", "file", {"columns": ",".join(CSV_COLUMNS)}, 1)]
    cache: dict[str, Employee | None] = {}
    closed = {(emp, m) for emp, m in s.execute(select(Timesheet.employee_id, Timesheet.month)
                                               .where(Timesheet.status == "closed"))}
    out: list[tuple[Employee, rules.Shift]] = []
    for line, row in enumerate(reader, start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) < 5:
            problems.append(Problem("hr.error.csv_columns", "file", {"count": len(row)}, line))
            continue
        number, day_text, cin, cout, brk = (c.strip() for c in row[:5])
        if number not in cache:
            cache[number] = by_number(s, number)
        e = cache[number]
        if e is None:
            problems.append(Problem("hr.error.csv_unknown_employee", "employee_number", {"number": number}, line))
            continue
        try:
            day = _day(day_text)
        except ValueError:
            problems.append(Problem("hr.error.csv_date", "date", {"value": day_text}, line))
            continue
        t_in, t_out = parse_clock(day, cin), parse_clock(day, cout)
        if t_in is None or t_out is None:
            problems.append(Problem("hr.error.csv_time", "clock_in" if t_in is None else "clock_out", {}, line))
            continue
        if not (brk or "0").isdigit():
            problems.append(Problem("hr.error.csv_break", "break_minutes", {"value": brk}, line))
            continue
        shift = rules.Shift(day, t_in, t_out, int(brk or 0))
        try:
            rules.check_shift(shift)
            if not calendar.employed(e, day):
                raise Invalid("hr.error.not_employed", field="date", date=day)
            if (e.id, day.replace(day=1)) in closed:
                raise Invalid("hr.error.month_closed", field="date", month=day.strftime("%Y-%m"))
        except Invalid as err:
            problems += [Problem(p.key, p.field, p.params, line) for p in err.problems]
            continue
        out.append((e, shift))
    # each problem names its column as the catalogs do (field.attendance.<column>: 日付（date） / Date (date))
    return out, [p if p.field in (None, "file") else Problem(p.key, f"attendance.{p.field}", p.params, p.line)
                 for p in problems]


def import_csv(uow: UnitOfWork, actor: Actor, text: str, max_rows: int | None = None) -> ImportResult:
    """Time-clock CSV (employee_number, date, clock_in, clock_out, break_minutes). Every bad row is listed
    with its line; nothing is saved unless every row is good. A row replaces that day's entry. ``max_rows``:
    more data rows than that is a 422 naming the limit (nothing read further)."""
    require(actor, "hr.edit")
    if max_rows is not None and sum(1 for line in text.splitlines() if line.strip()) - 1 > max_rows:
        raise Invalid("upload.error.too_many_rows", field="file", max=f"{max_rows:,}")
    with uow:
        s = uow.session
        parsed, problems = _parse_rows(s, text)
        by_emp: dict[int, list[rules.Shift]] = {}
        for e, sh in parsed:
            by_emp.setdefault(e.id, []).append(sh)
        for shifts in by_emp.values():
            try:
                rules.check_no_overlap(shifts)
            except Invalid as err:
                problems += err.problems
        if problems:
            raise Invalid(problems=problems)
        cfg = calendar.settings(s)
        touched: dict[int, set[dt.date]] = {}
        employees = {e.id: e for e, _ in parsed}
        first_day = min((sh.work_date for _, sh in parsed), default=today_tokyo())
        last_day = max((sh.work_date for _, sh in parsed), default=today_tokyo())
        existing = {(d.employee_id, d.work_date): d for d in s.scalars(select(AttendanceDay).where(
            AttendanceDay.employee_id.in_(list(employees)), AttendanceDay.work_date >= first_day,
            AttendanceDay.work_date <= last_day))}
        hist = {emp_id: history(s, emp_id) for emp_id in employees}
        now = now_utc()
        for e, sh in parsed:
            row = existing.get((e.id, sh.work_date))
            if row is None:
                row = AttendanceDay(employee_id=e.id, work_date=sh.work_date, updated_at=now)
                existing[(e.id, sh.work_date)] = row
                s.add(row)
            a = calendar.assignment_on(hist[e.id], sh.work_date)
            row.day_kind = calendar.day_kind(sh.work_date, a, cfg)
            row.scheduled_minutes = a.daily_minutes if a is not None and row.day_kind == "workday" else 0
            row.clock_in, row.clock_out, row.break_minutes = stored(sh.start), stored(sh.end), sh.break_minutes
            row.source, row.updated_at = "csv", now
            week_end = rules.week_start_of(sh.work_date, cfg.week_start) + dt.timedelta(days=6)
            touched.setdefault(e.id, set()).update({sh.work_date.replace(day=1), week_end.replace(day=1)})
        s.flush()
        for emp_id, months in touched.items():
            rows = s.scalars(select(AttendanceDay).where(AttendanceDay.employee_id == emp_id)
                             .order_by(AttendanceDay.work_date))
            shifts = [x for x in (shift_of(d) for d in rows) if x is not None]
            try:
                rules.check_no_overlap(shifts)
            except Invalid as err:
                problems += err.problems
                continue
            for m in sorted(months):
                recompute_month_in(s, employees[emp_id], m, cfg)
        if problems:
            raise Invalid(problems=problems)
        audit.record(s, actor, "hr_attendance", "import", "import", after={"rows": len(parsed),
                                                                           "employees": len(employees)})
        uow.commit()
    return ImportResult(len(parsed), len(employees))


def check_actor_for(s: Session, actor: Actor, e: Employee) -> None:
    """The employee themself or hr.edit."""
    if actor.user_id is not None and e.user_id == actor.user_id:
        return
    try:
        require(actor, "hr.edit")
    except Forbidden:
        raise Forbidden("error.forbidden", capability="hr.edit") from None

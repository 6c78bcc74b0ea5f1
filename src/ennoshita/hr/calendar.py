"""The working calendar of an employee: which days are scheduled (所定労働日), which are the 法定休日, and the
company's 人事 settings (week start, 法定休日 weekday, 年休 options). Japanese 祝日 are company holidays."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from ennoshita.dates import is_holiday
from ennoshita.hr.models import Assignment, Employee
from ennoshita.identity.models import Company

TOKYO = ZoneInfo("Asia/Tokyo")


@dataclass(frozen=True)
class HrSettings:
    week_start: int = 7
    legal_holiday_weekday: int = 7
    half_day: bool = True
    hourly: bool = False
    hourly_max_days: int = 5
    newest_first: bool = False


def settings(s: Session) -> HrSettings:
    c = s.get(Company, 1)
    if c is None:
        return HrSettings()
    return HrSettings(c.hr_week_start or 7, c.hr_legal_holiday_weekday or 7, bool(c.hr_leave_half_day),
                      bool(c.hr_leave_hourly), 5 if c.hr_leave_hourly_max_days is None else c.hr_leave_hourly_max_days,
                      bool(c.hr_leave_newest_first))


def local(moment: dt.datetime) -> dt.datetime:
    """Stored (UTC, or naive UTC from SQLite) → naive Japan wall clock, as the rules take it."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(TOKYO).replace(tzinfo=None)


def stored(wall: dt.datetime) -> dt.datetime:
    """Naive Japan wall clock → aware UTC for storage."""
    return wall.replace(tzinfo=TOKYO).astimezone(dt.UTC)


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    nxt = dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return first, nxt - dt.timedelta(days=1)


def days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def assignment_on(rows: Sequence[Assignment], day: dt.date) -> Assignment | None:
    """``rows`` ordered by effective_from."""
    found = None
    for a in rows:
        if a.effective_from <= day:
            found = a
        else:
            break
    return found


def employed(e: Employee, day: dt.date) -> bool:
    return e.hire_date <= day and (e.leave_date is None or day <= e.leave_date)


@lru_cache(maxsize=4096)
def _holiday(day: dt.date) -> bool:
    return is_holiday(day)


def day_kind(day: dt.date, a: Assignment | None, cfg: HrSettings) -> str:
    if day.isoweekday() == cfg.legal_holiday_weekday:
        return "legal_holiday"
    if a is not None and str(day.isoweekday()) in a.work_weekdays and not _holiday(day):
        return "workday"
    return "company_holiday"


def scheduled(e: Employee, rows: Sequence[Assignment], first: dt.date, last: dt.date, cfg: HrSettings
              ) -> dict[dt.date, int]:
    """Scheduled days in ``first..last`` with their scheduled minutes."""
    out = {}
    for d in days(first, last):
        if not employed(e, d):
            continue
        a = assignment_on(rows, d)
        if a is not None and day_kind(d, a, cfg) == "workday":
            out[d] = a.daily_minutes
    return out


def legal_holidays(first: dt.date, last: dt.date, cfg: HrSettings) -> frozenset[dt.date]:
    return frozenset(d for d in days(first, last) if d.isoweekday() == cfg.legal_holiday_weekday)

"""36協定 figures without the months an employee was exempt, and the 面接指導 indicator, through the services on
SQLite and PostgreSQL (attendance imported from a time-clock CSV, each month computed, then closed).

Exempt months, computed by hand (no 36協定 recorded: 45h / 360h, no 特別条項, agreement year from April):
X001 is hired 2026-04-01 as a 管理監督者 (課長) and becomes an ordinary 労働者 from 2026-07-01. Every shift is
9:00-23:00 with 60 break = 13h, 5h over 8h (each week's regular time stays within 40h).
* April: the first 20 non-holiday weekdays (04-01 .. 04-28, 昭和の日 04-29 left out): 20 × 5h = 100h.
* May: its 18 non-holiday weekdays (05-04 .. 05-06 are 祝日) = 90h, and Saturdays 05-16 and 05-23 9:00-14:00
  without break: the week's regular time is already 40h (Mon-Fri), so 5h each over 40h a week = 10h; 100h.
* June: 06-01 .. 06-26 (20 weekdays, no 祝日): 100h.
* July, August, September: the first 10 non-holiday weekdays of each: 10 × 5h = 50h.
September: the year's 時間外 is 150h (not 450h), 3 months over 45h (not 6), averages over July-September only
(2 and 3 months: 50h); flags 月45時間超 and 45時間超の月 (none allowed without 特別条項), no warning. July has
no average, August only the 2-month one. June (exempt) is not flagged and its 100h are kept on its 勤務表.

面接指導 (安衛則52条の2): February 2026 is 28 days, Sunday 02-01 .. Saturday 02-28, four whole weeks, so 40
hours a week allow 160h = 20 weekdays × 8h. 法定休日 is Sunday.
* R081 (正社員): the 20 weekdays 9:00-20:30 (60 break) = 10.5h (2.5h over): 50h of 時間外; Sundays 02-01,
  02-08, 02-15 9:00-18:00 (60) = 8h and 02-22 9:00-17:00 (60) = 7h: 31h of 法定休日労働. Worked 241h, 81h
  beyond 160h → 面接指導の対象.
* R080: the same with 02-22 9:00-16:00 (6h): 240h, 80h → not (「80時間を超え」).
* M090 (管理監督者) and O090 (役員): the weekdays 9:00-21:00 (11h, 3h over: 60h), Sundays 8h, 8h, 8h, 6h (30h):
  250h, 90h beyond. M090 → 面接指導の対象 (安衛法 knows no 41条 exception) and no 36協定 flag; O090 is no
  労働者 → neither.
"""

from __future__ import annotations

import datetime as dt

from ennoshita.actor import Actor
from ennoshita.dates import is_holiday
from ennoshita.db import Database
from ennoshita.hr import limits, services
from ennoshita.hr.employees import EmployeeInput

ADMIN = Actor.system()
D = dt.date
H = 60
HEADER = "employee_number,date,clock_in,clock_out,break_minutes"


def _hire(db: Database, number: str, hired: dt.date, etype: str = "regular", manager: bool = False) -> int:
    return services.hire(db.uow(), ADMIN, EmployeeInput(
        employee_number=number, name=f"社員 {number}", name_kana="テスト", birth_date=D(1980, 1, 1), hire_date=hired,
        employment_type=etype, department="製造部", position="課長" if manager else "", weekly_days=5,
        weekly_minutes=2400, work_weekdays="12345", is_manager=manager))


def _workdays(year: int, month: int) -> list[dt.date]:
    day, out = D(year, month, 1), []
    while day.month == month:
        if day.weekday() < 5 and not is_holiday(day):
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def _year_csv() -> str:
    april, may, june = _workdays(2026, 4)[:20], _workdays(2026, 5), _workdays(2026, 6)[:20]
    assert (april[-1], len(may), june[-1]) == (D(2026, 4, 28), 18, D(2026, 6, 26))
    lines = [f"X001,{d},09:00,23:00,60" for d in [*april, *may, *june]]
    lines += ["X001,2026-05-16,09:00,14:00,0", "X001,2026-05-23,09:00,14:00,0"]
    for m in (7, 8, 9):
        lines += [f"X001,{d},09:00,23:00,60" for d in _workdays(2026, m)[:10]]
    return "\n".join([HEADER, *lines]) + "\n"


def test_the_months_as_a_manager_are_left_out_of_the_year_the_45h_count_and_the_averages(db: Database) -> None:
    emp = _hire(db, "X001", D(2026, 4, 1), manager=True)
    services.import_csv(db.uow(), ADMIN, _year_csv())
    services.transfer(db.uow(), ADMIN, emp, services.TransferInput(D(2026, 7, 1), "製造部", "", is_manager=False))

    def check() -> None:
        sep = services.dashboard(db.uow(), ADMIN, D(2026, 9, 1)).rows[0]
        assert (sep.overtime, sep.year_overtime, sep.months_over) == (50 * H, 150 * H, 3)
        assert sep.averages == {2: 50 * H, 3: 50 * H}
        assert (set(sep.flags), sep.warnings) == ({"over_monthly", "months_over"}, ())
        jun = services.dashboard(db.uow(), ADMIN, D(2026, 6, 1)).rows[0]
        assert (jun.overtime, jun.year_overtime, jun.months_over, jun.flags, jun.warnings) == (100 * H, 0, 0, (), ())
        assert services.dashboard(db.uow(), ADMIN, D(2026, 7, 1)).rows[0].averages == {}
        assert services.dashboard(db.uow(), ADMIN, D(2026, 8, 1)).rows[0].averages == {2: 50 * H}
        with db.uow() as uow:
            full = limits.employee_limits_in(uow.session, emp, D(2026, 9, 1))
            may = limits.employee_limits_in(uow.session, emp, D(2026, 5, 1))
        assert (full.year_overtime, full.months_over_monthly, full.averages) == (150 * H, 3, {2: 50 * H, 3: 50 * H})
        assert (may.overtime, may.flags) == (100 * H, ())

    check()  # the months still open
    for m in range(4, 10):
        assert services.close_month(db.uow(), ADMIN, D(2026, m, 1)).closed == 1
    check()  # and closed


def _february(number: str, weekday_end: str, last_sunday_end: str) -> list[str]:
    days = [D(2026, 2, 1) + dt.timedelta(days=i) for i in range(28)]
    lines = [f"{number},{d},09:00,{weekday_end},60" for d in days if d.weekday() < 5]
    sundays = [d for d in days if d.weekday() == 6]
    assert len(lines) == 20 and len(sundays) == 4
    return [*lines, *(f"{number},{d},09:00,18:00,60" for d in sundays[:3]),
            f"{number},{sundays[3]},09:00,{last_sunday_end},60"]


def test_over_80_hours_beyond_40_a_week_is_indicated_for_a_worker_or_a_manager_not_an_officer(db: Database) -> None:
    feb = D(2026, 2, 1)
    for number, etype, manager in (("R081", "regular", False), ("R080", "regular", False),
                                   ("M090", "regular", True), ("O090", "officer", False)):
        _hire(db, number, feb, etype, manager)
    services.import_csv(db.uow(), ADMIN, "\n".join([
        HEADER, *_february("R081", "20:30", "17:00"), *_february("R080", "20:30", "16:00"),
        *_february("M090", "21:00", "16:00"), *_february("O090", "21:00", "16:00")]) + "\n")

    def check() -> None:
        board = services.dashboard(db.uow(), ADMIN, feb)
        by = {r.employee_number: r for r in board.rows}
        assert {n: (r.overtime, r.holiday, r.beyond_40, r.interview) for n, r in by.items()} == {
            "R081": (50 * H, 31 * H, 81 * H, True), "R080": (50 * H, 30 * H, 80 * H, False),
            "M090": (60 * H, 30 * H, 90 * H, True), "O090": (60 * H, 30 * H, 90 * H, False)}
        assert (by["M090"].flags, by["M090"].warnings) == ((), ())  # the 36協定 limits are not a 管理監督者's
        assert "over_monthly" in by["R081"].flags and "over_monthly" in by["R080"].flags
        assert board.interview == 2
        only = services.dashboard(db.uow(), ADMIN, feb, only_interview=True)
        assert (sorted(r.employee_number for r in only.rows), only.total) == (["M090", "R081"], 2)
        both = services.dashboard(db.uow(), ADMIN, feb, only_flagged=True, only_interview=True)
        assert ([r.employee_number for r in both.rows], both.total) == (["R081"], 1)

    check()
    assert services.close_month(db.uow(), ADMIN, feb).closed == 4
    check()

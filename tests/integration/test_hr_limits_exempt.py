"""36協定 limits are a 労働者's (労基法32条, 35条, 36条): a 管理監督者 (労基法41条2号) and a 役員 (not a 労働者,
労基法9条) work the same month as an ordinary 正社員 and only the 正社員 is flagged; their hours and 深夜 are still
kept (SQLite and PostgreSQL).

Hand computation: three employees hired 2026-04-01, Mon-Fri 8h (40h a week), no 36協定 recorded, so the
ordinary limits hold (45h a month, no 特別条項). June 2026 has no 祝日 and 22 weekdays (Mon 06-01 .. Tue 06-30).
Each works 06-01 .. 06-26 (20 days) 9:00-20:30 with 60 break = 630 minutes, 150 over 8h a day: 20 × 150 =
3,000 minutes (50h) of 法定時間外 (each week's regular time is 5 × 480 = 2,400, so nothing more over 40h);
06-29 9:00-18:00 (60 break) = 480; 06-30 14:00-23:00 (60 break) = 480, 深夜 22:00-23:00 = 60.
正社員: 50h > 45h → 月45時間超 (over_monthly), and a month over 45h without 特別条項 (months_over). 管理監督者 and
役員: the same 3,000 minutes and 60 深夜, no flag, no warning.
"""

from __future__ import annotations

import datetime as dt

from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.hr import limits, payroll_feed, services
from ennoshita.hr.employees import EmployeeInput

ADMIN = Actor.system()
D = dt.date
JUNE = D(2026, 6, 1)


def _hire(db: Database, number: str, name: str, etype: str, position: str, manager: bool) -> int:
    return services.hire(db.uow(), ADMIN, EmployeeInput(
        employee_number=number, name=name, name_kana="テスト", birth_date=D(1980, 1, 1), hire_date=D(2026, 4, 1),
        employment_type=etype, department="製造部", position=position, weekly_days=5, weekly_minutes=2400,
        work_weekdays="12345", is_manager=manager))


def _june(number: str) -> list[str]:
    days = [JUNE + dt.timedelta(days=i) for i in range(30)]
    weekdays = [d for d in days if d.weekday() < 5]
    assert len(weekdays) == 22
    lines = [f"{number},{d},09:00,20:30,60" for d in weekdays[:20]]
    return [*lines, f"{number},{weekdays[20]},09:00,18:00,60", f"{number},{weekdays[21]},14:00,23:00,60"]


def test_a_manager_and_an_officer_are_not_flagged_an_employee_working_the_same_hours_is(db: Database) -> None:
    ids = {"R001": _hire(db, "R001", "社員 一郎", "regular", "", False),
           "M001": _hire(db, "M001", "課長 二郎", "regular", "課長", True),
           "O001": _hire(db, "O001", "役員 三郎", "officer", "取締役", False)}
    text = "\n".join(["employee_number,date,clock_in,clock_out,break_minutes", *_june("R001"), *_june("M001"),
                      *_june("O001")]) + "\n"
    services.import_csv(db.uow(), ADMIN, text)

    def check() -> None:
        board = services.dashboard(db.uow(), ADMIN, JUNE)
        by = {r.employee_number: r for r in board.rows}
        assert {n: (r.overtime, r.holiday) for n, r in by.items()} == dict.fromkeys(ids, (3000, 0))
        assert set(by["R001"].flags) == {"over_monthly", "months_over"}
        for n in ("M001", "O001"):
            assert (by[n].flags, by[n].warnings, by[n].months_over) == ((), (), 0), n
        assert (board.flagged, board.warned) == (1, 0)
        assert [r.employee_number for r in services.dashboard(db.uow(), ADMIN, JUNE, only_flagged=True).rows] == [
            "R001"]
        with db.uow() as uow:
            full = {n: limits.employee_limits_in(uow.session, i, JUNE) for n, i in ids.items()}
        assert "over_monthly" in full["R001"].flags
        for n in ("M001", "O001"):
            assert (full[n].overtime, full[n].flags, full[n].warnings) == (3000, (), ()), n

    check()  # while June is open
    closed = services.close_month(db.uow(), ADMIN, JUNE)
    assert closed.closed == 3
    check()  # and once closed
    with db.uow() as uow:
        for i in ids.values():
            m = payroll_feed.closed_month_in(uow.session, i, JUNE)
            assert m is not None and (m.overtime_minutes, m.night_minutes) == (3000, 60)


def test_a_transfer_to_manager_clears_the_months_it_covers_whole(db: Database) -> None:
    """The same 50h June for two 正社員 (the hand computation above): one becomes 管理監督者 from 06-01, the whole
    month, and is no longer flagged; the other from 06-16, so the first half of June was a 労働者's and June stays
    flagged. Both 勤務表 keep their 3,000 minutes."""
    ids = {"A001": _hire(db, "A001", "社員 四郎", "regular", "", False),
           "B001": _hire(db, "B001", "社員 五郎", "regular", "", False)}
    text = "\n".join(["employee_number,date,clock_in,clock_out,break_minutes", *_june("A001"), *_june("B001")]) + "\n"
    services.import_csv(db.uow(), ADMIN, text)
    assert services.dashboard(db.uow(), ADMIN, JUNE).flagged == 2
    services.transfer(db.uow(), ADMIN, ids["A001"], services.TransferInput(
        D(2026, 6, 1), "製造部", "課長", is_manager=True))
    services.transfer(db.uow(), ADMIN, ids["B001"], services.TransferInput(
        D(2026, 6, 16), "製造部", "課長", is_manager=True))
    by = {r.employee_number: r for r in services.dashboard(db.uow(), ADMIN, JUNE).rows}
    assert (by["A001"].overtime, by["A001"].flags) == (3000, ())
    assert (by["B001"].overtime, set(by["B001"].flags)) == (3000, {"over_monthly", "months_over"})

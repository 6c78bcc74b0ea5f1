"""人事: a year of attendance (2025-04 .. 2026-03) for three employees on SQLite and PostgreSQL, imported from
a time-clock CSV, with leave and the 36協定 → grants, leave taken, 管理簿, month figures and limit flags
equal to the figures worked out by hand below.

Calendar (2025, from the 祝日 list): scheduled Mon-Fri days per month: Apr 22-1(4/29)=21, May 22-2(5/5,5/6)=20,
Jun 21, Jul 23-1(7/21)=22, Aug 21-1(8/11)=20, Sep 22-2(9/15,9/23)=20, Oct 23-1(10/13)=22, Nov 20-2(11/3,11/24)=18.

A 青木 (正社員, Mon-Fri 8h, hired 2025-04-01): every scheduled day 9:00-18:00 (60 break) = 480. Extra:
  Sat 2025-06-07 9:00-13:00 = 240, all beyond 40h in the week Jun 1-7 (Mon-Fri 2,400) → June overtime 240.
  Thu 2025-07-10 13:00 → 01:00 (60 break) = 660: 180 over 8h; 深夜 22:00-01:00 = 180.
  Leave: 2025-11-04 (day), 2026-01-05 (day, requested by A and approved by the head C), 2026-02-02 (half;
  works 9:00-13:00). First grant 2025-10-01: attended every scheduled day → 10 days. On 2026-03-31: taken
  1 + 1 + 0.5 = 2.5, balance 7.5; 年5日: due 2026-09-30, 2.5 taken, 183 days left → not at risk; on
  2026-07-15 (77 days left) → at risk, 2.5 still needed.
B 馬場 (パート, Mon/Wed/Fri 5h = 15h/week, hired 2025-04-01): 10:00-15:00 on scheduled days except 10 absences.
  Scheduled M/W/F 2025-04-01..09-30: Apr 13, May 13-1(5/5)=12, Jun 13, Jul 13-1(7/21)=12, Aug 13-1(8/11)=12,
  Sep 13-1(9/15)=12 → 74; attended 64; 64/74 = 0.8649 ≥ 0.8 → 比例付与 3 days/week at 0.5y: 5 days.
  Leave 2025-12-05 → balance 4; below 10 days, so no 年5日 obligation.
C 千葉 (正社員, department head, hired 2020-04-01): Apr-Oct 2025 every scheduled day 9:00-21:00 (60 break) =
  660, 180 overtime a day; Nov-Mar 9:00-18:00. Sun 2025-06-08 9:00-17:00 (60 break) = 420 法定休日労働.
  Leave 2025-08-01 and 2025-08-04 (Aug: 18 worked days). Overtime: Apr 21x180=3,780, May 20x180=3,600,
  Jun 3,780, Jul 22x180=3,960, Aug 18x180=3,240, Sep 3,600, Oct 3,960: 7 months over 45h (2,700);
  year 25,920 (432h). 60h超: Apr 180, Jun 180, Jul 360, Oct 360. June total with holiday 4,200 < 6,000.
  Grants (periods before the first record, 2025-04-01, are not judged): 2020-10-01 10, 2021-10-01 11,
  2022-10-01 12, 2023-10-01 14, 2024-10-01 16, 2025-10-01 18. The two August days use the oldest valid
  grant (2023-10-01, valid until 2025-09-30), so on 2026-03-31: 16 (2024) + 18 (2025) - 1 (2026-01-09) = 33.
36協定 from 2025-04-01 with a special clause (80h/month, 720h/year, 6 months): October → over_monthly and
  months_over (7 > 6), not over_720, not over_100; 2-month average Sep+Oct (3,600+3,960)/2 = 3,780.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import holidays
import pytest

from ennoshita.actor import Actor
from ennoshita.approvals import services as approvals
from ennoshita.db import Database
from ennoshita.errors import Invalid
from ennoshita.hr import limits, payroll_feed, queries, services
from ennoshita.hr.employees import EmployeeInput
from ennoshita.hr.leave import LeaveInput
from ennoshita.identity import services as identity

ADMIN = Actor.system()
JP = holidays.Japan(years=[2025, 2026])
D = dt.date
ABSENT_B = {D(2025, 5, 2), D(2025, 5, 7), D(2025, 5, 9), D(2025, 5, 12), D(2025, 5, 14), D(2025, 6, 2),
            D(2025, 6, 4), D(2025, 6, 6), D(2025, 7, 2), D(2025, 7, 4)}


def _days() -> list[dt.date]:
    return [D(2025, 4, 1) + dt.timedelta(days=i) for i in range(365)]


def _csv() -> str:
    lines = ["employee_number,date,clock_in,clock_out,break_minutes"]
    for d in _days():
        workday = d.weekday() < 5 and d not in JP
        # A
        if d == D(2025, 7, 10):
            lines.append(f"A001,{d},13:00,25:00,60")
        elif d == D(2025, 6, 7):
            lines.append(f"A001,{d},09:00,13:00,0")
        elif d == D(2026, 2, 2):
            lines.append(f"A001,{d},09:00,13:00,0")
        elif workday and d not in (D(2025, 11, 4), D(2026, 1, 5)):
            lines.append(f"A001,{d},09:00,18:00,60")
        # B
        if workday and d.weekday() in (0, 2, 4) and d not in ABSENT_B and d != D(2025, 12, 5):
            lines.append(f"B001,{d},10:00,15:00,0")
        # C
        if d == D(2025, 6, 8):
            lines.append(f"C001,{d},09:00,17:00,60")
        elif workday and d not in (D(2025, 8, 1), D(2025, 8, 4), D(2026, 1, 9)):
            end = "21:00" if d <= D(2025, 10, 31) else "18:00"
            lines.append(f"C001,{d},09:00,{end},60")
    return "\n".join(lines) + "\n"


def _employee(number: str, name: str, kana: str, hired: dt.date, etype: str, days: int, minutes: int,
              weekdays: str, user_id: int | None) -> EmployeeInput:
    return EmployeeInput(employee_number=number, name=name, name_kana=kana, birth_date=D(1990, 1, 1),
                         hire_date=hired, employment_type=etype, department="製造部", weekly_days=days,
                         weekly_minutes=minutes, work_weekdays=weekdays, user_id=user_id)


@pytest.fixture
def year(db: Database) -> dict[str, int]:
    users = {}
    for email, name in (("aoki@example.jp", "青木 一郎"), ("chiba@example.jp", "千葉 部長")):
        users[email] = identity.create_user(db.uow(), ADMIN, identity.NewUser(
            email=email, display_name=name, roles=("requester",), password="pw-for-tests-1", department="製造部"))
    a_user = identity.actor_by_email(db.uow(), "aoki@example.jp", "web")
    c_user = identity.actor_by_email(db.uow(), "chiba@example.jp", "web")
    approvals.set_department_head(db.uow(), ADMIN, "製造部", c_user.user_id or 0)
    ids = {
        "A": services.hire(db.uow(), ADMIN, _employee("A001", "青木 一郎", "アオキ イチロウ", D(2025, 4, 1), "regular",
                                                       5, 2400, "12345", a_user.user_id)),
        "B": services.hire(db.uow(), ADMIN, _employee("B001", "馬場 花子", "ババ ハナコ", D(2025, 4, 1), "part_time",
                                                       3, 900, "135", None)),
        "C": services.hire(db.uow(), ADMIN, _employee("C001", "千葉 部長", "チバ ブチョウ", D(2020, 4, 1), "regular",
                                                       5, 2400, "12345", c_user.user_id)),
    }
    services.save_agreement(db.uow(), ADMIN, services.AgreementInput(
        D(2025, 4, 1), special_clause=True, special_monthly_minutes=80 * 60, special_yearly_minutes=720 * 60))
    result = services.import_csv(db.uow(), ADMIN, _csv())
    assert result.employees == 3
    for emp, day, unit in (("A", D(2025, 11, 4), "day"), ("A", D(2026, 2, 2), "half"), ("B", D(2025, 12, 5), "day"),
                           ("C", D(2025, 8, 1), "day"), ("C", D(2025, 8, 4), "day"), ("C", D(2026, 1, 9), "day")):
        services.request_leave(db.uow(), ADMIN, LeaveInput(day, unit), employee_id=ids[emp], record=True)
    # A asks for 2026-01-05 himself; his head C approves on the route
    services.request_leave(db.uow(), a_user, LeaveInput(D(2026, 1, 5), "day", reason="私用"))
    [waiting] = approvals.waiting_for_me(db.uow(), c_user)
    assert waiting.document_type == "hr_leave"
    approvals.decide(db.uow(), c_user, waiting.id, "approve")
    for k in range(12):
        month = D(2025 + (4 + k - 1) // 12, (4 + k - 1) % 12 + 1, 1)
        closed = services.close_month(db.uow(), ADMIN, month)
        assert closed.problems == () and closed.closed == 3
    return ids


def _month(db: Database, emp: int, month: dt.date) -> payroll_feed.ClosedMonth:
    with db.uow() as uow:
        found = payroll_feed.closed_month_in(uow.session, emp, month)
    assert found is not None
    return found


def _month_figures_of_the_year(db: Database, year: dict[str, int]) -> None:
    a_jun = _month(db, year["A"], D(2025, 6, 1))
    # 21 scheduled days x 480 + Saturday 240; the Saturday is 240 weekly overtime
    assert (a_jun.scheduled_days, a_jun.worked_days) == (21, 22)
    assert (a_jun.actual_minutes, a_jun.overtime_minutes) == (10320, 240)
    assert a_jun.scheduled_minutes == 21 * 480
    a_jul = _month(db, year["A"], D(2025, 7, 1))
    # 22 days: 21 x 480 + 660 = 10,740; 180 over 8h; night 22:00-01:00 = 180
    assert (a_jul.actual_minutes, a_jul.overtime_minutes, a_jul.night_minutes) == (10740, 180, 180)
    a_nov = _month(db, year["A"], D(2025, 11, 1))
    assert (a_nov.scheduled_days, a_nov.worked_days, a_nov.leave_days, a_nov.absence_days) == (18, 17, Decimal(1), 0)
    c_jun = _month(db, year["C"], D(2025, 6, 1))
    # 21 x 660 + 420 = 14,280; overtime 21 x 180 = 3,780, beyond 60h 180; 法定休日 420
    assert (c_jun.actual_minutes, c_jun.overtime_minutes, c_jun.overtime_over60_minutes,
            c_jun.legal_holiday_minutes) == (14280, 3780, 180, 420)
    c_aug = _month(db, year["C"], D(2025, 8, 1))
    assert (c_aug.worked_days, c_aug.leave_days, c_aug.overtime_minutes) == (18, Decimal(2), 3240)
    c_oct = _month(db, year["C"], D(2025, 10, 1))
    assert (c_oct.overtime_minutes, c_oct.overtime_over60_minutes) == (3960, 360)
    b_jul = _month(db, year["B"], D(2025, 7, 1))
    assert (b_jul.scheduled_days, b_jul.worked_days, b_jul.absence_days, b_jul.actual_minutes) == (12, 10, 2, 3000)


def _grants_leave_and_balances(db: Database, year: dict[str, int]) -> None:
    on = D(2026, 3, 31)
    a = services.leave_status(db.uow(), ADMIN, year["A"], on)
    assert [(g.grant_date, g.days) for g in a.grants] == [(D(2025, 10, 1), 10)]
    assert a.balance == Fraction(15, 2)
    assert a.obligation is not None and a.obligation.due_by == D(2026, 9, 30)
    assert a.obligation.taken == Fraction(5, 2) and not a.obligation.at_risk
    later = services.leave_status(db.uow(), ADMIN, year["A"], D(2026, 7, 15))
    assert later.obligation is not None and later.obligation.at_risk and later.obligation.still_needed == Fraction(5, 2)
    b = services.leave_status(db.uow(), ADMIN, year["B"], on)
    assert [(g.grant_date, g.days, g.attendance_rate) for g in b.grants] == [(D(2025, 10, 1), 5, Decimal("0.8649"))]
    assert b.balance == 4 and b.obligation is None
    c = services.leave_status(db.uow(), ADMIN, year["C"], on)
    assert [(g.grant_date, int(g.days)) for g in c.grants] == [
        (D(2020, 10, 1), 10), (D(2021, 10, 1), 11), (D(2022, 10, 1), 12), (D(2023, 10, 1), 14),
        (D(2024, 10, 1), 16), (D(2025, 10, 1), 18)]
    used = {g.grant_date: g.used for g in c.grants}
    assert used[D(2023, 10, 1)] == 2 and used[D(2024, 10, 1)] == 1
    assert c.balance == 33


def _leave_ledger(db: Database, year: dict[str, int]) -> None:
    rows, total = queries.leave_ledger(db.uow(), ADMIN, D(2026, 3, 31))
    assert total == 3
    by = {r.employee_number: r for r in rows}
    assert (by["A001"].grant_date, by["A001"].granted, by["A001"].taken_days, by["A001"].balance) == (
        D(2025, 10, 1), 10, Fraction(5, 2), Fraction(15, 2))
    assert by["A001"].taken_dates == ((D(2025, 11, 4), "day"), (D(2026, 1, 5), "day"), (D(2026, 2, 2), "half"))
    assert (by["B001"].granted, by["B001"].taken_days, by["B001"].balance) == (5, 1, 4)
    assert (by["C001"].granted, by["C001"].taken_days, by["C001"].balance) == (18, 1, 33)
    csv_text = "".join(queries.leave_ledger_csv(db.uow(), ADMIN, D(2026, 3, 31)))
    assert "A001,青木 一郎,製造部,2025-10-01,10,2025-11-04 2026-01-05 2026-02-02(半),2.5,7.5,2026-09-30,2.5" in csv_text


def _limit_flags(db: Database, year: dict[str, int]) -> None:
    board = services.dashboard(db.uow(), ADMIN, D(2025, 10, 1))
    by = {r.employee_number: r for r in board.rows}
    c = by["C001"]
    assert {"over_monthly", "months_over"} <= set(c.flags)
    assert "over_720" not in c.flags and "over_100" not in c.flags
    assert (c.overtime, c.months_over, c.averages[2]) == (3960, 7, 3780)
    assert by["A001"].flags == () and by["B001"].flags == ()
    assert board.rows[0].employee_number == "C001"  # flagged first
    jun = services.dashboard(db.uow(), ADMIN, D(2025, 6, 1))
    cj = next(r for r in jun.rows if r.employee_number == "C001")
    assert (cj.overtime, cj.holiday) == (3780, 420) and "over_100" not in cj.flags
    with db.uow() as uow:
        full = limits.employee_limits_in(uow.session, year["C"], D(2026, 3, 1))
    assert full.year_overtime == 25920 and "over_720" not in full.flags


def _closed_months_refuse_changes(db: Database, year: dict[str, int]) -> None:
    with pytest.raises(Invalid) as e:
        services.request_leave(db.uow(), ADMIN, LeaveInput(D(2025, 12, 8)), employee_id=year["A"], record=True)
    assert e.value.problems[0].key == "hr.error.month_closed"
    with pytest.raises(Invalid) as e:
        services.import_csv(db.uow(), ADMIN, "employee_number,date,clock_in,clock_out,break_minutes\n"
                                             "A001,2025-12-08,09:00,18:00,60\n")
    assert e.value.problems[0].key == "hr.error.month_closed" and e.value.problems[0].line == 2


def test_a_year_for_three_employees(db: Database, year: dict[str, int]) -> None:
    """One import of the year per backend, then every check (the year takes a while to load)."""
    _month_figures_of_the_year(db, year)
    _grants_leave_and_balances(db, year)
    _leave_ledger(db, year)
    _limit_flags(db, year)
    _closed_months_refuse_changes(db, year)

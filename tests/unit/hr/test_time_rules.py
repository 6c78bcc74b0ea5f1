"""Working-time classification (労基法32/35/37条) and the 36協定 limits at each boundary.
Every expected figure is worked out by hand in the comment beside it."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from ennoshita.errors import Invalid
from ennoshita.hr import rules

D = dt.date


def T(day: dt.date, h: int, m: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(h, m))


def shift(day: dt.date, h0: int, h1: int, brk: int = 60, end_day: dt.date | None = None) -> rules.Shift:
    return rules.Shift(day, T(day, h0), T(end_day or day, h1), brk)


SUNDAYS = [D(2026, 11, 29), D(2026, 12, 6), D(2026, 12, 13)]  # 法定休日 (2026-12-06 is a Sunday)


def test_calendar_assumption() -> None:
    assert D(2026, 12, 6).isoweekday() == 7


def test_overtime_across_midnight_belongs_to_the_day_the_shift_starts() -> None:
    # Fri 13:00 → Sat 02:00, 60 min break: 13h - 1h = 720 worked, 720 - 480 = 240 overtime,
    # 22:00-02:00 = 240 night (a break without times is not placed in the night)
    [d] = rules.classify([shift(D(2026, 12, 4), 13, 2, 60, D(2026, 12, 5))], SUNDAYS)
    assert (d.work_date, d.actual, d.overtime, d.legal_holiday, d.night) == (D(2026, 12, 4), 720, 240, 0, 240)


def test_night_shift_running_into_the_statutory_holiday() -> None:
    # Sat 18:00 → Sun 03:00, no break: 540 worked; Sunday 0:00-3:00 = 180 法定休日労働; the other 360 are
    # under 8h so no overtime; night 22:00-03:00 = 300
    [d] = rules.classify([shift(D(2026, 12, 5), 18, 3, 0, D(2026, 12, 6))], SUNDAYS)
    assert (d.actual, d.overtime, d.legal_holiday, d.night) == (540, 0, 180, 300)


def test_statutory_holiday_work_is_never_overtime() -> None:
    # Sunday 9:00-20:00, 60 break: 600 minutes, all 法定休日労働, 0 overtime even beyond 8h
    [d] = rules.classify([shift(D(2026, 12, 6), 9, 20)], SUNDAYS)
    assert (d.actual, d.overtime, d.legal_holiday) == (600, 0, 600)


def test_weekly_overtime_counts_only_time_not_already_over_eight_hours() -> None:
    week = [shift(D(2026, 11, 30), 9, 20)]  # Mon 600: 120 daily overtime, 480 towards the week
    week += [shift(D(2026, 12, d), 9, 18) for d in (1, 2, 3, 4)]  # Tue-Fri 480 each: week at 2,400
    week += [shift(D(2026, 12, 5), 9, 13, 0)]  # Sat 240: all beyond 40h
    days = rules.classify(week, SUNDAYS)
    assert [d.overtime for d in days] == [120, 0, 0, 0, 0, 240]


def test_week_boundary_a_saturday_night_shift_stays_in_its_week() -> None:
    # No 法定休日 in these days (say the company's is Wednesday). Week runs Sunday-Saturday.
    week = [shift(D(2026, 11, 30) + dt.timedelta(days=i), 9, 18) for i in range(5)]  # Mon-Fri 2,400
    week.append(shift(D(2026, 12, 5), 20, 2, 0, D(2026, 12, 6)))  # Sat 20:00 → Sun 02:00: 360, week 1
    week.append(shift(D(2026, 12, 6), 9, 18))  # Sun 480: first day of week 2
    days = rules.classify(week, [])
    assert [d.overtime for d in days] == [0, 0, 0, 0, 0, 360, 0]
    assert days[5].night == 240  # 22:00-02:00


def test_week_may_start_on_monday() -> None:
    # Same days with weeks Monday-Sunday: Sat 360 (week total 2,760: 360 over) then Sun 480 → week at
    # 3,240 → another 480 over
    week = [shift(D(2026, 11, 30) + dt.timedelta(days=i), 9, 18) for i in range(5)]
    week.append(shift(D(2026, 12, 5), 20, 2, 0, D(2026, 12, 6)))
    week.append(shift(D(2026, 12, 6), 9, 18))
    days = rules.classify(week, [], week_start=1)
    assert [d.overtime for d in days] == [0, 0, 0, 0, 0, 360, 480]


def test_breaks_with_times_are_taken_out_of_the_night() -> None:
    s = rules.Shift(D(2026, 12, 1), T(D(2026, 12, 1), 20), T(D(2026, 12, 2), 4), 60,
                    ((T(D(2026, 12, 2), 0), T(D(2026, 12, 2), 1)),))
    [d] = rules.classify([s], [])
    # 8h - 1h = 420 worked; night 22:00-04:00 = 360 less the 60 break = 300
    assert (d.actual, d.overtime, d.night) == (420, 0, 300)


def test_month_figures_and_the_part_beyond_sixty_hours() -> None:
    days = [rules.DayFigures(D(2026, 12, 1) + dt.timedelta(days=i), 600, 185, 0, 0) for i in range(20)]
    days.insert(0, rules.DayFigures(D(2026, 11, 30), 600, 120, 0, 0))  # outside the month: only the week
    m = rules.month_figures(days, D(2026, 12, 1), D(2026, 12, 31))
    # 20 x 185 = 3,700 overtime; beyond 3,600 (60h): 100
    assert (m.worked_days, m.actual, m.overtime, m.overtime_over60) == (20, 12000, 3700, 100)


def test_bad_shifts_are_refused() -> None:
    with pytest.raises(Invalid) as e:
        rules.check_shift(rules.Shift(D(2026, 12, 1), T(D(2026, 12, 1), 18), T(D(2026, 12, 1), 9)))
    assert e.value.problems[0].key == "hr.error.clock_out_before_in"
    with pytest.raises(Invalid) as e:
        rules.check_no_overlap([shift(D(2026, 12, 1), 20, 6, 0, D(2026, 12, 2)), shift(D(2026, 12, 2), 5, 9, 0)])
    assert e.value.problems[0].key == "hr.error.overlapping_shifts"


# --- 36協定 -------------------------------------------------------------------------------------------------

M = D(2026, 12, 1)
ORDINARY = rules.agreement_terms()
SPECIAL = rules.agreement_terms(special_clause=True, special_monthly=80 * 60, special_yearly=720 * 60)


def load(overtime_h: float, holiday_h: float = 0, month: dt.date = M) -> rules.MonthLoad:
    return rules.MonthLoad(month, int(overtime_h * 60), int(holiday_h * 60))


def test_45_hours_is_allowed_45_hours_and_a_minute_is_not() -> None:
    assert "over_monthly" not in rules.check_limits([load(45)], [load(45)], ORDINARY).flags
    over = rules.MonthLoad(M, 45 * 60 + 1, 0)
    assert "over_monthly" in rules.check_limits([over], [over], ORDINARY).flags
    assert "over_monthly" in rules.check_limits([load(36)], [load(36)], ORDINARY).warnings  # 80% of 45h


def test_variable_hours_scheme_uses_42_hours() -> None:
    terms = rules.agreement_terms(variable_hours=True)
    assert "over_monthly" not in rules.check_limits([load(42)], [load(42)], terms).flags
    assert "over_monthly" in rules.check_limits([load(43)], [load(43)], terms).flags


def test_100_hours_with_holiday_work_is_over_99_hours_59_is_not() -> None:
    at = rules.MonthLoad(M, 50 * 60, 50 * 60)  # 6,000 minutes: "100時間未満" is broken
    below = rules.MonthLoad(M, 50 * 60, 50 * 60 - 1)
    assert "over_100" in rules.check_limits([at], [at], SPECIAL).flags
    assert "over_100" not in rules.check_limits([below], [below], SPECIAL).flags


def test_80_hour_average_allowed_exactly_and_broken_above() -> None:
    a, b = load(40, 40, D(2026, 11, 1)), load(40, 40)  # (4,800 + 4,800) / 2 = 4,800 = 80h: 以内
    assert "avg_80" not in rules.check_limits([a, b], [a, b], SPECIAL).flags
    c = rules.MonthLoad(M, 40 * 60, 40 * 60 + 1)  # (4,800 + 4,801) / 2 > 4,800
    status = rules.check_limits([a, c], [a, c], SPECIAL)
    assert "avg_80" in status.flags and status.averages[2] == Fraction(9601, 2)


def test_80_hour_average_over_six_months_reaches_into_the_previous_agreement_year() -> None:
    # five months at 81h (45 + 36) then 75h: 2-month (81+75)/2 = 78, 3-month 237/3 = 79, 4-month 318/4 = 79.5,
    # 5-month 399/5 = 79.8, 6-month 480/6 = 80: every average 以内
    history = [load(45, 36, rules.add_months(M, -k)) for k in range(5, 0, -1)] + [load(45, 30)]
    status = rules.check_limits(history, history[-1:], SPECIAL)
    assert status.averages == {2: 78 * 60, 3: 79 * 60, 4: Fraction(4770), 5: Fraction(4788), 6: 80 * 60}
    assert "avg_80" not in status.flags
    # one more minute in the oldest month: only the 6-month average goes over (28,801 / 6 > 4,800)
    history[0] = rules.MonthLoad(history[0].month, 45 * 60 + 1, 36 * 60)
    assert "avg_80" in rules.check_limits(history, history[-1:], SPECIAL).flags


def test_more_than_six_months_over_45_hours_in_the_agreement_year() -> None:
    six = [load(50, 0, rules.add_months(M, -k)) for k in range(5, -1, -1)]
    assert "months_over" not in rules.check_limits(six, six, SPECIAL).flags
    seven = [load(50, 0, rules.add_months(M, -k)) for k in range(6, -1, -1)]
    assert "months_over" in rules.check_limits(seven, seven, SPECIAL).flags


def test_720_hours_a_year_allowed_exactly() -> None:
    year = [load(60, 0, rules.add_months(M, -k)) for k in range(11, -1, -1)]  # 12 x 60h = 720h
    assert "over_720" not in rules.check_limits(year, year, SPECIAL).flags
    year[-1] = rules.MonthLoad(M, 60 * 60 + 1, 0)
    assert "over_720" in rules.check_limits(year, year, SPECIAL).flags


def test_without_special_clause_360_hours_a_year_and_no_month_over_45() -> None:
    year = [load(30, 0, rules.add_months(M, -k)) for k in range(11, -1, -1)]  # 360h
    status = rules.check_limits(year, year, ORDINARY)
    assert "over_yearly" not in status.flags and "months_over" not in status.flags
    year[0] = load(46, 0, year[0].month)
    assert {"over_yearly", "months_over"} <= set(rules.check_limits(year, year, ORDINARY).flags)


def test_the_special_clause_month_counts_holiday_work_with_overtime() -> None:
    # 労基法36条5項: the 特別条項's 1箇月 figure is the time 時間外 and 休日 together may reach (様式第9号の2:
    # 時間外労働及び休日労働を合算した時間数, under 100h). Agreed 80h: 70h overtime + 15h on 法定休日 = 85h > 80h
    # breaks it; 70h + 10h = 80h is allowed; the 45h ordinary monthly count stays overtime only (70h > 45h).
    over = rules.check_limits([load(70, 15)], [load(70, 15)], SPECIAL)
    assert "over_special_monthly" in over.flags
    at = rules.check_limits([load(70, 10)], [load(70, 10)], SPECIAL)
    assert "over_special_monthly" not in at.flags
    assert "over_monthly" in at.flags


def test_special_clause_limits_are_checked() -> None:
    with pytest.raises(Invalid):
        rules.agreement_terms(special_clause=True, special_monthly=100 * 60, special_yearly=720 * 60)
    with pytest.raises(Invalid):
        rules.agreement_terms(special_clause=True, special_monthly=80 * 60, special_yearly=720 * 60 + 1)


def test_agreement_year_start() -> None:
    assert rules.agreement_year_start(D(2027, 2, 1), D(2026, 4, 1)) == D(2026, 4, 1)
    assert rules.agreement_year_start(D(2026, 4, 1), D(2026, 4, 1)) == D(2026, 4, 1)

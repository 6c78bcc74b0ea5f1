"""年次有給休暇 rules against the statutory tables (労基法39条, 労基則24条の3; MHLW table as data below)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ennoshita.errors import Invalid
from ennoshita.hr import rules

D = dt.date

# The MHLW tables, written out again here (not imported) as the oracle: years of service → days.
STATUTORY_FULL = {0.5: 10, 1.5: 11, 2.5: 12, 3.5: 14, 4.5: 16, 5.5: 18, 6.5: 20}
STATUTORY_PROPORTIONAL = {
    4: {0.5: 7, 1.5: 8, 2.5: 9, 3.5: 10, 4.5: 12, 5.5: 13, 6.5: 15},
    3: {0.5: 5, 1.5: 6, 2.5: 6, 3.5: 8, 4.5: 9, 5.5: 10, 6.5: 11},
    2: {0.5: 3, 1.5: 4, 2.5: 4, 3.5: 5, 4.5: 6, 5.5: 6, 6.5: 7},
    1: {0.5: 1, 1.5: 2, 2.5: 2, 3.5: 2, 4.5: 3, 5.5: 3, 6.5: 3},
}
YEARS = [0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5]


@pytest.mark.parametrize("step", range(7))
def test_full_time_table_at_every_step(step: int) -> None:
    assert rules.grant_days(step, weekly_days=5, weekly_minutes=40 * 60) == STATUTORY_FULL[YEARS[step]]


def test_full_table_stays_at_20_after_six_and_a_half_years() -> None:
    assert rules.grant_days(12, 5, 40 * 60) == 20


@pytest.mark.parametrize("days", [4, 3, 2, 1])
@pytest.mark.parametrize("step", range(7))
def test_proportional_table_at_every_step(days: int, step: int) -> None:
    # e.g. 3 days a week, 5 hours a day = 15h a week (< 30h): 比例付与
    expected = STATUTORY_PROPORTIONAL[days][YEARS[step]]
    assert rules.grant_days(step, weekly_days=days, weekly_minutes=days * 300) == expected


def test_thirty_hours_a_week_on_four_days_gets_the_full_table() -> None:
    # 4 days x 7.5h = 30h: not under 30 hours, so the full table (10 days at 6 months)
    assert rules.grant_days(0, 4, 30 * 60) == 10
    # 4 days x 7h29.75m… one minute under 30h: 比例付与 (7 days)
    assert rules.grant_days(0, 4, 30 * 60 - 1) == 7


def test_annual_days_bands_when_days_are_set_per_year() -> None:
    assert rules.grant_days(0, 0, 0, annual_days=216) == 7
    assert rules.grant_days(0, 0, 0, annual_days=217) == 10
    assert rules.grant_days(0, 0, 0, annual_days=168) == 5
    assert rules.grant_days(0, 0, 0, annual_days=121) == 5
    assert rules.grant_days(0, 0, 0, annual_days=120) == 3
    assert rules.grant_days(0, 0, 0, annual_days=48) == 1
    assert rules.grant_days(0, 0, 0, annual_days=47) == 0


def test_eighty_percent_condition_at_exactly_eighty_percent() -> None:
    assert rules.attendance_eligible(200, 250)  # 200/250 = 0.800
    assert not rules.attendance_eligible(199, 250)  # 0.796
    assert rules.attendance_eligible(4, 5)
    assert not rules.attendance_eligible(0, 0)


def test_first_grant_for_a_month_end_hire_falls_on_the_month_end() -> None:
    assert rules.grant_date(D(2024, 8, 31), 0) == D(2025, 2, 28)
    # the later grants are counted from the hire date: 2004 is a leap year
    assert rules.grant_dates(D(2003, 8, 31), D(2008, 3, 1)) == [
        D(2004, 2, 29), D(2005, 2, 28), D(2006, 2, 28), D(2007, 2, 28), D(2008, 2, 29)]
    assert rules.grant_date(D(2000, 1, 1), 0) == D(2000, 7, 1)
    assert rules.grant_date(D(2026, 4, 1), 1) == D(2027, 10, 1)


def test_grant_period_runs_from_hire_then_between_grants() -> None:
    assert rules.grant_period(D(2026, 4, 1), 0) == (D(2026, 4, 1), D(2026, 9, 30))
    assert rules.grant_period(D(2026, 4, 1), 1) == (D(2026, 10, 1), D(2027, 9, 30))


def test_grant_expires_after_two_years() -> None:
    assert rules.expires_on(D(2025, 4, 1)) == D(2027, 3, 31)
    grant = rules.Grant(D(2025, 4, 1), Fraction(10), rules.expires_on(D(2025, 4, 1)))
    assert rules.balance([grant], [], D(2027, 3, 31)).balance == 10  # last usable day
    after = rules.balance([grant], [], D(2027, 4, 1))
    assert after.balance == 0 and after.grants[0].expired


def test_use_comes_from_the_oldest_grant_first() -> None:
    old = rules.Grant(D(2025, 10, 1), Fraction(10), D(2027, 9, 30))
    new = rules.Grant(D(2026, 10, 1), Fraction(11), D(2028, 9, 30))
    taken = [rules.Taken(D(2026, 11, 2), Fraction(1)), rules.Taken(D(2026, 11, 3), Fraction(1, 2))]
    b = rules.balance([old, new], taken, D(2026, 12, 1))
    assert [g.used for g in b.grants] == [Fraction(3, 2), 0]
    assert b.balance == Fraction(39, 2)  # 10 - 1.5 + 11
    newest = rules.balance([old, new], taken, D(2026, 12, 1), newest_first=True)
    assert [g.used for g in newest.grants] == [0, Fraction(3, 2)]


def test_leave_spills_into_the_next_grant_and_the_old_remainder_lapses() -> None:
    old = rules.Grant(D(2024, 10, 1), Fraction(10), D(2026, 9, 30))
    new = rules.Grant(D(2025, 10, 1), Fraction(11), D(2027, 9, 30))
    taken = [rules.Taken(D(2025, 10, 2) + dt.timedelta(days=i), Fraction(1)) for i in range(12)]
    b = rules.balance([old, new], taken, D(2026, 10, 1))
    # 12 days: 10 from the old grant, 2 from the new; on 2026-10-01 the old grant has expired
    assert [g.used for g in b.grants] == [10, 2]
    assert b.balance == 9


def test_request_beyond_balance_is_refused() -> None:
    rules.check_request(Fraction(3), Fraction(2), Fraction(1))
    with pytest.raises(Invalid) as e:
        rules.check_request(Fraction(3), Fraction(2), Fraction(3, 2))
    assert e.value.problems[0].field == "leave_date"


def test_hourly_leave_up_to_five_days_a_year() -> None:
    assert rules.hours_per_day(450) == 8  # 7h30m rounds up
    assert rules.hourly_allowed(39, 1, 8)  # 40 hours = 5 days of 8 hours
    assert not rules.hourly_allowed(39, 2, 8)


def test_five_day_obligation_at_risk_and_by_when() -> None:
    g = rules.Grant(D(2026, 4, 1), Fraction(10), D(2028, 3, 31))
    taken = [rules.Taken(D(2026, 5, 1), Fraction(1)), rules.Taken(D(2026, 6, 1), Fraction(1, 2)),
             rules.Taken(D(2026, 7, 1), Fraction(1, 8), hourly=True)]
    early = rules.five_day_obligation([g], taken, D(2026, 12, 1))
    assert early is not None and early.due_by == D(2027, 3, 31)
    assert early.taken == Fraction(3, 2) and not early.at_risk  # 120 days left (> 90)
    late = rules.five_day_obligation([g], taken, D(2027, 1, 1))  # 89 days left, 3.5 still needed
    assert late is not None and late.at_risk and late.still_needed == Fraction(7, 2)
    overdue = rules.five_day_obligation([g], taken, D(2027, 3, 31) + dt.timedelta(days=1))
    assert overdue is not None and overdue.overdue


def test_five_day_obligation_only_for_ten_days_or_more() -> None:
    g = rules.Grant(D(2026, 4, 1), Fraction(7), D(2028, 3, 31))
    assert rules.five_day_obligation([g], [], D(2026, 12, 1)) is None


@given(st.lists(st.integers(min_value=0, max_value=700), max_size=30))
def test_balance_never_negative_and_used_never_beyond_grant(offsets: list[int]) -> None:
    grants = [rules.Grant(D(2025, 4, 1), Fraction(10), D(2027, 3, 31)),
              rules.Grant(D(2026, 4, 1), Fraction(11), D(2028, 3, 31))]
    taken = [rules.Taken(D(2025, 4, 1) + dt.timedelta(days=o), Fraction(1)) for o in offsets]
    b = rules.balance(grants, taken, D(2027, 1, 1))
    assert b.balance >= 0
    assert all(0 <= g.used <= g.days for g in b.grants)
    counted = [o for o in offsets if D(2025, 4, 1) + dt.timedelta(days=o) <= D(2027, 1, 1)]
    assert sum(g.used for g in b.grants) + b.unallocated == len(counted)

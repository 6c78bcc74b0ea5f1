"""The 36協定 figures leave out the months an employee was exempt (管理監督者, 役員), and the 面接指導 indicator
(安衛法66条の8, 安衛則52条の2): worked examples computed by hand.

Exempt months: 管理監督者 April-June 2026 with 100h of 時間外 a month, an ordinary 労働者 July-September with
50h a month, ordinary limits (45h / 360h, no 特別条項), agreement year from April. September: the year's
時間外 is 3 × 50h = 150h (not 450h), 3 months over 45h (not 6), the averages are over July-September only:
2 months (50 + 50) / 2 = 50h, 3 months 50h, no 4-6 month average. Flags: 月45時間超 and 45時間超の月 (none are
allowed without a 特別条項); 150h is under 80% of 360h, so no yearly warning.

面接指導: February 2026 has 28 days, so 40 hours a week allow 28 ÷ 7 × 40 = 160h; 241h worked is 81h beyond
(indicated), 240h is 80h (not: 「80時間を超え」). A 30-day month allows 171h25m (10,285 5/7 minutes).
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from ennoshita.hr import rules

D = dt.date
ORDINARY = rules.agreement_terms()
H = 60


def _year(until: int) -> list[rules.MonthLoad]:
    out = [rules.MonthLoad(D(2026, m, 1), 100 * H, 0, exempt=True) for m in (4, 5, 6)]
    out += [rules.MonthLoad(D(2026, m, 1), 50 * H, 0) for m in (7, 8, 9)]
    return [m for m in out if m.month.month <= until]


def _history(until: int) -> list[rules.MonthLoad]:
    before = [rules.MonthLoad(D(2026, m, 1), 0, 0) for m in (1, 2, 3)]  # ordinary, no hours
    return (before + _year(until))[-6:]


def test_exempt_months_are_left_out_of_the_year_the_45h_count_and_the_averages() -> None:
    st = rules.check_limits(_history(9), _year(9), ORDINARY)
    assert (st.year_overtime, st.months_over_monthly) == (150 * H, 3)
    assert st.averages == {2: Fraction(50 * H), 3: Fraction(50 * H)}
    assert set(st.flags) == {"over_monthly", "months_over"} and st.warnings == ()


def test_the_averages_start_again_after_the_exempt_months() -> None:
    assert rules.check_limits(_history(7), _year(7), ORDINARY).averages == {}
    aug = rules.check_limits(_history(8), _year(8), ORDINARY)
    assert aug.averages == {2: Fraction(50 * H)} and aug.year_overtime == 100 * H


def test_an_exempt_month_is_never_flagged_and_adds_nothing() -> None:
    st = rules.check_limits(_history(6), _year(6), ORDINARY)
    assert (st.overtime, st.year_overtime, st.months_over_monthly) == (100 * H, 0, 0)
    assert (st.flags, st.warnings, st.averages) == ((), (), {})


def test_a_run_of_ordinary_months_stops_at_the_first_exempt_one_and_at_six() -> None:
    months = [rules.MonthLoad(D(2026, m, 1), m, 0, exempt=m == 3) for m in range(1, 13)]
    assert [m.month.month for m in rules.ordinary_run(months[:6])] == [6, 5, 4]
    assert [m.month.month for m in rules.ordinary_run(months)] == [12, 11, 10, 9, 8, 7]
    assert rules.ordinary_run(months[:3]) == []


def test_interview_over_80_hours_beyond_40_a_week() -> None:
    assert rules.interview_threshold(28) == 240 * H
    assert rules.interview_indicated(241 * H, 28)
    assert not rules.interview_indicated(240 * H, 28)
    assert rules.interview_indicated(240 * H + 1, 28)
    assert rules.beyond_week_limit(241 * H, 28) == 81 * H
    assert rules.beyond_week_limit(100 * H, 28) == 0
    # 30 days: 171h25 5/7 m allowed; 80h beyond is 15,085 5/7 minutes worked: 15,085 is not over, 15,086 is
    assert rules.interview_threshold(30) == 15_085
    assert not rules.interview_indicated(15_085, 30) and rules.interview_indicated(15_086, 30)
    assert rules.beyond_week_limit(15_086, 30) == 80 * H  # 4,800 2/7 minutes, shown rounded down


def test_interview_is_a_workers_managers_included_officers_not() -> None:
    assert rules.interview_applies("regular") and rules.interview_applies("part_time")
    assert not rules.working_time_limits_apply("regular", True) and rules.interview_applies("regular")
    assert not rules.interview_applies("officer")
    assert not rules.interview_indicated(250 * H, 28, worker=False)

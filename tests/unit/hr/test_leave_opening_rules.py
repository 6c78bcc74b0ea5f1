"""年次有給休暇 for an employee registered after their hire date (導入時残高): the grants fall due on the statutory
基準日 by the years of 継続勤務 (労基法39条1項・2項), the scheduled days before the records begin count as
attended (導入前の期間は出勤率を満たすものとして付与), and the 導入時残高 keeps each grant's date for the 2-year
時効 (労基法115条). Figures worked out by hand from the MHLW table (0.5y 10 … 6.5y+ 20)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from ennoshita.hr import rules

D = dt.date


def test_hired_2019_04_01_full_time_gets_20_days_on_2026_10_01() -> None:
    # 2019-04-01 + 6 months = 2019-10-01 (0.5y, step 0); 2026-10-01 is 7.5 years of service (step 7): 6.5y+ → 20
    steps = rules.due_grant_steps(D(2019, 4, 1), D(2026, 10, 1), records_from=D(2026, 6, 1))
    assert steps == [7]
    assert rules.grant_date(D(2019, 4, 1), 7) == D(2026, 10, 1)
    assert rules.grant_days(7, weekly_days=5, weekly_minutes=40 * 60) == 20
    # without a 導入日 every 基準日 since the hire is computed: 2019-10-01 … 2026-10-01, eight of them
    assert rules.due_grant_steps(D(2019, 4, 1), D(2026, 10, 1)) == list(range(8))


def test_the_next_statutory_dates_after_the_introduction() -> None:
    # 入社 2022-07-15, 導入 2026-01-05: the 基準日 2023-01-15 … 2026-01-15; computed from the 導入日 on: 2026-01-15
    # (3.5y → 14 days), 2027-01-15 (4.5y → 16)
    steps = rules.due_grant_steps(D(2022, 7, 15), D(2027, 1, 15), records_from=D(2026, 1, 5))
    assert [(rules.grant_date(D(2022, 7, 15), s), rules.grant_days(s, 5, 2400)) for s in steps] == [
        (D(2026, 1, 15), 14), (D(2027, 1, 15), 16)]


def _weekdays(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)
            if (first + dt.timedelta(days=i)).isoweekday() <= 5]


def test_a_period_wholly_before_the_records_is_granted_without_a_rate() -> None:
    sched = _weekdays(D(2025, 10, 1), D(2026, 9, 30))
    a = rules.assess_period(sched, [], records_from=D(2026, 10, 1))
    assert (a.judged, a.rate, a.eligible, a.assumed) == (False, None, True, len(sched))
    assert rules.assess_period(sched, [], records_from=None).eligible  # no records at all


def test_the_part_before_the_records_counts_as_attended() -> None:
    # ten scheduled days, the records begin on the seventh: six assumed, four judged on the records
    sched = [D(2026, 3, d) for d in (2, 3, 4, 5, 6, 9, 10, 11, 12, 13)]
    start = D(2026, 3, 10)
    one = rules.assess_period(sched, [D(2026, 3, 10)], start)
    assert (one.assumed, one.attended, one.rate, one.eligible) == (6, 7, Fraction(7, 10), False)
    two = rules.assess_period(sched, [D(2026, 3, 10), D(2026, 3, 12)], start)
    assert (two.attended, two.rate, two.eligible) == (8, Fraction(8, 10), True)  # exactly 8割 qualifies
    # a day worked before the records begin adds nothing: it is already assumed
    assert rules.assess_period(sched, [D(2026, 3, 2), D(2026, 3, 10)], start).attended == 7


def test_a_period_wholly_covered_uses_the_records_alone() -> None:
    sched = [D(2026, 3, d) for d in (2, 3, 4, 5, 6)]
    a = rules.assess_period(sched, sched[:3], records_from=D(2026, 1, 1))
    assert (a.assumed, a.rate, a.eligible) == (0, Fraction(3, 5), False)


def test_opening_balance_checks() -> None:
    hire, as_of = D(2019, 4, 1), D(2026, 6, 1)
    ok = [rules.OpeningRow(D(2024, 10, 1), Fraction(3)), rules.OpeningRow(D(2025, 10, 1), Fraction(25, 2))]
    assert rules.check_opening(hire, as_of, ok) == []
    bad = [
        rules.OpeningRow(D(2024, 4, 1), Fraction(2)),  # lapsed on 2026-03-31 (two years, 労基法115条)
        rules.OpeningRow(D(2026, 6, 1), Fraction(2)),  # on the 導入日: that grant is the system's to make
        rules.OpeningRow(D(2025, 10, 1), Fraction(1, 3)),  # not whole or half days
        rules.OpeningRow(D(2025, 10, 1), Fraction(41)),  # twice the same date, and more than 20 + 20
    ]
    problems = rules.check_opening(hire, as_of, bad)
    assert [(p.key, p.field) for p in problems] == [
        ("hr.error.opening_lapsed", "opening.1.grant_date"),
        ("hr.error.opening_grant_date", "opening.2.grant_date"),
        ("hr.error.opening_days", "opening.3.days"),
        ("hr.error.opening_duplicate", "opening.4.grant_date"),
        ("hr.error.opening_days", "opening.4.days")]
    assert problems[0].params["expired"] == D(2026, 3, 31)  # a date: the message writes it as the reader reads
    assert [p.key for p in rules.check_opening(hire, D(2019, 3, 1), [])] == ["hr.error.opening_before_hire"]

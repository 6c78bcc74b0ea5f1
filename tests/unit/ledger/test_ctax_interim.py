"""消費税の中間申告 (消費税法42条, 国税庁 タックスアンサー No.6609): how many, how much and when, worked by hand.

Weekdays checked against a calendar (``date -d``): 2026-08-31 Mon, 2026-11-30 Mon, 2027-02-28 Sun (so 2027-03-01
Mon), 2026-07-31 Fri, 2027-01-31 Sun (so 2027-02-01 Mon), 2026-12-31 Thu (国税通則法施行令2条②: 12/29-31 and
1/1-3 are not 期限 days, so 2027-01-04 Mon), 2027-04-30 Fri.
"""

from __future__ import annotations

import datetime as dt

import pytest

from ennoshita.dates import is_tax_holiday, tax_deadline
from ennoshita.ledger.ctax_interim import interim_count, interim_periods

D = dt.date
APRIL_2026 = D(2026, 4, 1)


@pytest.mark.parametrize(("previous", "count"), [
    (0, 0), (480_000, 0), (480_001, 1), (4_000_000, 1), (4_000_001, 3), (48_000_000, 3), (48_000_001, 11)])
def test_the_number_of_interim_returns_follows_the_previous_years_national_tax(previous: int, count: int) -> None:
    assert interim_count(previous) == count


def test_previous_6_240_000_gives_three_quarterly_returns_of_1_560_000_and_440_000() -> None:
    # 6,240,000 x 3/12 = 1,560,000; 地方 1,560,000 x 22/78 = 440,000 exactly
    periods = interim_periods(6_240_000, APRIL_2026)
    assert [(p.number, p.start, p.end, p.due, p.national, p.local) for p in periods] == [
        (1, D(2026, 4, 1), D(2026, 6, 30), D(2026, 8, 31), 1_560_000, 440_000),
        (2, D(2026, 7, 1), D(2026, 9, 30), D(2026, 11, 30), 1_560_000, 440_000),
        (3, D(2026, 10, 1), D(2026, 12, 31), D(2027, 3, 1), 1_560_000, 440_000),  # 2027-02-28 is a Sunday
    ]
    assert periods[0].total == 2_000_000


def test_previous_3_000_000_gives_one_half_year_return_rounded_down_to_100_yen() -> None:
    # 3,000,000 x 6/12 = 1,500,000; 地方 1,500,000 x 22/78 = 423,076.9 -> 423,000 (100円未満切捨て)
    (only,) = interim_periods(3_000_000, APRIL_2026)
    assert (only.start, only.end, only.due, only.national, only.local) == (
        D(2026, 4, 1), D(2026, 9, 30), D(2026, 11, 30), 1_500_000, 423_000)


def test_previous_480_000_or_less_gives_none() -> None:
    assert interim_periods(480_000, APRIL_2026) == ()
    assert interim_periods(-120_000, APRIL_2026) == ()


def test_the_interim_national_tax_is_rounded_down_to_100_yen_before_its_local_part() -> None:
    # 5,000,050 x 3/12 = 1,250,012.5 -> 1,250,000; 地方 1,250,000 x 22/78 = 352,564.1 -> 352,500
    first = interim_periods(5_000_050, APRIL_2026)[0]
    assert (first.national, first.local) == (1_250_000, 352_500)
    # 480,100 x 6/12 = 240,050 -> 240,000; 地方 240,000 x 22/78 = 67,692.3 -> 67,600
    (half,) = interim_periods(480_100, APRIL_2026)
    assert (half.national, half.local) == (240_000, 67_600)


def test_monthly_returns_of_a_company_the_first_month_due_with_the_second() -> None:
    # 60,000,000 x 1/12 = 5,000,000; 地方 5,000,000 x 22/78 = 1,410,256.4 -> 1,410,200
    periods = interim_periods(60_000_000, APRIL_2026)
    assert len(periods) == 11
    assert {(p.national, p.local) for p in periods} == {(5_000_000, 1_410_200)}
    due = {p.number: p.due for p in periods}
    assert due[1] == due[2] == D(2026, 7, 31)  # April's with May's: two months after the end of May
    assert due[8] == D(2027, 2, 1)  # November: 2027-01-31 is a Sunday
    assert due[9] == D(2027, 3, 1)  # December: 2027-02-28 is a Sunday
    assert (periods[10].start, periods[10].end, due[11]) == (D(2027, 2, 1), D(2027, 2, 28), D(2027, 4, 30))


def test_a_deadline_on_new_years_eve_moves_past_the_new_year_holidays() -> None:
    # a fiscal year from August: the first quarter ends 2026-10-31, due 2026-12-31 -> 2027-01-04 (Monday)
    first = interim_periods(6_240_000, D(2026, 8, 1))[0]
    assert (first.end, first.due) == (D(2026, 10, 31), D(2027, 1, 4))
    assert is_tax_holiday(D(2026, 12, 29)) and is_tax_holiday(D(2026, 12, 30))  # a Tuesday, a Wednesday
    assert tax_deadline(D(2026, 9, 21)) == D(2026, 9, 24)  # 敬老の日 (Mon), 国民の休日 (Tue), 秋分の日 (Wed)
    assert tax_deadline(D(2026, 8, 31)) == D(2026, 8, 31)

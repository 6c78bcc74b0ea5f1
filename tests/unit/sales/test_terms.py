"""Billing terms: closing dates across month ends and 2月末, due dates shifted off 土日祝 and 年末年始.

Weekdays and holidays in the comments were read from the calendar (and Python's date.weekday) when
the test was written; they are the oracle, not the code under test.
"""

from __future__ import annotations

import datetime as dt

import pytest

from ennoshita.dates import HolidayShift
from ennoshita.errors import Invalid
from ennoshita.sales.terms import END_OF_MONTH, PER_DELIVERY, PaymentTerms, closing_date_for, payment_due

D = dt.date
PREV, NEXT, NONE = HolidayShift.PREVIOUS, HolidayShift.NEXT, HolidayShift.NONE


@pytest.mark.parametrize(("delivery", "closing_day", "expected"), [
    (D(2026, 11, 20), 20, D(2026, 11, 20)),  # on the closing day: this month's closing
    (D(2026, 11, 21), 20, D(2026, 12, 20)),  # the day after: next month's
    (D(2026, 12, 26), 25, D(2027, 1, 25)),  # across the year end
    (D(2026, 11, 1), 5, D(2026, 11, 5)),
    (D(2026, 11, 6), 10, D(2026, 11, 10)),
    (D(2026, 11, 16), 15, D(2026, 12, 15)),
    (D(2026, 11, 5), END_OF_MONTH, D(2026, 11, 30)),  # 末日 in a 30-day month is the 30th
    (D(2026, 12, 31), END_OF_MONTH, D(2026, 12, 31)),
    (D(2027, 2, 10), END_OF_MONTH, D(2027, 2, 28)),  # 2月末, 2027 is not a leap year
    (D(2028, 2, 10), END_OF_MONTH, D(2028, 2, 29)),  # 2月末 in leap 2028
    (D(2027, 2, 10), 30, D(2027, 2, 28)),  # a 30th closing day in February is 2月末
    (D(2027, 1, 31), 30, D(2027, 2, 28)),  # 1/31 is after the 30th: February's closing, its last day
    (D(2026, 11, 24), PER_DELIVERY, D(2026, 11, 24)),  # 都度請求
])
def test_closing_date_for_a_delivery(delivery: dt.date, closing_day: int, expected: dt.date) -> None:
    assert closing_date_for(delivery, closing_day) == expected


@pytest.mark.parametrize("closing_day", [-1, 32, 99])
def test_an_impossible_closing_day_is_refused(closing_day: int) -> None:
    with pytest.raises(Invalid) as caught:
        closing_date_for(D(2026, 11, 1), closing_day)
    assert caught.value.key == "sales.error.closing_day"


def test_a_due_date_on_new_years_day() -> None:
    # 11/30 締め 翌々月1日 払い -> 2027-01-01, a Friday and 元日. Banks are closed 12/31 (Thu) to 1/3 (Sun).
    # 前営業日: 2026-12-30, a Wednesday. 翌営業日: 2027-01-04, a Monday.
    closing = D(2026, 11, 30)
    assert payment_due(closing, 2, 1, NONE) == D(2027, 1, 1)
    assert payment_due(closing, 2, 1, PREV) == D(2026, 12, 30)
    assert payment_due(closing, 2, 1, NEXT) == D(2027, 1, 4)


def test_month_end_payment_on_new_years_eve() -> None:
    # 11/30 締め 翌月末 -> 2026-12-31 (Thu, 年末: banks closed). 前営業日 12/30 (Wed), 翌営業日 1/4 (Mon).
    assert payment_due(D(2026, 11, 30), 1, END_OF_MONTH, PREV) == D(2026, 12, 30)
    assert payment_due(D(2026, 11, 30), 1, END_OF_MONTH, NEXT) == D(2027, 1, 4)


def test_february_end_on_a_sunday() -> None:
    # 1/31 締め 翌月末 -> 2027-02-28, a Sunday. 前営業日 2/26 (Fri), 翌営業日 3/1 (Mon).
    assert payment_due(D(2027, 1, 31), 1, END_OF_MONTH, NONE) == D(2027, 2, 28)
    assert payment_due(D(2027, 1, 31), 1, END_OF_MONTH, PREV) == D(2027, 2, 26)
    assert payment_due(D(2027, 1, 31), 1, END_OF_MONTH, NEXT) == D(2027, 3, 1)


def test_leap_february_end_is_a_business_day() -> None:
    # 2028-02-29 is a Tuesday: no shift either way.
    assert payment_due(D(2028, 1, 31), 1, END_OF_MONTH, PREV) == D(2028, 2, 29)
    assert payment_due(D(2028, 1, 31), 1, END_OF_MONTH, NEXT) == D(2028, 2, 29)


def test_a_tenth_on_a_sunday_before_a_holiday_monday() -> None:
    # 11/30 締め 翌々月10日 -> 2027-01-10 (Sun); 1/11 is 成人の日 (Mon). 翌営業日 1/12 (Tue);
    # 前営業日 1/8 (Fri, the 9th is a Saturday).
    assert payment_due(D(2026, 11, 30), 2, 10, NEXT) == D(2027, 1, 12)
    assert payment_due(D(2026, 11, 30), 2, 10, PREV) == D(2027, 1, 8)


def test_golden_week() -> None:
    # 3/31 締め 翌々月5日 -> 2027-05-05 (Wed, こどもの日). 翌営業日 5/6 (Thu). 前営業日: 5/4 みどりの日,
    # 5/3 憲法記念日, 5/2 Sun, 5/1 Sat -> 4/30 (Fri).
    assert payment_due(D(2027, 3, 31), 2, 5, NEXT) == D(2027, 5, 6)
    assert payment_due(D(2027, 3, 31), 2, 5, PREV) == D(2027, 4, 30)


def test_pay_day_31_means_the_last_day_of_a_short_month() -> None:
    # 5/31 締め 翌月末 -> 6/30 (Wed), no shift needed.
    assert payment_due(D(2027, 5, 31), 1, 31, NEXT) == D(2027, 6, 30)


def test_same_month_payment_after_the_closing() -> None:
    # 15日締め 当月末払い: 2026-11-15 -> 2026-11-30 (Mon).
    assert payment_due(D(2026, 11, 15), 0, END_OF_MONTH, NEXT) == D(2026, 11, 30)


def test_a_pay_day_before_the_closing_is_refused() -> None:
    # 20日締め 当月10日払い: the money would be due before the bill is closed.
    with pytest.raises(Invalid) as caught:
        payment_due(D(2026, 11, 20), 0, 10, NEXT)
    assert caught.value.key == "sales.error.payment_before_closing"


@pytest.mark.parametrize(("months", "day", "key"), [
    (-1, 31, "sales.error.months_after"),
    (13, 31, "sales.error.months_after"),
    (1, 0, "sales.error.pay_day"),
    (1, 32, "sales.error.pay_day"),
])
def test_impossible_payment_terms_are_refused(months: int, day: int, key: str) -> None:
    with pytest.raises(Invalid) as caught:
        payment_due(D(2026, 11, 30), months, day, NEXT)
    assert caught.value.key == key


def test_payment_terms_from_delivery_to_due_date() -> None:
    # 20日締め 翌月末払い 翌営業日: delivered 2026-11-21 -> closes 2026-12-20 -> 2027-01-31 (Sun) -> 2/1 (Mon).
    terms = PaymentTerms(closing_day=20, months_after=1, pay_day=END_OF_MONTH, holiday_shift=NEXT)
    assert terms.closing_date_for(D(2026, 11, 21)) == D(2026, 12, 20)
    assert terms.due_date_for(D(2026, 11, 21)) == D(2027, 2, 1)
    # Delivered 11/20 -> closes 11/20 -> 12/31 (年末) -> 1/4 (Mon).
    assert terms.due_date_for(D(2026, 11, 20)) == D(2027, 1, 4)

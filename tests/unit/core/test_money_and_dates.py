"""Named rounding rules and date display, against hand-computed values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from ennoshita.dates import (
    HolidayShift,
    fiscal_year_bounds,
    fiscal_year_of,
    format_date,
    is_bank_holiday,
    shift_to_business_day,
    to_wareki,
)
from ennoshita.money import Rounding, format_yen, round_yen, tax_in_gross, tax_on_net


@pytest.mark.parametrize(("value", "floor", "half_up", "ceil"), [
    (Decimal("123.5"), 123, 124, 124),
    (Decimal("123.4"), 123, 123, 124),
    (Decimal("123"), 123, 123, 123),
    (Decimal("-12.5"), -12, -13, -13),
    (Fraction(2, 3), 0, 1, 1),
])
def test_rounding_rules(value: Decimal | Fraction, floor: int, half_up: int, ceil: int) -> None:
    assert round_yen(value, Rounding.FLOOR) == floor
    assert round_yen(value, Rounding.HALF_UP) == half_up
    assert round_yen(value, Rounding.CEIL) == ceil


def test_tax_on_net_and_in_gross() -> None:
    # 1,234 × 10% = 123.4; 1,080 contains 80 of 8% tax; 1,000 incl. 10% contains 90.909...
    assert tax_on_net(1234, Fraction(1, 10), Rounding.FLOOR) == 123
    assert tax_in_gross(1080, Fraction(8, 100), Rounding.FLOOR) == 80
    assert tax_in_gross(1000, Fraction(1, 10), Rounding.FLOOR) == 90
    assert tax_in_gross(1000, Fraction(1, 10), Rounding.HALF_UP) == 91


def test_yen_display() -> None:
    assert format_yen(1234567) == "¥1,234,567"
    assert format_yen(-500) == "-¥500"


def test_dates_in_japanese_and_iso() -> None:
    day = dt.date(2026, 11, 24)
    assert format_date(day, "ja") == "2026年11月24日"
    assert format_date(day, "en") == "2026-11-24"
    assert to_wareki(day) == "令和8年11月24日"
    assert to_wareki(dt.date(2019, 5, 1)) == "令和元年5月1日"
    assert to_wareki(dt.date(2019, 4, 30)) == "平成31年4月30日"


def test_fiscal_year_from_april() -> None:
    assert fiscal_year_of(dt.date(2027, 3, 31), 4) == 2026
    assert fiscal_year_of(dt.date(2027, 4, 1), 4) == 2027
    assert fiscal_year_bounds(2026, 4) == (dt.date(2026, 4, 1), dt.date(2027, 3, 31))
    assert fiscal_year_bounds(2026, 1) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def test_bank_holidays_and_shifts() -> None:
    # 2027-01-01 is a Friday and 元日; banks also close 1/2-1/3 (weekend) and 12/31.
    assert is_bank_holiday(dt.date(2027, 1, 1))
    assert is_bank_holiday(dt.date(2026, 12, 31))
    assert not is_bank_holiday(dt.date(2026, 12, 30))
    assert shift_to_business_day(dt.date(2027, 1, 1), HolidayShift.PREVIOUS) == dt.date(2026, 12, 30)
    assert shift_to_business_day(dt.date(2027, 1, 1), HolidayShift.NEXT) == dt.date(2027, 1, 4)
    # 2026-11-23 (Mon) is 勤労感謝の日.
    assert is_bank_holiday(dt.date(2026, 11, 23))

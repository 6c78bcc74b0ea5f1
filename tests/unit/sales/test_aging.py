"""売掛金年齢表 buckets: days past due as of a date, at every boundary, worked by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from ennoshita.sales.aging import BUCKET_KEYS, age, bucket_of, days_past_due

AS_OF = dt.date(2026, 12, 31)


@pytest.mark.parametrize(("days", "bucket"), [
    (-45, "not_due"), (-1, "not_due"), (0, "not_due"),
    (1, "d1_30"), (30, "d1_30"),
    (31, "d31_60"), (60, "d31_60"),
    (61, "d61_90"), (90, "d61_90"),
    (91, "over_90"), (400, "over_90"),
])
def test_each_boundary_falls_in_its_bucket(days: int, bucket: str) -> None:
    assert bucket_of(days) == bucket


def test_days_past_due_count_calendar_days_from_the_due_date() -> None:
    assert days_past_due(dt.date(2026, 12, 31), AS_OF) == 0  # due today: not yet late
    assert days_past_due(dt.date(2027, 1, 31), AS_OF) == -31
    assert days_past_due(dt.date(2026, 11, 30), AS_OF) == 31  # 1 day of November + 30 of December
    assert days_past_due(dt.date(2026, 10, 1), AS_OF) == 91  # 30 + 30 + 31
    assert days_past_due(dt.date(2024, 2, 28), dt.date(2024, 3, 1)) == 2  # leap year


def test_a_customer_s_invoices_add_up_per_bucket() -> None:
    # as of 12/31: due 1/31 (not due) 10,000; 12/31 (today: not due) 5,000; 12/1 (30 days) 20,000;
    # 11/30 (31 days) 7,000; 10/2 (90 days) 3,000; 10/1 (91 days) 1,000
    aged = age([(dt.date(2027, 1, 31), 10_000), (dt.date(2026, 12, 31), 5_000), (dt.date(2026, 12, 1), 20_000),
                (dt.date(2026, 11, 30), 7_000), (dt.date(2026, 10, 2), 3_000), (dt.date(2026, 10, 1), 1_000)], AS_OF)
    assert aged == {"not_due": 15_000, "d1_30": 20_000, "d31_60": 7_000, "d61_90": 3_000, "over_90": 1_000}
    assert sum(aged.values()) == 46_000
    assert tuple(age([], AS_OF)) == BUCKET_KEYS

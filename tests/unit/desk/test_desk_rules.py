"""依頼 rules: SLA in business time across weekends, 祝日 and 年末年始; fields per request type; the status
table; the dashboard's median / p90 / on-time on hand-computed data."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ennoshita.desk.rules import (
    REQUEST_TYPES,
    Handled,
    add_business_minutes,
    business_minutes_between,
    check_fields,
    check_transition,
    group_stats,
    nearest_rank,
    remaining_minutes,
    request_type,
    sla_due,
    stats,
)
from ennoshita.errors import Invalid, InvalidTransition

JST = ZoneInfo("Asia/Tokyo")


def at(y: int, m: int, d: int, hh: int, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=JST)


@pytest.mark.parametrize(("filed", "hours", "due"), [
    # Fri 17:00 + 4h: 1h on Friday; Sat, Sun and Mon 11/23 (勤労感謝の日) closed; 3h on Tuesday → Tue 12:00
    (at(2026, 11, 20, 17), 4, at(2026, 11, 24, 12)),
    # 12/30 10:00 + 9h: 8h that day, 12/31-1/3 closed (年末年始), 1h on Mon 1/4 → 10:00
    (at(2026, 12, 30, 10), 9, at(2027, 1, 4, 10)),
    # filed on Saturday: the clock starts Tuesday 9:00 (Monday is a holiday); a full day ends at 18:00
    (at(2026, 11, 21, 10), 9, at(2026, 11, 24, 18)),
    # filed before opening: counts from 9:00
    (at(2026, 11, 25, 7, 30), 2, at(2026, 11, 25, 11)),
    # filed after closing on Wednesday: Thursday 9:00 + 1h
    (at(2026, 11, 25, 19), 1, at(2026, 11, 26, 10)),
    # 成人の日 2027-01-11 (Mon): Fri 1/8 16:00 + 5h → 2h Friday, 3h Tuesday → Tue 1/12 12:00
    (at(2027, 1, 8, 16), 5, at(2027, 1, 12, 12)),
])
def test_sla_due_in_business_hours(filed: dt.datetime, hours: int, due: dt.datetime) -> None:
    assert sla_due(filed, hours) == due


def test_utc_input_is_read_in_tokyo_time() -> None:
    # 2026-11-20 08:00 UTC is 17:00 JST on Friday
    assert sla_due(dt.datetime(2026, 11, 20, 8, tzinfo=dt.UTC), 4) == at(2026, 11, 24, 12)


def test_business_minutes_and_remaining_time() -> None:
    assert business_minutes_between(at(2026, 11, 20, 17), at(2026, 11, 24, 12)) == 60 + 180
    assert business_minutes_between(at(2026, 11, 24, 12), at(2026, 11, 20, 17)) == 0
    due = at(2026, 11, 24, 12)
    assert remaining_minutes(at(2026, 11, 24, 10), due) == 120
    assert remaining_minutes(at(2026, 11, 24, 13), due) == -60  # overdue by an hour
    assert remaining_minutes(at(2026, 11, 25, 10), due) == -(6 * 60 + 60)  # 12-18 on Tue, 9-10 on Wed


@given(st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2028, 12, 31)),
       st.integers(min_value=0, max_value=60 * 60))
def test_adding_business_time_is_measured_back_exactly(start: dt.datetime, minutes: int) -> None:
    start = start.replace(second=0, microsecond=0, tzinfo=JST)
    end = add_business_minutes(start, minutes)
    assert business_minutes_between(start, end) == minutes


def test_each_type_has_a_team_and_its_required_fields_are_checked() -> None:
    assert {t.team for t in REQUEST_TYPES.values()} == {"sales_admin", "legal", "general_affairs", "hr"}
    quote = request_type("quote")
    with pytest.raises(Invalid) as bad:
        check_fields(quote, {"customer": "", "lines": [{"item": "ベアリング", "quantity": "-2"}],
                             "due_date": "2026-13-01", "colour": "red"})
    fields = {p.field for p in bad.value.problems}
    assert fields == {"fields.customer", "fields.lines[0].quantity", "fields.due_date", "fields.colour"}
    clean = check_fields(quote, {"customer": " 株式会社青葉商事 ", "lines": [{"item": "ベアリング", "quantity": "20"},
                                                                       {"item": "", "quantity": ""}],
                                 "due_date": "2026-12-01"})
    assert clean == {"customer": "株式会社青葉商事", "lines": [{"item": "ベアリング", "quantity": "20"}],
                     "due_date": "2026-12-01"}
    # a quantity is a finite positive decimal: NaN, infinities, exponents of nothing and words are refused
    for qty in ("nan", "NaN", "inf", "-Infinity", "0", "1e", "二"):
        with pytest.raises(Invalid) as bad_qty:
            check_fields(quote, {"customer": "青葉商事", "lines": [{"item": "ベアリング", "quantity": qty}],
                                 "due_date": "2026-12-01"})
        assert [p.field for p in bad_qty.value.problems] == ["fields.lines[0].quantity"], qty
    assert check_fields(quote, {"customer": "青葉商事", "lines": [{"item": "ベアリング", "quantity": "2.5"}],
                                "due_date": "2026-12-01"})["lines"] == [{"item": "ベアリング", "quantity": "2.5"}]
    order = request_type("order")
    with pytest.raises(Invalid) as no_file:
        check_fields(order, {"customer": "青葉商事", "customer_po": "PO-1"})
    assert [p.field for p in no_file.value.problems] == ["fields.purchase_order"]
    assert check_fields(order, {"customer": "青葉商事", "customer_po": "PO-1"}, attached=["purchase_order"])
    with pytest.raises(Invalid):
        request_type("nonsense")


def test_status_table() -> None:
    check_transition("received", "in_progress")
    check_transition("waiting", "in_progress")
    check_transition("in_progress", "done")
    for current, target in (("done", "in_progress"), ("withdrawn", "received"), ("received", "waiting")):
        with pytest.raises(InvalidTransition):
            check_transition(current, target)
    with pytest.raises(Invalid):
        check_transition("received", "lost")


def test_dashboard_statistics_on_hand_computed_data() -> None:
    leads = [30, 60, 90, 120, 600, 45, 240, 480, 300, 1000]
    # sorted: 30 45 60 90 120 240 300 480 600 1000; median = 5th (ceil 0.5x10), p90 = 9th (ceil 0.9x10)
    assert nearest_rank(leads, 50) == 120
    assert nearest_rank(leads, 90) == 600
    assert nearest_rank([7], 90) == 7
    assert nearest_rank([], 50) is None
    # three values: median = 2nd, p90 = ceil(2.7) = 3rd
    assert nearest_rank([10, 30, 20], 50) == 20 and nearest_rank([10, 30, 20], 90) == 30
    items = [Handled("sales_admin" if i < 6 else "legal", 1 + i % 2, "quote", "営業部", lead, lead <= 240)
             for i, lead in enumerate(leads)]
    overall = stats(items)
    assert (overall.handled, overall.median_minutes, overall.p90_minutes, overall.on_time) == (10, 120, 600, 6)
    assert overall.on_time_rate == 0.6
    by_team = group_stats(items, "team")
    # sales_admin: 30 60 90 120 600 45 → sorted 30 45 60 90 120 600: median 3rd = 60, p90 6th = 600
    assert (by_team["sales_admin"].median_minutes, by_team["sales_admin"].p90_minutes) == (60, 600)
    # legal: 240 480 300 1000 → median 2nd = 300, p90 4th = 1000; on time: 240 only
    assert (by_team["legal"].median_minutes, by_team["legal"].p90_minutes, by_team["legal"].on_time) == (300, 1000, 1)


def test_the_free_type_goes_to_the_team_the_requester_chose() -> None:
    from ennoshita.desk.rules import team_for

    other = request_type("other")
    assert team_for(other, check_fields(other, {"details": "振込先の変更", "team": "accounting"})) == "accounting"
    assert team_for(other, check_fields(other, {"details": "名刺の発注"})) == "general_affairs"
    with pytest.raises(Invalid) as bad:
        check_fields(other, {"details": "x", "team": "marketing"})
    assert [p.field for p in bad.value.problems] == ["fields.team"]

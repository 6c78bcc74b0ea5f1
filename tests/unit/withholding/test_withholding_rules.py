"""源泉徴収 on 報酬・料金: figures from 国税庁 タックスアンサー No.2795 / No.2798 and hand computations."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ennoshita.errors import Invalid
from ennoshita.withholding import rules


@pytest.mark.parametrize(("payment", "tax"), [
    (100_000, 10_210),  # 100,000 x 10.21% = 10,210 (the case)
    (1_000_000, 102_100),  # 1,000,000 x 10.21%
    (1_500_000, 204_200),  # No.2798: (1,500,000 - 1,000,000) x 20.42% + 102,100 = 102,100 + 102,100
    (33_333, 3_403),  # 33,333 x 0.1021 = 3,403.29 → 3,403 (切り捨て)
    (1_000_001, 102_100),  # 102,100 + 1 x 0.2042 = 102,100.2042 → 102,100
    (0, 0),
])
def test_withholding_tax_follows_the_two_brackets(payment: int, tax: int) -> None:
    assert rules.withholding_tax(payment) == tax


def test_the_fee_without_the_consumption_tax_shown_separately_is_the_base() -> None:
    held = rules.for_bill("professional", net=100_000, gross=110_000)
    assert (held.base, held.tax) == (100_000, 10_210)
    inclusive = rules.for_bill("professional", net=100_000, gross=110_000, tax_shown_separately=False)
    assert (inclusive.base, inclusive.tax) == (110_000, 11_231)  # 110,000 x 10.21% = 11,231


def test_an_unknown_category_is_refused() -> None:
    with pytest.raises(Invalid):
        rules.for_bill("hostess", 100_000, 110_000)


@given(st.integers(min_value=0, max_value=50_000_000))
def test_the_tax_never_exceeds_the_rate_and_grows_with_the_payment(payment: int) -> None:
    tax = rules.withholding_tax(payment)
    assert 0 <= tax <= payment * 2042 // 10_000
    assert rules.withholding_tax(payment + 1) >= tax


def test_due_on_the_tenth_of_the_next_month_moved_past_a_holiday() -> None:
    assert rules.due_date(dt.date(2027, 2, 26), "professional", special=False) == dt.date(2027, 3, 10)
    # 2027-01-10 is a Sunday (and 1/11 成人の日): the next business day is 1/12
    assert rules.due_date(dt.date(2026, 12, 25), "design", special=False) == dt.date(2027, 1, 12)


def test_special_due_covers_tax_accountants_but_not_manuscript_fees() -> None:
    assert rules.due_date(dt.date(2027, 2, 26), "professional", special=True) == dt.date(2027, 7, 12)  # 7/10 Sat
    assert rules.due_date(dt.date(2027, 8, 31), "professional", special=True) == dt.date(2028, 1, 20)
    assert rules.due_date(dt.date(2027, 2, 26), "manuscript", special=True) == dt.date(2027, 3, 10)
    assert rules.due_date(dt.date(2027, 2, 25), rules.SALARY, special=True) == dt.date(2027, 7, 12)


def test_payee_statements_are_submitted_above_fifty_thousand_yen() -> None:
    assert not rules.must_submit("professional", 50_000)
    assert rules.must_submit("professional", 50_001)

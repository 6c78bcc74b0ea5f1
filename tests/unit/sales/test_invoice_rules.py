"""Qualified-invoice arithmetic: 国税庁's worked examples, hand-computed cases, and properties."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ennoshita.errors import Invalid
from ennoshita.money import Rounding
from ennoshita.sales.rules import (
    InvoiceLine,
    PriceEntry,
    TaxRate,
    compute_totals,
    line_amount,
    statement_balance,
)

EXCL = PriceEntry.TAX_EXCLUSIVE
INCL = PriceEntry.TAX_INCLUSIVE


def line(price: str, rate: TaxRate = "10", qty: str = "1", *, inclusive: bool = False, discount: bool = False,
         description: str = "品目") -> InvoiceLine:
    return InvoiceLine(description, Decimal(qty), Decimal(price), rate, inclusive, discount)


# --- 国税庁 インボイスQ&A worked examples -------------------------------------------------------------

def test_qa57_tax_inclusive_example_rounds_down_once_per_rate() -> None:
    # Q&A 問57 記載例: 税込 100,000円 = 10%対象 60,000円 + 8%対象 40,000円, 切捨て.
    #   60,000 x 10/110 = 5,454.54... -> 5,454;  40,000 x 8/108 = 2,962.96... -> 2,962;  消費税 8,416.
    lines = [line("60000", "10", inclusive=True, description="キッチンペーパー他"),
             line("40000", "8", inclusive=True, description="小麦粉・牛肉他")]
    totals = compute_totals(lines, Rounding.FLOOR, INCL)
    assert totals.breakdown() == [
        {"rate": "10", "net": 54546, "tax": 5454, "gross": 60000},
        {"rate": "8", "net": 37038, "tax": 2962, "gross": 40000},
    ]
    assert (totals.tax, totals.gross) == (8416, 100000)


def test_qa57_reference_tax_exclusive_example_with_two_lines_per_rate() -> None:
    # Q&A 問57 参考 (媒介者交付特例): 10%対象 11,345 + 12,549 = 23,894 -> 2,389 (2,389.4);
    # 8%対象 9,987 + 12,345 = 22,332 -> 1,786 (1,786.56), 切捨て.
    lines = [line("11345", "10"), line("12549", "10"), line("9987", "8"), line("12345", "8")]
    totals = compute_totals(lines, Rounding.FLOOR, EXCL)
    assert totals.breakdown() == [
        {"rate": "10", "net": 23894, "tax": 2389, "gross": 26283},
        {"rate": "8", "net": 22332, "tax": 1786, "gross": 24118},
    ]
    # The same Q&A shows the per-issuer figures 1,134 + 1,254 (10%) and 798 + 987 (8%): rounding each
    # part separately gives 4,173, two yen less than the 4,175 of one rounding per rate.
    assert totals.per_line_tax_sum == 1134 + 1254 + 798 + 987 == 4173
    assert totals.tax == 4175


@pytest.mark.parametrize("rule", list(Rounding))
def test_qa54_example_131200_yen_inclusive(rule: Rounding) -> None:
    # Q&A 問54 記載例 (税込): 10%対象 88,000円 (消費税 8,000円), 8%対象 43,200円 (消費税 3,200円),
    # 合計 131,200円. Divisible amounts: every rounding rule gives the same figures.
    lines = [line("88000", "10", inclusive=True, description="キッチンペーパー"),
             line("5400", "8", inclusive=True, description="小麦粉※"),
             line("37800", "8", inclusive=True, description="牛肉※")]
    totals = compute_totals(lines, rule, INCL)
    assert [(r.rate, r.tax, r.gross) for r in totals.rates] == [("10", 8000, 88000), ("8", 3200, 43200)]
    assert totals.gross == 131200
    assert totals.reduced_marks == (False, True, True)
    assert totals.has_reduced_rate


@pytest.mark.parametrize("rule", list(Rounding))
def test_the_same_invoice_tax_exclusive(rule: Rounding) -> None:
    # The 税抜 form of the same 記載例: 10%対象 80,000 -> 8,000; 8%対象 40,000 -> 3,200; 合計 131,200.
    lines = [line("80000", "10"), line("5000", "8"), line("35000", "8")]
    totals = compute_totals(lines, rule, EXCL)
    assert [(r.rate, r.net, r.tax) for r in totals.rates] == [("10", 80000, 8000), ("8", 40000, 3200)]
    assert (totals.net, totals.tax, totals.gross) == (120000, 11200, 131200)


# --- hand-computed cases ------------------------------------------------------------------------------

def test_per_rate_and_per_line_rounding_differ_by_one_yen() -> None:
    # Three lines of 333円 at 10%, 四捨五入. Per line: 33.3 -> 33, three times = 99.
    # Per rate (the law): 999 x 10% = 99.9 -> 100. One yen apart.
    totals = compute_totals([line("333"), line("333"), line("333")], Rounding.HALF_UP, EXCL)
    assert totals.tax == 100
    assert totals.per_line_tax_sum == 99
    assert totals.gross == 1099


def test_per_rate_rounding_differs_by_two_yen_at_the_reduced_rate() -> None:
    # Three lines of 1,249円 at 8%, 切捨て. Per line 99.92 -> 99, x3 = 297. Per rate 3,747 x 8% = 299.76 -> 299.
    totals = compute_totals([line("1249", "8")] * 3, Rounding.FLOOR, EXCL)
    assert (totals.tax, totals.per_line_tax_sum) == (299, 297)


@pytest.mark.parametrize(("rule", "expected"), [(Rounding.FLOOR, 37), (Rounding.HALF_UP, 38), (Rounding.CEIL, 38)])
def test_a_unit_price_of_12_5_yen(rule: Rounding, expected: int) -> None:
    # 3 x 12.5 = 37.5 yen: 切捨て 37, 四捨五入 38, 切上げ 38.
    assert line_amount(line("12.5", qty="3"), rule) == expected
    assert line_amount(line("12.50", qty="2"), rule) == 25


def test_decimal_quantity() -> None:
    # 1.25 kg x 980円 = 1,225.0 exactly; 0.333 x 1,000 = 333.0.
    assert line_amount(line("980", qty="1.25"), Rounding.FLOOR) == 1225
    assert line_amount(line("1000", qty="0.333"), Rounding.CEIL) == 333


def test_a_discount_line_lowers_the_rate_it_belongs_to() -> None:
    # 10%: 50,000 - 値引 3,000 = 47,000 -> 4,700; 8%: 10,000 -> 800.
    lines = [line("50000"), line("-3000", discount=True, description="値引"), line("10000", "8")]
    totals = compute_totals(lines, Rounding.FLOOR, EXCL)
    assert totals.line_amounts == (50000, -3000, 10000)
    assert [(r.rate, r.net, r.tax) for r in totals.rates] == [("10", 47000, 4700), ("8", 10000, 800)]


def test_zero_rated_lines_have_no_tax() -> None:
    totals = compute_totals([line("12345", "0"), line("1000")], Rounding.HALF_UP, EXCL)
    assert [(r.rate, r.tax) for r in totals.rates] == [("10", 100), ("0", 0)]


def test_rates_appear_in_document_order_whatever_the_line_order() -> None:
    totals = compute_totals([line("100", "8"), line("100", "0"), line("100", "10")], Rounding.FLOOR, EXCL)
    assert [r.rate for r in totals.rates] == ["10", "8", "0"]


# --- refusals -------------------------------------------------------------------------------------------

def test_more_than_two_decimals_in_a_unit_price_is_refused() -> None:
    with pytest.raises(Invalid) as caught:
        line_amount(line("12.345"), Rounding.FLOOR, index=0)
    assert caught.value.key == "sales.error.unit_price_decimals"
    assert caught.value.problems[0].field == "lines[0].unit_price"


def test_a_zero_quantity_is_refused() -> None:
    with pytest.raises(Invalid) as caught:
        line_amount(line("100", qty="0"), Rounding.FLOOR, index=3)
    assert caught.value.problems[0].field == "lines[3].quantity"
    assert caught.value.key == "sales.error.quantity_zero"


def test_a_negative_amount_needs_a_discount_line() -> None:
    with pytest.raises(Invalid) as caught:
        line_amount(line("-500"), Rounding.FLOOR, index=1)
    assert caught.value.key == "sales.error.negative_amount"
    assert line_amount(line("-500", discount=True), Rounding.FLOOR) == -500
    with pytest.raises(Invalid) as positive:
        line_amount(line("500", discount=True), Rounding.FLOOR)
    assert positive.value.key == "sales.error.discount_not_negative"


def test_every_bad_line_is_reported_at_once() -> None:
    lines = [line("100"), line("100", qty="0"), line("1.001"), line("-1")]
    with pytest.raises(Invalid) as caught:
        compute_totals(lines, Rounding.FLOOR, EXCL)
    assert [(p.key, p.field) for p in caught.value.problems] == [
        ("sales.error.quantity_zero", "lines[1].quantity"),
        ("sales.error.unit_price_decimals", "lines[2].unit_price"),
        ("sales.error.negative_amount", "lines[3].unit_price"),
    ]


def test_lines_entered_the_other_way_are_converted_once_per_rate_never_per_line() -> None:
    # a 税抜 invoice with 税込 lines: per rate the 税込 lines are summed (1,100 + 1,100 at 10%; 2,940 at 8%),
    # the sum converted once (2,200 - floor(200) = 2,000; 2,940 - floor(217.77…) = 2,723), then the tax of the
    # rate is computed once on the whole consideration.
    totals = compute_totals([line("1000"), line("1100", inclusive=True), line("1100", inclusive=True),
                             line("980", "8", "3", inclusive=True), line("100", "8")], Rounding.FLOOR, EXCL)
    assert totals.line_amounts == (1000, 1100, 1100, 2940, 100)
    assert totals.breakdown() == [{"rate": "10", "net": 3000, "tax": 300, "gross": 3300},
                                  {"rate": "8", "net": 2823, "tax": 225, "gross": 3048}]
    # and the other way round: a 税込 invoice with a 税抜 line (1,000 + floor(100) = 1,100 税込)
    totals = compute_totals([line("1000"), line("550", inclusive=True)], Rounding.FLOOR, INCL)
    assert totals.breakdown() == [{"rate": "10", "net": 1500, "tax": 150, "gross": 1650}]


def test_an_invoice_needs_lines() -> None:
    with pytest.raises(Invalid) as caught:
        compute_totals([], Rounding.FLOOR, EXCL)
    assert caught.value.key == "sales.error.no_lines"


# --- properties ---------------------------------------------------------------------------------------

RATE_VALUE = {"10": Fraction(1, 10), "8": Fraction(2, 25), "0": Fraction(0)}  # 10/100, 8/100 written apart

lines_strategy = st.lists(
    st.builds(
        lambda qty, cents, rate: (qty, Decimal(cents) / 100, rate),
        st.integers(min_value=1, max_value=500),
        st.integers(min_value=0, max_value=5_000_000),
        st.sampled_from(["10", "8", "0"]),
    ),
    min_size=1, max_size=15,
)


@given(lines_strategy, st.sampled_from(list(Rounding)), st.sampled_from(list(PriceEntry)))
def test_per_rate_tax_is_within_one_yen_of_the_exact_legal_tax(
    raw: list[tuple[int, Decimal, TaxRate]], rule: Rounding, entry: PriceEntry,
) -> None:
    inclusive = entry is PriceEntry.TAX_INCLUSIVE
    lines = [InvoiceLine("x", Decimal(q), p, r, inclusive) for q, p, r in raw]
    totals = compute_totals(lines, rule, entry)
    for rate_total in totals.rates:
        base = sum(a for a, ln in zip(totals.line_amounts, lines, strict=True) if ln.tax_rate == rate_total.rate)
        rate = RATE_VALUE[rate_total.rate]
        exact = Fraction(base) * rate if not inclusive else Fraction(base) * rate / (1 + rate)
        assert abs(rate_total.tax - exact) < 1
        assert rate_total.gross == rate_total.net + rate_total.tax
        assert (rate_total.gross if inclusive else rate_total.net) == base
    assert totals.gross == totals.net + totals.tax


@given(lines_strategy, st.sampled_from(list(Rounding)))
def test_per_line_rounding_strays_from_per_rate_by_less_than_one_yen_per_line(
    raw: list[tuple[int, Decimal, TaxRate]], rule: Rounding,
) -> None:
    lines = [InvoiceLine("x", Decimal(q), p, r, False) for q, p, r in raw]
    totals = compute_totals(lines, rule, EXCL)
    assert abs(totals.per_line_tax_sum - totals.tax) < len(lines) + len(totals.rates)


# --- 締め請求 statement figures ---------------------------------------------------------------------------

def test_statement_balance() -> None:
    # 前回請求額 330,000 - 入金額 300,000 = 繰越額 30,000; + 今回お買上 220,000 = 今回請求額 250,000.
    assert statement_balance(330000, 300000, 220000) == (30000, 250000)


def test_statement_balance_when_the_customer_paid_more() -> None:
    # Paid 110,000 against 100,000 billed: 10,000 credit carried, this month's 55,000 less it = 45,000.
    assert statement_balance(100000, 110000, 55000) == (-10000, 45000)

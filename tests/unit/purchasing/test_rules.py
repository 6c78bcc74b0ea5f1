"""Purchasing rules: input-tax credit with the transitional table and the cap, three-way match,
duplicate bills, transfer fees, due dates. Every expected figure is worked out by hand in a comment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ennoshita.dates import HolidayShift
from ennoshita.errors import Invalid
from ennoshita.purchasing.rules import (
    BillLine,
    CreditResult,
    FeeBearer,
    MatchTolerance,
    PaymentTerms,
    PoLine,
    ReceiptLine,
    TransferFeeTable,
    duplicate_key,
    fee_for_bill,
    input_tax_credit,
    match_bill,
    needs_approval,
    payable_after_fee,
    payment_due_date,
    transfer_fee,
)

D = Decimal

# --- input-tax credit ------------------------------------------------------------------------------


def test_registered_supplier_gets_full_credit() -> None:
    assert input_tax_credit(10_001, True, dt.date(2027, 1, 1), 500_000_000, 110_011) == CreditResult(
        10_001, 0, Fraction(1), "registered")


@pytest.mark.parametrize(("day", "ratio", "deductible"), [
    (dt.date(2023, 10, 1), Fraction(80, 100), 8_000),  # 10,001 x 80% = 8,000.8 → 8,000 (切り捨て)
    (dt.date(2026, 9, 30), Fraction(80, 100), 8_000),
    (dt.date(2026, 10, 1), Fraction(70, 100), 7_000),  # 10,001 x 70% = 7,000.7 → 7,000
    (dt.date(2028, 9, 30), Fraction(70, 100), 7_000),
    (dt.date(2028, 10, 1), Fraction(50, 100), 5_000),  # 5,000.5 → 5,000
    (dt.date(2030, 9, 30), Fraction(50, 100), 5_000),
    (dt.date(2030, 10, 1), Fraction(30, 100), 3_000),  # 3,000.3 → 3,000
    (dt.date(2031, 9, 30), Fraction(30, 100), 3_000),
])
def test_non_registered_supplier_gets_the_dated_share(day: dt.date, ratio: Fraction, deductible: int) -> None:
    result = input_tax_credit(10_001, False, day, 0, 110_011)
    assert result == CreditResult(deductible, 10_001 - deductible, ratio, "transitional")


def test_after_the_transitional_period_nothing_is_deductible() -> None:
    assert input_tax_credit(10_001, False, dt.date(2031, 10, 1), 0, 110_011) == CreditResult(
        0, 10_001, Fraction(0), "transitional_ended")


def test_before_the_invoice_system_everything_is_deductible() -> None:
    # issue 11 item 8: a purchase of 2023-09-30 from a 免税事業者 was an ordinary 課税仕入れ (100%)
    assert input_tax_credit(10_001, False, dt.date(2023, 9, 30), 0, 110_011) == CreditResult(
        10_001, 0, Fraction(1), "before_invoice_system")


def test_no_cap_before_the_2024_reform_and_the_dated_cap_after() -> None:
    # 2,000,000,000 already bought: with no cap (課税期間 before 2024-10-01) the whole purchase is transitional;
    # 1,000,000 tax x 80% = 800,000
    assert input_tax_credit(1_000_000, False, dt.date(2024, 6, 1), 2_000_000_000, 11_000_000,
                            cap=None).deductible == 800_000
    # with the 10億円 cap of 令和6年度改正 the same purchase is entirely beyond it
    assert input_tax_credit(1_000_000, False, dt.date(2025, 6, 1), 2_000_000_000, 11_000_000,
                            cap=1_000_000_000).deductible == 0


def test_a_purchase_crossing_the_cap_is_split_in_proportion() -> None:
    # 95,000,000 already bought this year; this purchase 11,000,000 (tax 1,000,000) on 2026-10-01 (70%).
    # over = 95M + 11M - 100M = 6,000,000; eligible = 5,000,000
    # deductible = floor(1,000,000 x 7/10 x 5,000,000/11,000,000) = floor(318,181.81...) = 318,181
    result = input_tax_credit(1_000_000, False, dt.date(2026, 10, 1), 95_000_000, 11_000_000)
    assert result == CreditResult(318_181, 681_819, Fraction(7, 10), "transitional_partly_capped", 6_000_000)


def test_a_purchase_reaching_the_cap_exactly_is_fully_transitional() -> None:
    # 90M + 10M = 100M: not beyond the cap. 909,090 x 80% = 727,272 exactly.
    result = input_tax_credit(909_090, False, dt.date(2026, 9, 30), 90_000_000, 10_000_000)
    assert result == CreditResult(727_272, 181_818, Fraction(8, 10), "transitional", 0)


def test_past_the_cap_nothing_is_transitional() -> None:
    result = input_tax_credit(100, False, dt.date(2026, 9, 30), 100_000_000, 1_100)
    assert result == CreditResult(0, 100, Fraction(8, 10), "over_cap", 1_100)


def test_the_cap_can_be_the_earlier_one_billion() -> None:
    result = input_tax_credit(1_000, False, dt.date(2026, 9, 30), 150_000_000, 11_000, cap=1_000_000_000)
    assert result.deductible == 800 and result.reason == "transitional"


def test_bad_amounts_are_refused() -> None:
    with pytest.raises(Invalid) as caught:
        input_tax_credit(-1, False, dt.date(2026, 9, 30), -5, -10)
    assert {p.field for p in caught.value.problems} == {
        "tax", "cumulative_non_registered_purchases", "this_purchase_gross"}
    with pytest.raises(Invalid):
        input_tax_credit(10, False, dt.date(2026, 9, 30), 0, 0)


@given(
    tax=st.integers(0, 10**10), registered=st.booleans(),
    day=st.dates(dt.date(2023, 1, 1), dt.date(2033, 12, 31)),
    cumulative=st.integers(0, 300_000_000), extra=st.integers(0, 200_000_000),
)
def test_deductible_and_non_deductible_add_up_to_the_tax(tax: int, registered: bool, day: dt.date,
                                                         cumulative: int, extra: int) -> None:
    gross = tax + extra + 1
    result = input_tax_credit(tax, registered, day, cumulative, gross)
    assert result.deductible + result.non_deductible == tax
    assert 0 <= result.deductible <= tax
    assert result.deductible <= tax * result.ratio
    assert 0 <= result.over_cap_gross <= gross


# --- three-way match -------------------------------------------------------------------------------

PO = [PoLine("1", D(10), D(1000)), PoLine("2", D(5), D("12.5"))]


def test_an_exact_match_needs_no_approval() -> None:
    lines = match_bill(PO, [ReceiptLine("1", D(10)), ReceiptLine("2", D(5))],
                       [BillLine("1", D(10), D(1000)), BillLine("2", D(5), D("12.5"))], MatchTolerance())
    assert not needs_approval(lines)
    assert [(d.line_id, d.quantity_difference, d.price_difference, d.amount_difference) for d in lines] == [
        ("1", D(0), D(0), D(0)), ("2", D(0), D(0), D(0))]


@pytest.mark.parametrize(("billed_price", "within"), [
    (D(1010), True),  # +10 = 1% of 1,000
    (D(990), True),  # -10
    (D(1020), True),  # +20 > 1%, but 20 x 10 = 200 <= ¥1,000
    (D(1100), True),  # +100 x 10 = 1,000 <= ¥1,000
    (D(1101), False),  # +101: 10.1% and 1,010 yen
    (D(850), False),  # -150 x 10 = 1,500
])
def test_price_tolerance_is_one_percent_or_a_thousand_yen(billed_price: Decimal, within: bool) -> None:
    [line] = match_bill([PO[0]], [ReceiptLine("1", D(10))], [BillLine("1", D(10), billed_price)])
    assert line.price_within is within
    assert line.quantity_within
    assert line.price_difference == billed_price - D(1000)
    assert line.amount_difference == (billed_price - D(1000)) * 10
    assert line.needs_approval is not within


def test_a_large_order_uses_the_percentage() -> None:
    # 1,000 units at 500: +5 (1%) makes 5,000 yen, still within by the percentage.
    [line] = match_bill([PoLine("1", D(1000), D(500))], [ReceiptLine("1", D(1000))],
                        [BillLine("1", D(1000), D(505))])
    assert line.price_within


def test_quantity_must_match_exactly() -> None:
    lines = match_bill(PO, [ReceiptLine("1", D(6)), ReceiptLine("1", D(2))],  # two receipts: 8
                       [BillLine("1", D(10), D(1000))])
    first = lines[0]
    assert (first.ordered_quantity, first.received_quantity, first.billed_quantity) == (D(10), D(8), D(10))
    assert first.quantity_difference == D(2)
    assert first.amount_difference == D(2000)  # 10,000 billed - 8 x 1,000
    assert not first.quantity_within and first.issues == ("quantity",)
    assert needs_approval(lines)
    assert not lines[1].on_bill and not lines[1].needs_approval  # line 2 may come on a later bill


def test_a_partial_delivery_billed_as_received_is_fine() -> None:
    lines = match_bill(PO, [ReceiptLine("1", D(4))], [BillLine("1", D(4), D(1000))])
    assert not needs_approval(lines)


def test_over_delivery_and_unordered_lines_need_approval() -> None:
    lines = match_bill(PO, [ReceiptLine("1", D(12)), ReceiptLine("9", D(1))],
                       [BillLine("1", D(12), D(1000)), BillLine("9", D(1), D(300))])
    by_id = {d.line_id: d for d in lines}
    assert set(by_id["1"].issues) == {"over_received", "over_billed_order"}
    assert by_id["9"].issues == ("not_ordered", "price")
    assert by_id["9"].ordered_unit_price is None and by_id["9"].amount_difference == D(300)
    assert [d.line_id for d in lines] == ["1", "2", "9"]
    assert needs_approval(lines)


def test_a_quantity_tolerance_can_be_given() -> None:
    lines = match_bill([PO[0]], [ReceiptLine("1", D("9.8"))], [BillLine("1", D(10), D(1000))],
                       MatchTolerance(quantity=D("0.5")))
    assert not needs_approval(lines)


# --- duplicate bills -------------------------------------------------------------------------------

def test_duplicate_key_normalises_the_number() -> None:
    keys = {duplicate_key(7, number, 110_000) for number in ("INV-0012", "inv 0012", "ｉｎｖ－００１２", " INV‐00 12 ")}
    assert keys == {"7|INV0012|110000"}


def test_duplicate_key_tells_apart_supplier_and_amount() -> None:
    assert duplicate_key(7, "A-1", 1000) != duplicate_key(8, "A-1", 1000)
    assert duplicate_key(7, "A-1", 1000) != duplicate_key(7, "A-1", 1001)


# --- transfer fees ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("amount", "same_bank", "same_branch", "fee"), [
    (29_999, True, True, 110), (30_000, True, True, 330),
    (29_999, True, False, 220), (30_000, True, False, 440),
    (1, False, False, 550), (29_999, False, False, 550), (30_000, False, False, 770),
])
def test_transfer_fee_by_destination_and_bracket(amount: int, same_bank: bool, same_branch: bool, fee: int) -> None:
    assert transfer_fee(amount, same_bank, same_branch) == fee


def test_the_fee_table_is_configurable() -> None:
    table = TransferFeeTable(threshold=50_000, other_bank_under=300, other_bank_over=500)
    assert transfer_fee(40_000, False, False, table) == 300
    assert transfer_fee(50_000, False, False, table) == 500


def test_transfer_fee_refuses_bad_input() -> None:
    with pytest.raises(Invalid) as caught:
        transfer_fee(0, False, True)
    assert {p.field for p in caught.value.problems} == {"amount", "same_branch"}


def test_payable_after_fee() -> None:
    assert payable_after_fee(50_000, FeeBearer.SUPPLIER, 770) == (49_230, 770)  # 先方負担
    assert payable_after_fee(50_000, FeeBearer.US, 770) == (50_000, 0)  # 当方負担
    with pytest.raises(Invalid):
        payable_after_fee(500, FeeBearer.SUPPLIER, 550)


@pytest.mark.parametrize(("bill", "bearer", "fee"), [
    (100_000, FeeBearer.SUPPLIER, 770),  # 99,230 sent: still ≥ 30,000
    (30_770, FeeBearer.SUPPLIER, 770),  # 30,000 sent: over bracket, consistent
    (30_500, FeeBearer.SUPPLIER, 550),  # 770 would leave 29,730 (under): 550 leaves 29,950, consistent
    (30_600, FeeBearer.SUPPLIER, 550),  # no consistent fee: the lower one
    (30_500, FeeBearer.US, 770),  # 当方負担: the fee of the bill amount
    (20_000, FeeBearer.SUPPLIER, 550),
])
def test_fee_for_bill(bill: int, bearer: FeeBearer, fee: int) -> None:
    assert fee_for_bill(bill, bearer, same_bank=False, same_branch=False) == fee


# --- due dates -------------------------------------------------------------------------------------

def test_payment_due_date_reuses_the_sales_terms() -> None:
    terms = PaymentTerms(closing_day=20, months_after=1, pay_day=31, holiday_shift=HolidayShift.NEXT)
    # Bill of 2026-11-10 closes 11/20; 翌月末 is 2026-12-31 (banks closed 12/31-1/3) → Mon 2027-01-04.
    assert payment_due_date(dt.date(2026, 11, 10), terms) == dt.date(2027, 1, 4)
    # Bill of 2026-11-21 closes 12/20; 2027-01-31 is a Sunday → Mon 2027-02-01.
    assert payment_due_date(dt.date(2026, 11, 21), terms) == dt.date(2027, 2, 1)

"""The 消費税 return figures against hand computations (issue 11 item 13). Each case writes its arithmetic:
課税標準額 rounds down to ¥1,000 (国税通則法118条①), the national tax is 7.8% / 6.24%, 積上げ input tax is
仮払消費税 x 78/100, 割戻し is 税込 x 7.8/110 (x the 経過措置 share), the tax due rounds down to ¥100
(国税通則法119条①) and 地方消費税 is 差引税額 x 22/78 rounded down to ¥100."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from ennoshita.errors import Invalid
from ennoshita.ledger.ctax_rules import Settings, TaxBase, compute_return

F1 = Fraction(1)


def _base() -> TaxBase:
    # taxable sales 10%: 11,000,000 税込 (booked 仮受 1,000,000); 8%: 540,000 税込 (booked 40,000)
    # purchases 10% qualified 5,500,000 税込 (booked 仮払 500,000); 10% 経過措置 80%: 1,100,000 税込 (booked 80,000)
    return TaxBase(sales_gross={10: 11_000_000, 8: 540_000}, sales_tax_booked={10: 1_000_000, 8: 40_000},
                   purchases_gross={(10, F1): 5_500_000, (10, Fraction(8, 10)): 1_100_000},
                   input_tax_booked={10: 580_000})


def test_general_taxation_with_the_defaults() -> None:
    r = compute_return(_base(), Settings())
    # 課税標準額: 11,000,000 x 100/110 = 10,000,000; 540,000 x 100/108 = 500,000 -> 10,500,000
    assert [(x.rate, x.taxable_base, x.national_tax) for x in r.rates] == [(10, 10_000_000, 780_000),
                                                                          (8, 500_000, 31_200)]
    # 消費税額: 10,000,000 x 7.8% = 780,000; 500,000 x 6.24% = 31,200 -> 811,200
    assert (r.taxable_base, r.output_tax) == (10_500_000, 811_200)
    # 積上げ: 仮払 580,000 x 78/100 = 452,400; ratio 100%, sales <= 5億: all deductible
    assert (r.input_tax, r.full_credit, r.deductible, r.ratio) == (452_400, True, 452_400, 1)
    # 差引 811,200 - 452,400 = 358,800; 地方 358,800 x 22/78 = 101,200; total 460,000
    assert (r.national_due, r.local_due, r.total_due) == (358_800, 101_200, 460_000)


def test_proportional_input_tax_applies_the_transitional_share() -> None:
    r = compute_return(_base(), Settings(input_calc="proportional"))
    # 5,500,000 x 7.8/110 = 390,000; 1,100,000 x 7.8/110 x 80% = 62,400 -> 452,400
    assert r.input_tax == 452_400


def test_rounding_of_the_base_and_the_due() -> None:
    # sales 10% 1,234,567 税込 -> 1,234,567 x 100/110 = 1,122,333.6 -> 課税標準額 1,122,000
    # 消費税額 1,122,000 x 7.8% = 87,516; purchases 仮払 12,345 x 78/100 = 9,629.1 -> 9,629
    # 差引 87,516 - 9,629 = 77,887 -> 77,800; 地方 77,800 x 22/78 = 21,943.5 -> 21,900
    r = compute_return(TaxBase(sales_gross={10: 1_234_567}, input_tax_booked={10: 12_345}), Settings())
    assert (r.taxable_base, r.output_tax, r.input_tax) == (1_122_000, 87_516, 9_629)
    assert (r.national_due, r.local_due) == (77_800, 21_900)


def test_stacked_output_tax() -> None:
    # 積上げ: booked 仮受 1,000,000 x 78/100 = 780,000 and 40,000 x 78/100 = 31,200
    r = compute_return(_base(), Settings(output_calc="stacked"))
    assert r.output_tax == 811_200
    with pytest.raises(Invalid):  # 積上げ sales with 割戻し purchases: 施行令46条③
        compute_return(_base(), Settings(output_calc="stacked", input_calc="proportional"))


def test_taxable_sales_ratio_and_partial_credit() -> None:
    # taxable 11,000,000 税込 -> 10,000,000 税抜; 輸出免税 2,000,000; 非課税 3,000,000
    # ratio = (10,000,000 + 2,000,000) / (10,000,000 + 2,000,000 + 3,000,000) = 12/15 = 80% < 95%
    base = TaxBase(sales_gross={10: 11_000_000}, export_sales=2_000_000, non_taxable_sales=3_000_000,
                   input_tax_booked={10: 500_000})
    r = compute_return(base, Settings())
    assert r.ratio == Fraction(4, 5) and not r.full_credit
    # input 500,000 x 78/100 = 390,000; x 80% = 312,000 (every purchase 共通対応)
    assert (r.input_tax, r.deductible) == (390_000, 312_000)
    # 消費税額 780,000 - 312,000 = 468,000; 地方 468,000 x 22/78 = 132,000
    assert (r.national_due, r.local_due) == (468_000, 132_000)
    assert compute_return(base, Settings(credit_method="lump_sum")).deductible == 312_000


def test_export_sales_count_in_numerator_and_denominator() -> None:
    # only exports and taxable sales: ratio 100%, full credit; exports carry no output tax
    r = compute_return(TaxBase(sales_gross={10: 1_100_000}, export_sales=9_000_000,
                               input_tax_booked={10: 600_000}), Settings())
    # 消費税額 1,000,000 x 7.8% = 78,000; input 600,000 x 78/100 = 468,000 -> refund 390,000
    # 地方 refund 390,000 x 22/78 = 110,000
    assert (r.ratio, r.output_tax, r.deductible) == (1, 78_000, 468_000)
    assert (r.national_due, r.local_due) == (-390_000, -110_000)


def test_large_companies_never_get_full_credit() -> None:
    # 課税売上高 660,000,000 税込 -> 600,000,000 税抜 > 5億: ratio 100% but credit only by the method
    r = compute_return(TaxBase(sales_gross={10: 660_000_000}, input_tax_booked={10: 1_000_000}), Settings())
    assert not r.full_credit and r.deductible == 780_000  # 1,000,000 x 78/100 x 100%


@pytest.mark.parametrize(("kind", "deductible"), [
    (1, 702_000), (2, 624_000), (3, 546_000), (4, 468_000), (5, 390_000), (6, 312_000)])
def test_simplified_taxation_deemed_rates(kind: int, deductible: int) -> None:
    # 消費税額 780,000 (課税標準額 10,000,000 x 7.8%) x みなし仕入率 90/80/70/60/50/40%
    r = compute_return(TaxBase(sales_gross={10: 11_000_000}), Settings(method="simplified", simplified_type=kind))
    assert r.deductible == deductible
    assert r.national_due == 780_000 - deductible


def test_the_twenty_percent_special_rule() -> None:
    # 2割特例: 780,000 x 80% = 624,000 deductible; due 156,000; 地方 156,000 x 22/78 = 44,000
    r = compute_return(TaxBase(sales_gross={10: 11_000_000}), Settings(method="twenty_percent"),
                       dt.date(2026, 4, 1))
    assert (r.deductible, r.national_due, r.local_due) == (624_000, 156_000, 44_000)
    with pytest.raises(Invalid):  # a 課税期間 beginning after 2026-09-30 cannot use it
        compute_return(TaxBase(sales_gross={10: 11_000_000}), Settings(method="twenty_percent"),
                       dt.date(2026, 10, 1))


def test_inclusive_books_compute_both_sides_proportionally() -> None:
    # 税込経理: nothing booked in 仮受/仮払; 5,500,000 x 7.8/110 = 390,000 and 1,100,000 x 7.8/110 x 80% = 62,400
    base = _base()
    base.sales_tax_booked, base.input_tax_booked, base.inclusive_books = {}, {}, True
    r = compute_return(base, Settings(output_calc="stacked"))
    assert (r.output_tax, r.input_tax) == (811_200, 452_400)

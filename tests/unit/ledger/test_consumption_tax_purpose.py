"""個別対応方式 / 一括比例配分方式 by 用途区分 (消費税法30条②), the 95% / ¥500M full-credit rule (30条①②), the
year's 割戻し/積上げ combination (施行令46条③), against an official 国税庁 example and hand computations.

Official example (the only 国税庁 申告書 worked example with figures found in the library): 国税庁「軽減税率制度に
対応した申告書の作成手順2(簡易課税用)」令和元年7月, p.1 (設例 and 付表4-2 ①-1 / ① 欄), read from its copy at
https://vdocuments.pub/eccoecoee2icecc-.html: 課税売上高 (税込み) 23,033,000 at 8% (税率6.3%適用分),
"23,033,000 × 100/108 = 21,326,851", 課税標準額 "21,326,000（千円未満切捨て）". No 国税庁 example of 付表2-3
(個別対応方式) with figures was found, so those cases are hand computations written out below.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from ennoshita.errors import Invalid
from ennoshita.ledger.ctax_rules import Settings, TaxBase, check_settings, compute_return
from ennoshita.ledger.taxes import (
    CATEGORIES,
    DEFAULT_PURPOSE,
    split_purpose,
    tagged_or_default,
    with_purpose,
)

F1 = Fraction(1)


def test_the_nta_example_taxable_base_at_8_percent() -> None:
    # 国税庁 作成手順2 p.1: 23,033,000 x 100/108 = 21,326,851 -> 課税標準額 21,326,000 (千円未満切捨て)
    r = compute_return(TaxBase(sales_gross={8: 23_033_000}), Settings())
    assert r.rates[0].taxable_base == 21_326_000
    assert r.taxable_sales == 21_326_851


def _mixed(non_taxable_sales: int = 5_000_000) -> TaxBase:
    # sales 10%: 22,000,000 税込 (仮受 2,000,000) -> 課税売上高 20,000,000; 非課税売上 (e.g. 土地の貸付け) 5,000,000
    # purchases 10% (qualified), 税込 / 仮払消費税:
    #   課税売上対応   5,500,000 / 500,000
    #   非課税売上対応 1,100,000 / 100,000
    #   共通対応       3,300,000 / 300,000
    return TaxBase(
        sales_gross={10: 22_000_000}, sales_tax_booked={10: 2_000_000}, non_taxable_sales=non_taxable_sales,
        purchases_gross={(10, F1): 9_900_000}, input_tax_booked={10: 900_000},
        purchases_by_purpose={"taxable": {(10, F1): 5_500_000}, "non_taxable": {(10, F1): 1_100_000}},
        input_tax_by_purpose={"taxable": {10: 500_000}, "non_taxable": {10: 100_000}})


def test_individual_method_credits_taxable_use_in_full_and_common_use_by_the_ratio() -> None:
    r = compute_return(_mixed(), Settings(credit_method="individual"))
    # 課税売上割合 = 20,000,000 / (20,000,000 + 5,000,000) = 80% (< 95%: no full credit)
    assert r.ratio == Fraction(4, 5) and not r.full_credit
    # 積上げ: 課税売上対応 500,000 x 78/100 = 390,000; 非課税売上対応 100,000 x 78/100 = 78,000;
    # all 900,000 x 78/100 = 702,000 -> 共通対応 702,000 - 390,000 - 78,000 = 234,000
    assert (r.input_tax, r.input_tax_taxable, r.input_tax_non_taxable, r.input_tax_common) == (
        702_000, 390_000, 78_000, 234_000)
    # 個別対応方式: 390,000 + 234,000 x 80% = 390,000 + 187,200 = 577,200
    assert r.deductible == r.deductible_individual == 577_200
    # 消費税額 20,000,000 x 7.8% = 1,560,000; 差引 1,560,000 - 577,200 = 982,800 (already whole hundreds)
    # 地方 982,800 x 22/78 = 277,200; total 1,260,000
    assert (r.output_tax, r.national_due, r.local_due, r.total_due) == (1_560_000, 982_800, 277_200, 1_260_000)


def test_lump_sum_method_credits_all_input_tax_by_the_ratio() -> None:
    r = compute_return(_mixed(), Settings(credit_method="lump_sum"))
    # 一括比例配分方式: 702,000 x 80% = 561,600; 差引 1,560,000 - 561,600 = 998,400;
    # 地方 998,400 x 22/78 = 281,600
    assert r.deductible == r.deductible_lump_sum == 561_600
    assert (r.national_due, r.local_due) == (998_400, 281_600)
    assert r.deductible_individual == 577_200  # shown beside it for comparison


def test_proportional_input_tax_by_use_gives_the_same_split() -> None:
    r = compute_return(_mixed(), Settings(input_calc="proportional"))
    # 割戻し: 5,500,000 x 7.8/110 = 390,000; 1,100,000 x 7.8/110 = 78,000; 9,900,000 x 7.8/110 = 702,000
    assert (r.input_tax, r.input_tax_taxable, r.input_tax_non_taxable, r.input_tax_common) == (
        702_000, 390_000, 78_000, 234_000)


def test_untagged_purchases_count_as_common_use() -> None:
    base = _mixed()
    base.purchases_by_purpose, base.input_tax_by_purpose = {}, {}
    r = compute_return(base, Settings())
    # everything 共通対応: 702,000 x 80% = 561,600, the same as 一括比例配分方式
    assert r.input_tax_common == 702_000 and r.deductible == 561_600


def test_ninety_five_percent_and_at_most_500m_gives_full_credit() -> None:
    # 非課税売上 1,000,000: ratio 20,000,000 / 21,000,000 = 95.238...% >= 95%, 課税売上高 20,000,000 <= 5億:
    # the whole 702,000 is deductible, the 非課税売上対応 part too
    r = compute_return(_mixed(non_taxable_sales=1_000_000), Settings())
    assert r.full_credit and r.deductible == 702_000
    # 非課税売上 1,052,632: 20,000,000 / 21,052,632 = 94.99999...% < 95%: 個別対応 390,000 + 234,000 x ratio
    r = compute_return(_mixed(non_taxable_sales=1_052_632), Settings())
    assert not r.full_credit
    assert r.deductible == 390_000 + (234_000 * 20_000_000) // 21_052_632  # 390,000 + 222,299 = 612,299


def test_over_500m_taxable_sales_never_gets_full_credit() -> None:
    # 課税売上高 550,000,000 税込 -> 500,000,001 is over 5億 (税抜 550,000,001 x 100/110 = 500,000,000.9)
    base = TaxBase(sales_gross={10: 550_000_001}, purchases_gross={(10, F1): 1_100_000},
                   input_tax_booked={10: 100_000},
                   purchases_by_purpose={"non_taxable": {(10, F1): 1_100_000}},
                   input_tax_by_purpose={"non_taxable": {10: 100_000}})
    r = compute_return(base, Settings())
    # 550,000,001 x 100/110 = 500,000,000.90 -> 課税売上高 500,000,000 (1円未満切捨て) is not over 5億: full
    assert r.taxable_sales == 500_000_000 and r.full_credit
    base.sales_gross = {10: 550_001_100}  # 500,001,000 税抜 > 5億
    r = compute_return(base, Settings())
    # ratio 100% but over 5億: 個別対応 -> the 非課税売上対応 78,000 is not credited at all
    assert not r.full_credit and r.deductible == 0
    assert compute_return(base, Settings(credit_method="lump_sum")).deductible == 78_000  # 78,000 x 100%


def test_stacked_sales_require_stacked_purchases() -> None:
    # 施行令46条③: 売上税額の積上げ計算 -> 仕入税額も積上げ計算
    problems = check_settings(Settings(output_calc="stacked", input_calc="proportional"))
    assert [p.key for p in problems] == ["ledger.error.ctax_stacked_sales_proportional_purchases"]
    assert check_settings(Settings(output_calc="stacked", input_calc="stacked")) == []
    assert check_settings(Settings(output_calc="proportional", input_calc="proportional")) == []
    with pytest.raises(Invalid):
        compute_return(_mixed(), Settings(output_calc="stacked", input_calc="proportional"))
    assert [p.field for p in check_settings(Settings(default_purpose="other"))] == ["default_purpose"]


@pytest.mark.parametrize(("code", "purpose", "tagged"), [
    ("purchase_10", "taxable", "purchase_10:taxable"),
    ("purchase_8r_transitional", "non_taxable", "purchase_8r_transitional:non_taxable"),
    ("purchase_10_small", "common", "purchase_10_small:common"),
    ("purchase_10:taxable", "common", "purchase_10:common"),  # re-tagged
    ("purchase_exempt", "taxable", "purchase_exempt"),  # 非課税仕入: no 用途区分
    ("sales_10", "taxable", "sales_10"),
    ("out_of_scope", "common", "out_of_scope"),
])
def test_only_taxable_purchases_carry_a_use(code: str, purpose: str, tagged: str) -> None:
    assert with_purpose(code, purpose) == tagged
    assert split_purpose(tagged)[0] == code.split(":")[0]


def test_tagged_variants_behave_like_their_category() -> None:
    for code, cat in CATEGORIES.items():
        if cat.purpose:
            base = CATEGORIES[cat.base]
            assert (cat.rate, cat.transitional, cat.small_amount, cat.direction) == (
                base.rate, base.transitional, base.small_amount, base.direction)
            assert len(code) <= 40  # journal_lines.tax_category
    assert CATEGORIES["purchase_10:common"].name_ja == "課税仕入10%・共通対応"
    assert tagged_or_default("purchase_10", DEFAULT_PURPOSE) == "purchase_10:common"
    assert tagged_or_default("purchase_10:taxable", DEFAULT_PURPOSE) == "purchase_10:taxable"
    assert tagged_or_default("sales_10", DEFAULT_PURPOSE) == "sales_10"

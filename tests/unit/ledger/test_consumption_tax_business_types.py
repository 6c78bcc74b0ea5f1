"""簡易課税 with several 事業区分 (消費税法37条, 施行令57条②③; 付表4-3 / 5-3): the pure computation, no database.

Oracle: hand computations written out in each test from the rules as the 国税庁 states them (タックスアンサー
No.6505「簡易課税制度」: みなし仕入率 第1種 90% … 第6種 40%; 2種類以上の事業: 原則計算 = 売上税額 x (各事業の
税額 x みなし仕入率 の合計) / 各事業の税額の合計; 特例: 1種類の事業の課税売上高が75%以上 → その率を全体に; 2種類の
事業の合計が75%以上 → 高い方の率をその事業に、低い方の率をそれ以外の全てに; 有利な方を選択できる. No.6509
「簡易課税制度の事業区分」 for the six types). No worked example with figures was readable from this machine
(the nta.go.jp pages are not in the library), so every figure below is computed by hand, step by step:
課税売上高（税抜き） per type and rate, its 消費税額 (x 7.8% / 6.24%, 1円未満切捨て), ④ per column = the 課税標準額
(¥1,000 floor) x 7.8% / 6.24%, each calculation 1円未満切捨て per column and summed. None of them is the code's output.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from ennoshita.ledger import taxes
from ennoshita.ledger.ctax_rules import Settings, TaxBase, compute_return

SIMPLE = Settings(method="simplified", simplified_type=5)


def _exclusive(by_type: dict[tuple[int, int], int]) -> TaxBase:
    """税抜経理 books: 税抜 sales per (type, rate); the 課税標準 side gets the 税込 (税抜 x 1.10 / 1.08)."""
    gross: dict[int, int] = {}
    for (_t, rate), net in by_type.items():
        gross[rate] = gross.get(rate, 0) + net * (100 + rate) // 100
    return TaxBase(sales_gross=gross, sales_by_type=dict(by_type))


def test_a_single_business_type_is_the_whole_sales_at_its_rate() -> None:
    """第2種 (小売) only: 税抜 10,000,000 at 10% (税込 11,000,000). 課税標準 10,000,000, 消費税額 780,000;
    控除 780,000 x 80% = 624,000; 差引 156,000; 地方 156,000 x 22/78 = 44,000. Lines naming no 事業区分 count
    as the company's setting (第5種 here), so the same sales untagged give 780,000 x 50% = 390,000."""
    r = compute_return(_exclusive({(2, 10): 10_000_000}), SIMPLE)
    assert (r.output_tax, r.deductible, r.national_due, r.local_due) == (780_000, 624_000, 156_000, 44_000)
    assert r.simplified is not None and r.simplified.chosen == "single:2"
    r = compute_return(_exclusive({(0, 10): 10_000_000}), SIMPLE)
    assert (r.deductible, r.simplified and r.simplified.chosen) == (390_000, "single:5")


def test_two_types_neither_75_percent_take_the_principle() -> None:
    """第1種 6,000,000 (60%) + 第5種 4,000,000 (40%), all 10% 税抜. ④ = 10,000,000 x 7.8% = 780,000.
    税額: 第1種 468,000, 第5種 312,000 (Σ 780,000). 原則: 780,000 x (468,000 x 90% + 312,000 x 50%) / 780,000
    = 421,200 + 156,000 = 577,200. No type reaches 75%; the two types together are 100%, and 第1種's rate on
    第1種 with 第5種's on the rest is the 原則 itself (577,200): the 原則 is shown as chosen.
    差引 780,000 - 577,200 = 202,800; 地方 202,800 x 22/78 = 57,200."""
    r = compute_return(_exclusive({(1, 10): 6_000_000, (5, 10): 4_000_000}), SIMPLE)
    s = r.simplified
    assert s is not None
    assert [(t.business_type, t.sales, t.share, t.tax(10)) for t in s.types] == [
        (1, 6_000_000, Fraction(3, 5), 468_000), (5, 4_000_000, Fraction(2, 5), 312_000)]
    assert dict(s.candidates) == {"principle": 577_200, "pair:1+5": 577_200}
    assert (s.chosen, r.deductible, r.national_due, r.local_due) == ("principle", 577_200, 202_800, 57_200)


def test_three_types_under_75_percent_inclusive_books_mixed_rates() -> None:
    """税込経理, three types, no type and no two types reaching 75%:
    第2種 8% 税込 3,333,333 -> 税抜 3,333,333 x 100/108 = 3,086,419.4 -> 3,086,419; 税額 x 6.24% = 192,592.5 -> 192,592
    第4種 10% 税込 2,500,001 -> 2,272,728.1 -> 2,272,728; 税額 x 7.8% = 177,272.7 -> 177,272
    第5種 10% 税込 2,600,000 -> 2,363,636.3 -> 2,363,636; 税額 184,363.6 -> 184,363
    合計 7,722,783: 39.97% / 29.43% / 30.61%; pairs 69.4%, 70.6%, 60.0%: only the 原則 applies.
    ④ 10%: 5,100,001 x 100/110 = 4,636,364.5 -> 課税標準 4,636,000 x 7.8% = 361,608;
       8%: 3,333,333 x 100/108 = 3,086,419.4 -> 3,086,000 x 6.24% = 192,566.4 -> 192,566; 消費税額 554,174.
    原則 10%: 361,608 x (177,272 x 60% + 184,363 x 50%) / (177,272 + 184,363) = 361,608 x 198,544.7 / 361,635
       = 198,529.87 -> 198,529; 8%: 192,566 x (192,592 x 80%) / 192,592 = 154,052.8 -> 154,052; 合計 352,581.
    差引 554,174 - 352,581 = 201,593 -> 201,500; 地方 201,500 x 22/78 = 56,833.3 -> 56,800."""
    base = TaxBase(sales_gross={8: 3_333_333, 10: 5_100_001}, inclusive_books=True,
                   sales_by_type={(2, 8): 3_333_333, (4, 10): 2_500_001, (5, 10): 2_600_000})
    r = compute_return(base, SIMPLE)
    s = r.simplified
    assert s is not None
    assert [(t.business_type, t.sales, t.tax(10), t.tax(8)) for t in s.types] == [
        (2, 3_086_419, 0, 192_592), (4, 2_272_728, 177_272, 0), (5, 2_363_636, 184_363, 0)]
    assert r.output_tax == 554_174
    assert s.candidates == (("principle", 352_581),)
    assert (r.deductible, r.national_due, r.local_due) == (352_581, 201_500, 56_800)


def test_one_type_at_75_percent_takes_its_rate_on_the_whole() -> None:
    """第1種 8,000,000 (80%) + 第4種 2,000,000 (20%), 10% 税抜. ④ 780,000; 税額 624,000 / 156,000.
    原則 624,000 x 90% + 156,000 x 60% = 561,600 + 93,600 = 655,200; 特例 (第1種 ≥ 75%): 780,000 x 90% = 702,000;
    two types (100%): 第1種 90% + the rest 60% = the 原則, 655,200. Chosen 702,000; 差引 78,000; 地方 22,000."""
    r = compute_return(_exclusive({(1, 10): 8_000_000, (4, 10): 2_000_000}), SIMPLE)
    s = r.simplified
    assert s is not None
    assert dict(s.candidates) == {"principle": 655_200, "single:1": 702_000, "pair:1+4": 655_200}
    assert (s.chosen, r.deductible, r.national_due, r.local_due) == ("single:1", 702_000, 78_000, 22_000)


def test_exactly_75_percent_qualifies() -> None:
    """施行令57条③: 「100分の75以上」. 第2種 7,500,000 (75%) + 第5種 2,500,000: 780,000 x 80% = 624,000
    against the 原則 585,000 x 80% + 195,000 x 50% = 468,000 + 97,500 = 565,500."""
    r = compute_return(_exclusive({(2, 10): 7_500_000, (5, 10): 2_500_000}), SIMPLE)
    assert r.simplified is not None
    assert (r.simplified.chosen, r.deductible) == ("single:2", 624_000)


def test_two_types_at_75_percent_among_three_mixed_rates() -> None:
    """Three types, 10% and 8%, 税抜経理:
    第1種 10% 5,000,000 + 8% 1,000,000 = 6,000,000 (60%); 第2種 8% 2,000,000 (20%); 第5種 10% 2,000,000 (20%).
    ④ 10%: 7,000,000 x 7.8% = 546,000; 8%: 3,000,000 x 6.24% = 187,200; 消費税額 733,200.
    税額 10%: 第1種 390,000, 第5種 156,000 (Σ 546,000); 8%: 第1種 62,400, 第2種 124,800 (Σ 187,200).
    原則: 10% 390,000 x 90% + 156,000 x 50% = 351,000 + 78,000 = 429,000; 8% 56,160 + 99,840 = 156,000; 585,000.
    No single type reaches 75%. 第1種+第2種 = 80%: 第1種 90%, the rest 80%: 10% 351,000 + 156,000 x 80% (124,800)
    = 475,800; 8% 56,160 + 99,840 = 156,000; 631,800. 第1種+第5種 = 80%: the rest 50%: 10% 351,000 + 78,000
    = 429,000; 8% 56,160 + 124,800 x 50% (62,400) = 118,560; 547,560. 第2種+第5種 = 40%: not applicable.
    Chosen 第1種+第2種 631,800; 差引 733,200 - 631,800 = 101,400; 地方 101,400 x 22/78 = 28,600."""
    r = compute_return(_exclusive({(1, 10): 5_000_000, (1, 8): 1_000_000, (2, 8): 2_000_000,
                                   (5, 10): 2_000_000}), SIMPLE)
    s = r.simplified
    assert s is not None
    assert r.output_tax == 733_200
    assert dict(s.candidates) == {"principle": 585_000, "pair:1+2": 631_800, "pair:1+5": 547_560}
    assert (s.chosen, r.deductible, r.national_due, r.local_due) == ("pair:1+2", 631_800, 101_400, 28_600)


def test_returns_reduce_the_sales_of_their_type() -> None:
    """A 売上返還 of 第1種 税抜 1,000,000 (booked as a debit, so netted to 7,000,000) turns the 80/20 case into
    第1種 7,000,000 (77.8%) + 第4種 2,000,000: ④ 9,000,000 x 7.8% = 702,000, 特例 702,000 x 90% = 631,800;
    a return of 2,000,000 instead leaves 6,000,000 (75%, still ≥ 75%): 8,000,000 x 7.8% = 624,000 x 90% = 561,600;
    one of 3,000,000 leaves 5,000,000 (71.4%): 原則 546,000 x (390,000 x 90% + 156,000 x 60%) / 546,000
    = 351,000 + 93,600 = 444,600."""
    for returned, chosen, deductible in ((1_000_000, "single:1", 631_800), (2_000_000, "single:1", 561_600),
                                         (3_000_000, "principle", 444_600)):
        r = compute_return(_exclusive({(1, 10): 8_000_000 - returned, (4, 10): 2_000_000}), SIMPLE)
        assert r.simplified is not None
        assert (r.simplified.chosen, r.deductible) == (chosen, deductible), returned


def test_the_general_method_ignores_the_business_types() -> None:
    r = compute_return(_exclusive({(1, 10): 8_000_000, (4, 10): 2_000_000}), Settings())
    assert r.simplified is None and r.output_tax == 780_000


# ---------------------------------------------------------------- the 事業区分 tag on the 税区分 code


def test_the_business_type_rides_on_the_sales_category_code() -> None:
    assert taxes.CATEGORIES["sales_10:t1"].business_type == 1
    assert taxes.CATEGORIES["sales_8r:t6"].name_ja == "課税売上8%(軽減)・第六種事業（不動産業）"
    assert taxes.CATEGORIES["sales_export:t1"].ratio_class == "zero_rated"
    assert "sales_exempt:t1" not in taxes.CATEGORIES and "purchase_10:t1" not in taxes.CATEGORIES
    assert taxes.with_business_type("sales_10", 2) == "sales_10:t2"
    assert taxes.with_business_type("sales_10:t2", 5) == "sales_10:t5"
    assert taxes.with_business_type("sales_10:t2", None) == "sales_10:t2"
    assert taxes.with_business_type("purchase_10:common", 2) == "purchase_10:common"
    assert taxes.business_type_of("sales_8r:t3") == 3 and taxes.business_type_of("sales_8r") == 0
    assert taxes.split_purpose("sales_10:t4") == ("sales_10", "t4")


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6])
def test_every_type_is_a_category(n: int) -> None:
    for base in ("sales_10", "sales_8r", "sales_export"):
        assert taxes.CATEGORIES[f"{base}:t{n}"].base == base


def test_yayoi_names_carry_the_business_type() -> None:
    """弥生's 簡易課税 税区分 end with the type's kanji numeral (課税売上込10%一 … 六); both directions."""
    import datetime as dt

    from ennoshita.ledger.yayoi import tax_from_yayoi, tax_to_yayoi

    day = dt.date(2026, 5, 1)
    for name, code in (("課税売上込10%一", "sales_10:t1"), ("課税売上込軽減8%六", "sales_8r:t6"),
                       ("輸出売上三", "sales_export:t3"), ("課税売上込10%", "sales_10")):
        assert tax_from_yayoi(name) == code
        assert tax_to_yayoi(code, day) == name
    assert tax_from_yayoi("課税売上内10%二") == "sales_10:t2"  # the 内 (tax-inclusive) spelling other systems write
    for bad in ("課対仕入込10%一", "非課売上一", "課税売上込10%適格"):
        with pytest.raises(KeyError):
            tax_from_yayoi(bad)

"""The 消費税 return against peer implementations run on the same data, and the 付表's column rule (issue 11
item 13).

Peers (installed outside the repository, in /work/peer/, never committed):

- aoiko (https://github.com/Lonshaus/aoiko, commit 88b9a732a7c1, 2026-08-22; TypeScript): its own journal
  (``src/domain/consumption-tax.ts``: ``processYear`` / ``computeGeneral`` / ``computeSimplified`` /
  ``computeTwoWari``; ``computeDeductibleInputTax`` is its 付表2-3 column computation), booked through its Dexie
  store under ``fake-indexeddb``: ``npx tsx run_case.ts <full|partial|simple>`` (a throwaway runner that posts each
  case below as journal lines: 売上高 4110 with taxRate 0.1 / 0.08 or taxCategory ``exempt`` / ``exportExempt``,
  仕入高 5200 with ``inputUsageCategory``; all 税込, 適格請求書).
- shinkoku 0.6.5 (https://github.com/kazukinagata/shinkoku, commit e610b30c549c; Python):
  ``shinkoku tax calc-consumption --input case.json`` (本則 without a 課税売上割合, 簡易課税 with one 事業区分,
  2割特例; it has no 個別対応 / 一括比例配分).

The column rule. 国税庁's e-Tax schema of the 付表 (e-tax19.CAB ``shohi/SHB033-002.xsd`` 付表2-3,
``SHB067-001.xsd`` 付表5-3, ``SHB070-001.xsd`` 付表6, ``SHB047-001.xsd`` 付表4-3; read from the copies aoiko
generates, ``src/tax-schema/2026/xtx-schema-*.generated.json``) gives every amount of these forms as three
fields: 税率6.24％適用分, 税率7.8％適用分, 合計 — among them 付表2-3 「課税売上額（税抜き）」(DTB00020-40),
「個別対応方式により控除する課税仕入れ等の税額」(DTG00110-130), 「一括比例配分方式により控除する課税仕入れ等の税額」
(DTG00150-170), 付表5-3 「１種類の事業の専業者の場合の控除対象仕入税額」(DVC00020-40) and 付表6 「特別控除税額」
(AYC00020-40). The printed 付表5-3 (国税庁, www.nta.go.jp/law/…/15284, copy in Momonganz/dify_tax_mammoth
``tax_data/scraped_JPtax/www.nta.go.jp_law__15284.md``) says 「注意 1 金額の計算においては、１円未満の端数を切り
捨てる。」 So each rate column is computed and rounded down to the yen on its own, and the 合計 is the sum of the
two columns — not the total multiplied and rounded once. Where the peers round only the total (aoiko's
``computeSimplified`` / ``computeTwoWari`` and shinkoku) they are 1 yen off the form in the 控除対象仕入税額 (the
tax due, rounded down to ¥100, is the same here); aoiko's own e-Tax mappings (``mapSimplified`` /
``mapTwoWari``) do round per column.
"""

from __future__ import annotations

from fractions import Fraction

from ennoshita.ledger.ctax_rules import Settings, TaxBase, compute_return

F1 = Fraction(1)


def test_case_i_full_credit_at_a_ratio_of_95_percent_or_more() -> None:
    """(i) 本則, 課税売上割合 >= 95%, 割戻し on both sides (税込経理 books: no 仮受/仮払).

    Sales 税込: 10% 33,000,000 -> 30,000,000 x 7.8% = 2,340,000; 8% 5,400,000 -> 5,000,000 x 6.24% = 312,000;
    ① 35,000,000, ② 2,652,000. 非課税売上 500,000: 課税売上割合 35,000,000 / 35,500,000 = 98.59% (>= 95%).
    Purchases 税込 (全額控除): 10% 12,345,678 x 7.8/110 = 875,420.83 -> 875,420; 8% 2,345,678 x 6.24/108 =
    135,528.01 -> 135,528; ④ 1,010,948. 差引 2,652,000 - 1,010,948 = 1,641,052 -> 1,641,000;
    地方 1,641,000 x 22/78 = 462,846.1 -> 462,800.

    aoiko (``run_case.ts full``): taxableBase 35,000,000, outputTax 2,652,000, computeDeductibleInputTax
    {rate78 875,420, rate624 135,528, total 1,010,948}, filingRounded national 1,641,000 / local 462,800.
    shinkoku (``{"method": "standard", "taxable_sales_10": 33000000, "taxable_sales_8": 5400000,
    "taxable_purchases_10": 12345678, "taxable_purchases_8": 2345678}``): taxable_base 30,000,000 / 5,000,000,
    national_tax_on_sales 2,652,000, tax_on_purchases 1,010,948, net_tax 1,641,000, local_tax_due 462,800.
    """
    r = compute_return(TaxBase(sales_gross={10: 33_000_000, 8: 5_400_000}, non_taxable_sales=500_000,
                               purchases_gross={(10, F1): 12_345_678, (8, F1): 2_345_678}, inclusive_books=True),
                       Settings())
    assert [(x.rate, x.taxable_base, x.national_tax) for x in r.rates] == [(10, 30_000_000, 2_340_000),
                                                                          (8, 5_000_000, 312_000)]
    assert (r.taxable_base, r.output_tax, r.ratio, r.full_credit) == (35_000_000, 2_652_000, Fraction(70, 71), True)
    assert (r.input_tax, r.deductible) == (1_010_948, 1_010_948)
    assert (r.national_due, r.local_due, r.total_due) == (1_641_000, 462_800, 2_103_800)


def _partial() -> TaxBase:
    # 税込: sales 10% 22,000,000, 8% 3,240,000, 輸出免税 1,000,000, 非課税 6,000,000; purchases 10%: 課税売上対応
    # 5,500,000, 非課税売上対応 1,100,000, 共通 1,651,650; 8%: 課税売上対応 1,080,000, 共通 2,705,400
    return TaxBase(sales_gross={10: 22_000_000, 8: 3_240_000}, export_sales=1_000_000, non_taxable_sales=6_000_000,
                   purchases_gross={(10, F1): 5_500_000 + 1_100_000 + 1_651_650, (8, F1): 1_080_000 + 2_705_400},
                   purchases_by_purpose={"taxable": {(10, F1): 5_500_000, (8, F1): 1_080_000},
                                         "non_taxable": {(10, F1): 1_100_000}},
                   inclusive_books=True)


def test_case_ii_individual_and_lump_sum_are_computed_per_rate_column() -> None:
    """(ii) 課税売上割合 < 95%: 個別対応方式 and 一括比例配分方式, each 付表2-3 column rounded on its own.

    ① 課税標準額 10% 20,000,000, 8% 3,000,000; ② 1,560,000 + 187,200 = 1,747,200.
    課税売上割合 (20,000,000 + 3,000,000 + 1,000,000) / (24,000,000 + 6,000,000) = 80%.
    Input tax (x 7.8/110, x 6.24/108), by column:
      7.8%:  課税売上対応 390,000; 非課税売上対応 78,000; 共通 1,651,650 x 7.8/110 = 117,117; all 585,117
      6.24%: 課税売上対応 62,400; 共通 2,705,400 x 6.24/108 = 156,312; all 218,712      (全体 803,829)
    個別対応方式 (DTG00110-130): 7.8%: 390,000 + 117,117 x 80% (93,693.6) = 483,693.6 -> 483,693;
      6.24%: 62,400 + 156,312 x 80% (125,049.6) = 187,449.6 -> 187,449; 合計 671,142
      (rounding the total once would give 452,400 + 273,429 x 80% = 671,143.2 -> 671,143: 1 yen more).
      差引 1,747,200 - 671,142 = 1,076,058 -> 1,076,000; 地方 1,076,000 x 22/78 = 303,487.1 -> 303,400.
    一括比例配分方式 (DTG00150-170): 585,117 x 80% = 468,093.6 -> 468,093; 218,712 x 80% = 174,969.6 -> 174,969;
      合計 643,062 (the total once: 803,829 x 80% = 643,063.2 -> 643,063).
      差引 1,747,200 - 643,062 = 1,104,138 -> 1,104,100; 地方 1,104,100 x 22/78 = 311,412.8 -> 311,400.

    aoiko (``run_case.ts partial``): ratio 0.8; computeDeductibleInputTax individual {rate78 483,693, rate624
    187,449, total 671,142}, proportional {468,093, 174,969, 643,062}; filingRounded 1,076,000 / 303,400 and
    1,104,100 / 311,400 — the same figures. (shinkoku has no 課税売上割合: it deducts all 803,829, its input tax
    total, which matches ours.) Before the fix ennoshita rounded the total once: 671,143 and 643,063.
    """
    ind = compute_return(_partial(), Settings(credit_method="individual"))
    assert (ind.output_tax, ind.ratio, ind.full_credit, ind.input_tax) == (1_747_200, Fraction(4, 5), False, 803_829)
    assert (ind.input_tax_taxable, ind.input_tax_non_taxable, ind.input_tax_common) == (452_400, 78_000, 273_429)
    assert (ind.deductible_individual, ind.deductible_lump_sum, ind.deductible) == (671_142, 643_062, 671_142)
    assert (ind.national_due, ind.local_due) == (1_076_000, 303_400)
    lump = compute_return(_partial(), Settings(credit_method="lump_sum"))
    assert lump.deductible == 643_062
    assert (lump.national_due, lump.local_due) == (1_104_100, 311_400)


def _simple() -> TaxBase:
    # 税込: 10% 11,001,100 -> 10,001,000; 8% 1,081,080 -> 1,001,000
    return TaxBase(sales_gross={10: 11_001_100, 8: 1_081_080}, inclusive_books=True)


def test_case_iii_simplified_deemed_input_tax_per_rate_column() -> None:
    """(iii) 簡易課税, 第2種 (80%) and 第5種 (50%), mixed rates; 付表5-3 ⑤ (DVC00020-40) per column.

    ① 10,001,000 + 1,001,000 = 11,002,000; ② 10,001,000 x 7.8% = 780,078; 1,001,000 x 6.24% = 62,462.4 -> 62,462;
    842,540.
    第2種: 780,078 x 80% = 624,062.4 -> 624,062; 62,462 x 80% = 49,969.6 -> 49,969; 合計 674,031
      差引 842,540 - 674,031 = 168,509 -> 168,500; 地方 168,500 x 22/78 = 47,525.6 -> 47,500.
    第5種: 780,078 x 50% = 390,039; 62,462 x 50% = 31,231; 合計 421,270
      差引 421,270 -> 421,200; 地方 421,200 x 22/78 = 118,800.

    Peers, same sales (aoiko ``run_case.ts simple`` computeSimplified(2026, 2 / 5); shinkoku ``{"method":
    "simplified", "simplified_business_type": 2 / 5, "taxable_sales_10": 11001100, "taxable_sales_8":
    1081080}``): ② 842,540 and, for 第5種, deduction 421,270 and tax 421,200 / 118,800 — the same. For 第2種 both
    multiply the total once, 842,540 x 80% = 674,032, 1 yen off the form's 674,031 (their tax due is the same,
    168,500 / 47,500, after the ¥100 rounding). Before the fix ennoshita gave 674,032 too.

    Only one 事業区分 is modelled (``Settings.simplified_type``): the 2種類以上 rows of 付表5-3 and the 75% rule
    (施行令57条③) are not, so there is nothing of them to test.
    """
    r2 = compute_return(_simple(), Settings(method="simplified", simplified_type=2))
    assert (r2.taxable_base, r2.output_tax) == (11_002_000, 842_540)
    assert r2.deductible == 674_031
    assert (r2.national_due, r2.local_due) == (168_500, 47_500)
    r5 = compute_return(_simple(), Settings(method="simplified", simplified_type=5))
    assert r5.deductible == 421_270
    assert (r5.national_due, r5.local_due) == (421_200, 118_800)


def test_case_iv_twenty_percent_special_deduction_per_rate_column() -> None:
    """(iv) 2割特例: 付表6 特別控除税額 (AYC00020-40) = each column's 消費税額 x 80%, 1円未満切捨て, then 合計.

    780,078 x 80% = 624,062.4 -> 624,062; 62,462 x 80% = 49,969.6 -> 49,969; 合計 674,031.
    差引 842,540 - 674,031 = 168,509 -> 168,500; 地方 47,500.
    aoiko computeTwoWari and shinkoku (``"method": "special_20pct"``) on the same sales: 674,032 (the total x 80%
    once), tax due 168,500 / 47,500 — the due agrees, the deduction is 1 yen off the form. aoiko's own 付表6
    mapping (``mapTwoWari``: specialDeduction8/10 each floored, AYC00040 their sum) rounds per column as here.
    """
    r = compute_return(_simple(), Settings(method="twenty_percent"))
    assert r.deductible == 674_031
    assert (r.national_due, r.local_due, r.total_due) == (168_500, 47_500, 216_000)


def test_the_ratio_uses_the_taxable_sales_of_each_column_rounded_down() -> None:
    """付表2-3 ① 課税売上額（税抜き）is a column per rate (DTB00020 / DTB00030), each 1円未満切捨て, and its 合計
    (DTB00040) is their sum, the numerator of the 課税売上割合 (④ = ①合計 + 免税売上額, ⑦ = ④ + 非課税売上額).

    10% 1,000 税込 -> 909.09 -> 909; 8% 1,000 税込 -> 925.92 -> 925; 合計 1,834 (not floor(1,835.01) = 1,835).
    非課税 18,340: ratio 1,834 / 20,174 (9.09%). Hand computation; before the fix ennoshita gave 1,835.
    """
    r = compute_return(TaxBase(sales_gross={10: 1_000, 8: 1_000}, non_taxable_sales=18_340), Settings())
    assert r.taxable_sales == 1_834
    assert r.ratio == Fraction(1_834, 1_834 + 18_340)


def test_a_refund_keeps_its_local_part_to_the_yen() -> None:
    """控除不足還付税額 and its 地方消費税 are not rounded to ¥100: 国税通則法119条① (and 地方税法20条の4の2③)
    round a 確定金額 to be paid, 120条① rounds a refund (還付金等) down to the yen only.

    Sales 10% 1,100,000 税込 -> 78,000; purchases 10% 3,300,550 税込 x 7.8/110 = 234,039; 控除不足還付税額
    156,039; 地方 156,039 x 22/78 = 44,011.3 -> 44,011.

    shinkoku (``{"method": "standard", "taxable_sales_10": 1100000, "taxable_purchases_10": 3300550}``) agrees on
    234,039 and refund_shortfall 156,039 but rounds the local refund to ¥100 (local_tax_due -44,000): we keep
    the yen, per 120条① (disagreement noted, ours unchanged).
    """
    r = compute_return(TaxBase(sales_gross={10: 1_100_000}, purchases_gross={(10, F1): 3_300_550},
                               inclusive_books=True), Settings())
    assert (r.output_tax, r.input_tax) == (78_000, 234_039)
    assert (r.national_due, r.local_due) == (-156_039, -44_011)

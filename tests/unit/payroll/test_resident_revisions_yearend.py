"""住民税 split (地方税法 321条の5), 算定基礎/月額変更 detection at the 17-day and 2-grade boundaries, and 年末調整
for 令和8年分 worked by hand (the arithmetic in each comment)."""

from __future__ import annotations

import datetime as dt

import pytest

from ennoshita.errors import Invalid
from ennoshita.payroll import resident, revisions, yearend
from ennoshita.payroll.revisions import MonthPay


def test_resident_tax_split_puts_the_remainder_in_june() -> None:
    # 100,000 ÷ 12 = 8,333 → 8,300 (100円未満切捨て) for July-May; June 100,000 - 11 x 8,300 = 8,700
    split = resident.split_yearly(100_000)
    assert split[6] == 8_700
    assert all(split[m] == 8_300 for m in (7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 5))
    assert sum(split.values()) == 100_000
    assert list(split) == [6, 7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 5]


def _m(month: int, pay: int, days: int, year: int = 2026) -> MonthPay:
    return MonthPay(dt.date(year, month, 1), pay, days)


def test_teiji_counts_only_months_with_17_days() -> None:
    # May has 16 days and is left out: (300,000 + 320,000) / 2 = 310,000 → 健保 等級23 (320,000), 厚年 等級20
    r = revisions.teiji(2026, [_m(4, 300_000, 17), _m(5, 400_000, 16), _m(6, 320_000, 21)])
    assert r is not None
    assert (r.average, r.health_grade, r.health_amount, r.pension_grade) == (310_000, 23, 320_000, 20)
    assert r.applies_from == dt.date(2026, 9, 1)


def test_teiji_short_time_workers_count_from_11_days() -> None:
    # (100,000 + 110,000 + 120,000) / 3 = 110,000 → 健保 等級7 (107,000以上114,000未満 → 110,000)
    r = revisions.teiji(2026, [_m(4, 100_000, 11), _m(5, 110_000, 12), _m(6, 120_000, 11)], short_time=True)
    assert r is not None and (r.average, r.health_grade, r.health_amount) == (110_000, 7, 110_000)
    assert revisions.teiji(2026, [_m(4, 100_000, 10), _m(5, 110_000, 10), _m(6, 120_000, 10)],
                           short_time=True) is None


def test_zuiji_needs_two_grades_in_the_direction_of_the_change() -> None:
    three = [_m(4, 330_000, 17), _m(5, 330_000, 20), _m(6, 330_000, 22)]
    # current 等級22 (300,000); average 330,000 → 等級24 (340,000): two grades up → applies from July
    r = revisions.zuiji(22, three, +1)
    assert r is not None and (r.health_grade, r.applies_from) == (24, dt.date(2026, 7, 1))
    # 329,999 → 等級23: one grade only
    assert revisions.zuiji(22, [_m(4, 329_999, 17), _m(5, 329_999, 17), _m(6, 329_999, 17)], +1) is None
    # a fall in fixed pay cannot trigger a rise
    assert revisions.zuiji(22, three, -1) is None
    # one month with 16 days: no 随時改定
    assert revisions.zuiji(22, [_m(4, 330_000, 16), *three[1:]], +1) is None


def test_zuiji_across_the_year_end() -> None:
    r = revisions.zuiji(22, [_m(11, 400_000, 20), _m(12, 400_000, 20), _m(1, 400_000, 20, 2027)], +1)
    assert r is not None and r.applies_from == dt.date(2027, 2, 1)


def test_salary_income_r8() -> None:
    assert yearend.salary_income(2026, 2_000_000) == 1_260_000  # minimum 74万 (69万 + 5万 special)
    # 5,000,000 (a multiple of 4,000): 5,000,000 x 20% + 440,000 = 1,440,000 → 3,560,000
    assert yearend.salary_income(2026, 5_000_000) == 3_560_000
    # 5,001,999 → 5,000,000 first (4,000円未満切捨て), same result
    assert yearend.salary_income(2026, 5_001_999) == 3_560_000
    # 7,000,000: 700,000 + 1,100,000 = 1,800,000 → 5,200,000
    assert yearend.salary_income(2026, 7_000_000) == 5_200_000


def test_basic_deduction_r8() -> None:
    assert yearend.basic_deduction(2026, 4_890_000) == 1_040_000
    assert yearend.basic_deduction(2026, 4_890_001) == 670_000
    assert yearend.basic_deduction(2026, 23_500_001) == 480_000


def test_year_end_adjustment_with_spouse_student_child_and_insurance() -> None:
    # 給与 5,000,000 → 給与所得 3,560,000. Deductions: 社会保険料 720,000; 生命保険 一般 100,000 with a child
    # under 23 (令和8年分 cap 60,000: 100,000 / 4 + 30,000 = 55,000); 地震 30,000; 配偶者控除 380,000;
    # 特定扶養 (20) 630,000; 基礎控除 1,040,000 (≤ 489万). Total 2,855,000. 課税 705,000 x 5% = 35,250;
    # x 102.1% = 35,990.25 → 35,900 (100円未満切捨て). Withheld 120,000 → refund 84,100.
    r = yearend.adjust(yearend.YearEndInput(
        year=2026, salary=5_000_000, withheld=120_000, social_insurance=720_000, spouse_income=0,
        dependants=(yearend.Dependant(age=20, income=0),), life_general=100_000, earthquake=30_000))
    assert (r.salary_income, r.deductions, r.taxable, r.computed_tax) == (3_560_000, 2_855_000, 705_000, 35_250)
    assert (r.annual_tax, r.difference) == (35_900, -84_100)


def test_year_end_adjustment_with_a_housing_loan_credit() -> None:
    # 給与 7,000,000 → 5,200,000; 社会保険料 1,000,000; 基礎控除 670,000 (489万超655万以下) → 課税 3,530,000;
    # 3,530,000 x 20% - 427,500 = 278,500; 住宅ローン控除 200,000 → 78,500 x 102.1% = 80,148.5 → 80,100;
    # withheld 250,000 → refund 169,900.
    r = yearend.adjust(yearend.YearEndInput(year=2026, salary=7_000_000, withheld=250_000,
                                            social_insurance=1_000_000, housing_loan_credit=200_000))
    assert (r.taxable, r.computed_tax, r.housing_credit, r.annual_tax, r.difference) == (
        3_530_000, 278_500, 200_000, 80_100, -169_900)


def test_spouse_special_and_specific_relative() -> None:
    assert yearend.spouse_deduction(2026, 3_000_000, 620_000) == 380_000  # 配偶者控除 (≤ 62万)
    assert yearend.spouse_deduction(2026, 3_000_000, 1_000_000) == 360_000  # 特別控除 95万超100万以下
    assert yearend.spouse_deduction(2026, 9_600_000, 1_000_000) == 120_000
    assert yearend.spouse_deduction(2026, 3_000_000, 1_330_001) == 0
    # 特定親族特別控除: a 20-year-old earning 1,000,000 → 410,000
    assert yearend.dependant_deduction(2026, yearend.Dependant(age=20, income=1_000_000)) == 410_000
    assert yearend.dependant_deduction(2026, yearend.Dependant(age=75, income=0, lives_with=True,
                                                               parent=True)) == 580_000


def test_life_insurance_deduction_bands() -> None:
    # new contracts: 20,000 → 20,000; 40,000 → 30,000; 80,000 → 40,000; cap 120,000 in all
    assert yearend.life_insurance_deduction(2026, 20_000, 40_000, 80_000) == 90_000
    assert yearend.life_insurance_deduction(2026, 200_000, 200_000, 200_000) == 120_000


# --- 国税庁 「令和8年分 年末調整のしかた」 worked examples (https://www.nta.go.jp/publication/pamph/gensen/nencho2026/01.htm)
# The PDF itself is not in this library; the 設例 inputs and every 欄 figure below are as quoted, line by line, in a
# public test suite that uses that 設例 as its oracle (docs of a 年末調整 calculator, test_nencho).


def test_nta_2026_example_without_income_adjustment() -> None:
    # 設例 (最後の給与の税額計算を省略しない場合, 年末調整のしかた 令和8年分): 給与 4,390,000, 徴収税額 51,845,
    # 社会保険料 641,525; 旧 一般生命保険料 50,200 (x1/4 + 25,000 = 37,550) + 新 個人年金 56,000 (x1/4 + 20,000 =
    # 34,000) = 71,550; 地震 45,000; 配偶者 (所得 0) 380,000; 一般の扶養親族 1人 380,000; 基礎控除 1,040,000.
    r = yearend.adjust(yearend.YearEndInput(
        year=2026, salary=4_390_000, withheld=51_845, social_insurance=641_525, spouse_income=0,
        dependants=(yearend.Dependant(age=40, income=0),), life_general_old=50_200, life_pension=56_000,
        earthquake=45_000))
    assert r.salary_income == 3_070_400  # ⑨ 給与所得控除後の給与等の金額
    assert r.income_adjustment == 0  # ⑩
    assert r.deductions == 2_558_075  # ㉑ 所得控除の額の合計額
    assert r.taxable == 512_000  # ㉒ 課税給与所得金額 (1,000円未満切捨て)
    assert r.computed_tax == 25_600  # ㉓ 算出所得税額 (5%)
    assert r.annual_tax == 26_100  # ㉖ 年調年税額: 25,600 x 102.1% = 26,137.6 → 26,100 (100円未満切捨て)
    assert r.difference == -25_745  # ㉗ 超過額 51,845 - 26,100


def test_nta_2026_example_with_income_adjustment() -> None:
    # 設例 (最後の給与の税額計算を省略する場合, 同 57-59頁): 給与 8,970,000, 徴収税額 156,670, 社会保険料 1,386,102;
    # 生命保険: 一般 新80,000 + 旧35,000 (令和8年分 cap 60,000 with a dependant under 23) → 60,000; 介護医療 80,000
    # → 40,000; 個人年金 新30,000 + 旧90,000 → old alone 47,500; 147,500 → 120,000. 地震 42,000 + 旧長期 14,800
    # (x1/2 + 5,000 = 12,400) → 50,000. 配偶者 (所得 500,000) 380,000; 特定親族 (所得 1,000,000) 410,000; 扶養控除等
    # 1,860,000 (一般 380,000 + 特定 630,000 + 同居老親等 580,000 + 障害者 270,000); 基礎控除 620,000 (655万超).
    r = yearend.adjust(yearend.YearEndInput(
        year=2026, salary=8_970_000, withheld=156_670, social_insurance=1_386_102, spouse_income=500_000,
        dependants=(yearend.Dependant(age=40, income=0), yearend.Dependant(age=20, income=0),
                    yearend.Dependant(age=75, income=0, lives_with=True, parent=True, disability="general"),
                    yearend.Dependant(age=20, income=1_000_000)),
        life_general=80_000, life_general_old=35_000, life_medical=80_000, life_pension=30_000,
        life_pension_old=90_000, earthquake=42_000, earthquake_old_long_term=14_800, housing_loan_credit=76_500))
    assert r.salary_income == 7_020_000  # ⑨
    assert r.income_adjustment == 47_000  # ⑩ (8,970,000 - 8,500,000) x 10%
    assert r.deductions == 4_826_102  # ㉑
    assert r.taxable == 2_146_000  # ㉒ (6,973,000 - 4,826,102 = 2,146,898 → 2,146,000)
    assert r.computed_tax == 117_100  # ㉓ 2,146,000 x 10% - 97,500
    assert r.housing_credit == 76_500  # ㉔
    assert r.annual_tax == 41_400  # ㉖ 40,600 x 102.1% = 41,452.6 → 41,400
    assert r.difference == -115_270  # ㉗ 超過額


def test_income_adjustment_examples() -> None:
    # 年末調整のしかた 令和8年分 (所得金額調整控除の計算例): 8,765,432 →
    # (8,765,432 - 8,500,000) x 10% = 26,543.2 → 26,544
    assert yearend.income_adjustment(8_765_432, True) == 26_544
    assert yearend.income_adjustment(8_500_000, True) == 0  # not over 850万
    assert yearend.income_adjustment(8_500_001, True) == 1  # 0.1 → 1 (切上げ)
    assert yearend.income_adjustment(10_000_000, True) == 150_000
    assert yearend.income_adjustment(15_000_000, True) == 150_000  # 収入 counts up to 1,000万
    assert yearend.income_adjustment(9_000_000, False) == 0


def test_income_adjustment_eligibility() -> None:
    base = {"year": 2026, "salary": 9_000_000, "withheld": 0, "social_insurance": 0}
    # a child under 16 (no 扶養控除) still makes the employee eligible: (9,000,000 - 8,500,000) x 10% = 50,000
    assert yearend.adjust(yearend.YearEndInput(**base, dependants=(yearend.Dependant(age=10, income=0),))
                          ).income_adjustment == 50_000
    # a 23-69 dependant does not
    assert yearend.adjust(yearend.YearEndInput(**base, dependants=(yearend.Dependant(age=40, income=0),))
                          ).income_adjustment == 0
    # a 特定親族 (19-22 earning over 62万) is not a 扶養親族, so does not count
    assert yearend.adjust(yearend.YearEndInput(**base, dependants=(yearend.Dependant(age=20, income=900_000),))
                          ).income_adjustment == 0
    # the employee a 特別障害者, or a 同一生計配偶者 who is one
    assert yearend.adjust(yearend.YearEndInput(**base, self_disability="special")).income_adjustment == 50_000
    assert yearend.adjust(yearend.YearEndInput(**base, spouse_income=0, spouse_disability="special")
                          ).income_adjustment == 50_000
    assert yearend.adjust(yearend.YearEndInput(**base, spouse_income=0, spouse_disability="general")
                          ).income_adjustment == 0


def test_old_contract_life_insurance_and_long_term_damage() -> None:
    # 旧: 25,000 → 25,000; 50,000 → 37,500; 100,000 → 50,000; 100,001 → 50,000
    assert yearend.life_insurance_deduction(2026, 0, 0, 0, general_old=25_000) == 25_000
    assert yearend.life_insurance_deduction(2026, 0, 0, 0, general_old=50_000) == 37_500
    assert yearend.life_insurance_deduction(2026, 0, 0, 0, general_old=150_000) == 50_000
    # new 80,000 (40,000) + old 100,000 (50,000): old alone 50,000 beats min(90,000, 40,000)
    assert yearend.life_insurance_deduction(2026, 80_000, 0, 0, general_old=100_000) == 50_000
    # 旧長期損害: 10,000 → 10,000; 20,000 → 15,000; over → 15,000; with 地震 45,000 → capped 50,000
    assert yearend.earthquake_deduction(0, 10_000) == 10_000
    assert yearend.earthquake_deduction(0, 20_000) == 15_000
    assert yearend.earthquake_deduction(45_000, 30_000) == 50_000


# --- 住民税: 退職者 (地方税法 321条の5②) -----------------------------------------------------------------

# a 特別徴収 schedule of 123,400 a year: June 10,400, July-May 10,300 (split_yearly)
SCHEDULE = {f"{y}-{m:02d}": a for (y, m), a in zip(
    [(2026, m) for m in range(6, 13)] + [(2027, m) for m in range(1, 6)],
    [10_400] + [10_300] * 11, strict=True)}


def test_remaining_months_run_to_may() -> None:
    assert resident.remaining_months(dt.date(2027, 3, 1)) == ["2027-04", "2027-05"]
    assert resident.remaining_months(dt.date(2026, 12, 1)) == ["2027-01", "2027-02", "2027-03", "2027-04",
                                                               "2027-05"]
    assert resident.remaining_months(dt.date(2027, 5, 1)) == []
    assert len(resident.remaining_months(dt.date(2026, 6, 1))) == 11


def test_leaver_between_january_and_april_pays_the_rest_at_once() -> None:
    # left 2027-02-28, final pay 2027-03-25 (March 10,300 as usual); April + May = 20,600 from that pay
    c = resident.leaver_collection(dt.date(2027, 2, 28), dt.date(2027, 3, 1), SCHEDULE, "", 200_000)
    assert (c.remaining, c.lump_sum, c.mode, c.mandatory) == (20_600, 20_600, "lump_sum", True)
    # required even if the employee would rather pay it himself
    assert resident.leaver_collection(dt.date(2027, 2, 28), dt.date(2027, 3, 1), SCHEDULE, "ordinary",
                                      200_000).lump_sum == 20_600


def test_leaver_between_january_and_april_with_too_little_pay_goes_to_ordinary_collection() -> None:
    c = resident.leaver_collection(dt.date(2027, 1, 15), dt.date(2027, 2, 1), SCHEDULE, "", 20_000)
    # March-May 30,900 > 20,000 available → 普通徴収, nothing more deducted
    assert (c.remaining, c.lump_sum, c.mode) == (30_900, 0, "ordinary")


def test_leaver_between_june_and_december_switches_to_ordinary_unless_asked() -> None:
    # left 2026-09-30, final pay 2026-10-23: November-May = 7 x 10,300 = 72,100
    c = resident.leaver_collection(dt.date(2026, 9, 30), dt.date(2026, 10, 1), SCHEDULE, "", 300_000)
    assert (c.remaining, c.lump_sum, c.mode, c.mandatory) == (72_100, 0, "ordinary", False)
    asked = resident.leaver_collection(dt.date(2026, 9, 30), dt.date(2026, 10, 1), SCHEDULE, "lump_sum", 300_000)
    assert (asked.lump_sum, asked.mode) == (72_100, "lump_sum")


def test_leaver_with_nothing_left() -> None:
    c = resident.leaver_collection(dt.date(2027, 4, 30), dt.date(2027, 5, 1), SCHEDULE, "", 300_000)
    assert (c.remaining, c.lump_sum, c.mode) == (0, 0, "none")
    with pytest.raises(Invalid):
        resident.leaver_collection(dt.date(2027, 4, 30), dt.date(2027, 5, 1), SCHEDULE, "cash", 300_000)

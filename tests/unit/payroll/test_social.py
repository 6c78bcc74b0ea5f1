"""社会保険 and 雇用保険: 協会けんぽ 令和8年度 保険料額表 rows (東京都, 大阪府) at grade boundaries with and without
介護, the 子ども・子育て支援金 from 令和8年4月分, 厚生年金 grades and the ceiling changes, the 50銭 rounding rule,
bonus caps. Figures are 額表 rows, each recomputed by hand in the comment (標準報酬月額 x 料率 ÷ 2)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from ennoshita.errors import Invalid
from ennoshita.money import Rounding, round_yen
from ennoshita.payroll import social, tables

MAY_2026 = dt.date(2026, 5, 1)  # 令和8年5月分: 支援金 in force
MARCH_2026 = dt.date(2026, 3, 1)  # 令和8年3月分: new rates, no 支援金 yet
TOKYO, OSAKA = 13, 27


def test_half_down_rounding_is_the_50_sen_rule() -> None:
    assert round_yen(Fraction(28565, 10), Rounding.HALF_DOWN) == 2_856  # 2,856.5 → 2,856 (50銭以下切捨て)
    assert round_yen(Fraction(285651, 100), Rounding.HALF_DOWN) == 2_857  # 2,856.51 → 2,857 (50銭超切上げ)


def test_all_47_prefectures_have_a_rate() -> None:
    rates = tables.in_force(tables.KYOKAI_HEALTH_RATES, MAY_2026, "x")
    assert sorted(rates) == list(range(1, 48))
    assert rates[TOKYO] == Fraction(985, 10_000)
    assert rates[OSAKA] == Fraction(1013, 10_000)
    # 全国平均 9.90%: the simple mean of the prefectures is close to it (the official average is weighted)
    assert abs(sum(rates.values()) / 47 - Fraction(99, 1000)) < Fraction(1, 1000)


@pytest.mark.parametrize(("pay", "grade", "amount"), [
    (62_999, 1, 58_000), (63_000, 2, 68_000),  # 健保 等級1 は 63,000円未満
    (289_999, 21, 280_000), (290_000, 22, 300_000),  # 等級22: 290,000以上310,000未満
    (1_354_999, 49, 1_330_000), (1_355_000, 50, 1_390_000), (9_999_999, 50, 1_390_000),
])
def test_health_grade_boundaries(pay: int, grade: int, amount: int) -> None:
    g = social.health_grade(MAY_2026, pay)
    assert (g.grade, g.amount) == (grade, amount)


@pytest.mark.parametrize(("month", "pay", "grade", "amount"), [
    (MAY_2026, 92_999, 1, 88_000), (MAY_2026, 93_000, 2, 98_000),
    (MAY_2026, 634_999, 31, 620_000), (MAY_2026, 635_000, 32, 650_000), (MAY_2026, 900_000, 32, 650_000),
    (dt.date(2027, 8, 1), 700_000, 32, 650_000),  # the ceiling is still 650,000 in August 2027
    (dt.date(2027, 9, 1), 700_000, 33, 680_000),  # 68万 from September 2027
    (dt.date(2028, 9, 1), 700_000, 34, 710_000),  # 71万 from September 2028 (695,000以上)
    (dt.date(2029, 9, 1), 800_000, 35, 750_000),  # 75万 from September 2029
])
def test_pension_grades_and_the_dated_ceiling(month: dt.date, pay: int, grade: int, amount: int) -> None:
    g = social.pension_grade(month, pay)
    assert (g.grade, g.amount) == (grade, amount)


def test_tokyo_grade_1_without_care_rounds_50_sen_down() -> None:
    # 東京都 令和8年3月分 額表 等級1 (58,000): 9.85% → 5,713.0, 折半 2,856.5 → 2,856 deducted
    p = social.monthly_premiums(MARCH_2026, TOKYO, 50_000, care=False)
    assert (p.health, p.support) == (2_856, 0)
    assert p.employer_health == 5_713 - 2_856


def test_tokyo_grade_22_with_care_and_support() -> None:
    # 300,000 x (9.85 + 1.62)% = 34,410 → 17,205 (介護あり 額表); 支援金 300,000 x 0.23% = 690 → 345;
    # combined 300,000 x 11.70% = 35,100 / 2 = 17,550 = 17,205 + 345. 厚年 300,000 x 18.3% = 54,900 → 27,450.
    p = social.monthly_premiums(MAY_2026, TOKYO, 300_000, care=True)
    assert (p.health, p.support, p.pension) == (17_205, 345, 27_450)
    assert p.care == 2_430  # 300,000 x 1.62% / 2
    assert p.employer_child_contribution == 1_080  # 300,000 x 0.36%


def test_osaka_grade_boundaries() -> None:
    # 大阪府 10.13%: 等級21 (280,000): 28,364 → 14,182; 等級22 (300,000): 30,390 → 15,195 (3月分, no 支援金)
    assert social.monthly_premiums(MARCH_2026, OSAKA, 289_999, care=False).health == 14_182
    assert social.monthly_premiums(MARCH_2026, OSAKA, 290_000, care=False).health == 15_195
    # with 介護 11.75%: 280,000 → 32,900 → 16,450; 等級1 58,000 → 6,815 → 3,407.5 → 3,407 (50銭以下切捨て)
    assert social.monthly_premiums(MARCH_2026, OSAKA, 280_000, care=True).health == 16_450
    assert social.monthly_premiums(MARCH_2026, OSAKA, 58_000, care=True).health == 3_407


def test_support_levy_starts_with_april_2026() -> None:
    assert social.kyokai_rates(MARCH_2026, TOKYO).support == 0
    assert social.kyokai_rates(dt.date(2026, 4, 1), TOKYO).support == Fraction(23, 10_000)


def test_combined_rounding_once() -> None:
    # 等級1 58,000, 東京 without care in May: (9.85 + 0.23)% = 10.08% → 5,846.4 / 2 = 2,923.2 → 2,923 once;
    # rounding separately would give 2,856 (2,856.5) + 67 (66.7) = 2,923 here too, so take 等級5 98,000:
    # combined 98,000 x 10.08% = 9,878.4 / 2 = 4,939.2 → 4,939; separately 4,826.5 → 4,826 and 112.7 → 113: 4,939.
    # 等級3 78,000: combined 7,862.4 / 2 = 3,931.2 → 3,931; separately 3,841.5 → 3,841 plus 89.7 → 90 = 3,931.
    # 等級17 200,000: combined 20,160 / 2 = 10,080; 支援金 230; 健保 line 9,850.
    p = social.monthly_premiums(MAY_2026, TOKYO, 200_000, care=False)
    assert (p.health, p.support) == (9_850, 230)
    p = social.monthly_premiums(MAY_2026, TOKYO, 98_000, care=False)
    assert p.health + p.support == 4_939


@pytest.mark.parametrize(("birth", "month", "applies"), [
    (dt.date(1986, 6, 1), dt.date(2026, 4, 1), False),
    (dt.date(1986, 6, 1), dt.date(2026, 5, 1), True),  # 40 on 2026-05-31 (the day before the birthday)
    (dt.date(1986, 6, 2), dt.date(2026, 5, 1), False),  # reaches 40 on 2026-06-01
    (dt.date(1961, 6, 2), dt.date(2026, 5, 1), True),  # 65 on 2026-06-01: the last month is May
    (dt.date(1961, 6, 2), dt.date(2026, 6, 1), False),
])
def test_care_insurance_months(birth: dt.date, month: dt.date, applies: bool) -> None:
    assert social.care_applies(birth, month) is applies


def test_bonus_standard_amount_and_caps() -> None:
    assert social.standard_bonus(1_234_567) == 1_234_000
    # 厚年: 1,500,000 per month
    assert social.bonus_basis(2_000_500, 0) == social.BonusBasis(2_000_000, 1_500_000)
    # 健保: 5,730,000 per fiscal year; 4,000,000 already counted → 1,730,000 left
    assert social.bonus_basis(2_000_500, 4_000_000) == social.BonusBasis(1_730_000, 1_500_000)
    assert social.bonus_basis(500_000, 5_730_000).health == 0


@pytest.mark.parametrize(("wages", "employee", "employer"), [
    (300_100, 1_500, 2_550),  # x5/1000 = 1,500.5 → 1,500 (50銭以下切捨て); x8.5/1000 = 2,550.85 → 2,550
    (300_102, 1_501, 2_550),  # 1,500.51 → 1,501
    (300_000, 1_500, 2_550),
])
def test_employment_insurance_fy2026_at_the_50_sen_boundary(wages: int, employee: int, employer: int) -> None:
    e = social.employment_premium(dt.date(2026, 4, 30), wages, "general")
    assert (e.employee, e.employer) == (employee, employer)


def test_employment_insurance_rates_by_business_type_and_year() -> None:
    assert social.employment_premium(dt.date(2026, 4, 30), 200_000, "construction").employee == 1_200  # 6/1000
    assert social.employment_premium(dt.date(2026, 4, 30), 200_000, "agriculture").employer == 1_900  # 9.5/1000
    assert social.employment_premium(dt.date(2026, 3, 31), 200_000, "general").employee == 1_100  # FY2025 5.5/1000
    with pytest.raises(Invalid):
        social.employment_premium(dt.date(2026, 4, 30), 200_000, "shipping")


def test_unknown_prefecture_is_refused() -> None:
    with pytest.raises(Invalid):
        social.kyokai_rates(MAY_2026, 48)


@pytest.mark.parametrize(("day", "kind", "employee", "employer"), [
    # 厚生労働省 令和7(2025)年度 雇用保険料率: 一般 5.5+9, 農林水産・清酒製造 6.5+10, 建設 6.5+11 (per 1000)
    (dt.date(2025, 4, 30), "general", 5_500, 9_000),
    (dt.date(2025, 4, 30), "agriculture", 6_500, 10_000),
    (dt.date(2025, 4, 30), "construction", 6_500, 11_000),
    # 令和8(2026)年度: 一般 5+8.5, 農林水産・清酒製造 6+9.5, 建設 6+10.5
    (dt.date(2026, 4, 30), "general", 5_000, 8_500),
    (dt.date(2026, 4, 30), "agriculture", 6_000, 9_500),
    (dt.date(2026, 4, 30), "construction", 6_000, 10_500),
])
def test_employment_insurance_rate_table_per_year_and_business(day: dt.date, kind: str, employee: int,
                                                               employer: int) -> None:
    e = social.employment_premium(day, 1_000_000, kind)  # wages of 1,000,000 show the per-1000 rates exactly
    assert (e.employee, e.employer) == (employee, employer)


def test_union_employee_shares_are_applied_not_halved() -> None:
    """A 健康保険組合 whose 規約 sets the employee share below half (健保法162条): 9.2% of which 4.2% employee,
    介護 1.8% of which 0.9%, 支援金 0.23% halved, 厚年 18.3% halved. By hand on 標準報酬月額 300,000:
    employee 300,000 × (4.2% + 0.9% + 0.115%) = 15,645; 支援金 345; care 2,700; pension 27,450;
    employer health = 300,000 × (9.2% + 1.8% + 0.23%) = 33,690 − 15,645 = 18,045."""
    rates = social.InsuranceRates(Fraction(92, 1000), Fraction(18, 1000), Fraction(23, 10000), Fraction(183, 1000),
                                  Fraction(36, 10000), health_employee=Fraction(42, 1000),
                                  care_employee=Fraction(9, 1000))
    p = social.premiums(300_000, 300_000, rates, care=True)
    assert (p.health + p.support, p.support, p.care, p.pension) == (15_645, 345, 2_700, 27_450)
    assert p.employer_health == 18_045
    # without 介護 (under 40): 300,000 × (4.2% + 0.115%) = 12,945
    q = social.premiums(300_000, 300_000, rates, care=False)
    assert q.health + q.support == 12_945
    assert q.employer_health == 15_345  # 300,000 × (9.2% + 0.23%) = 28,290 − 12,945

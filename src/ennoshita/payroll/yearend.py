"""年末調整 (year-end adjustment) for 令和8年分 (calendar 2026): the year's tax on the year's pay, compared with what
was withheld. Pure functions; the amounts per year are dated data below with their sources.

Law for 令和8年分: the 令和7年度 reform (所得税法 as amended by 令和7年法律第13号: 基礎控除 58万 with the temporary
上乗せ, 給与所得控除 minimum 65万, 特定親族特別控除) and the 令和8年度 reform (令和8年度税制改正, 令和8年法律:
基礎控除 62万 + 上乗せ 42万 for 合計所得 ≤ 489万 → 104万, 67万 up to 655万; 給与所得控除 minimum 69万 plus a
5万 special for 令和8・9年分 applied at 年末調整 → 74万; the income test for dependants and the spouse 58万 → 62万).
Sources: 国税庁 「令和7年度税制改正による所得税の基礎控除の見直し等について」
https://www.nta.go.jp/users/gensen/2025kiso/index.htm; 令和8年度税制改正の大綱 (財務省); summary with the full
基礎控除 table: https://www.tax-sos.co.jp/news_tax/1790.html; https://www.fps-net.com/knowledge/tax/2026/1_1.html.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from ennoshita.errors import Invalid
from ennoshita.money import Rounding, round_yen


@dataclass(frozen=True)
class YearLaw:
    year: int
    salary_deduction_min: int
    salary_deduction_min_upto: int  # 給与等の収入金額 up to which the minimum applies
    basic_bands: tuple[tuple[int | None, int], ...]  # (合計所得金額 up to, 基礎控除)
    dependant_income_limit: int  # 同一生計配偶者・扶養親族の合計所得金額要件
    spouse_special_upto: int  # 配偶者特別控除: spouse income up to
    general_life_cap_with_young_dependant: int  # 一般生命保険料控除 cap with a dependant under 23 (令和8年分 only)


LAW = {
    2026: YearLaw(
        year=2026,
        salary_deduction_min=740_000,
        salary_deduction_min_upto=2_200_000,  # 2,200,000 x 30% + 80,000 = 740,000
        basic_bands=((4_890_000, 1_040_000), (6_550_000, 670_000), (23_500_000, 620_000),
                     (24_000_000, 480_000), (24_500_000, 320_000), (25_000_000, 160_000), (None, 0)),
        dependant_income_limit=620_000,
        spouse_special_upto=1_330_000,
        general_life_cap_with_young_dependant=60_000,
    ),
}


def law(year: int) -> YearLaw:
    if year not in LAW:
        raise Invalid("payroll.error.no_table", field="year", table="年末調整", date=str(year))
    return LAW[year]


def salary_income(year: int, salary: int) -> int:
    """給与所得控除後の給与等の金額 (所得税法 28条 and 別表第五 for pay under 6,600,000: the pay rounded down to
    4,000 yen before the rate is applied)."""
    y = law(year)
    if salary < 0:
        raise Invalid("payroll.error.negative", field="salary")
    if salary <= y.salary_deduction_min_upto:
        return max(salary - y.salary_deduction_min, 0)
    base = salary // 4000 * 4000 if salary < 6_600_000 else salary
    if base <= 3_600_000:
        deduction = base * 30 // 100 + 80_000
    elif base <= 6_600_000:
        deduction = base * 20 // 100 + 440_000
    elif base <= 8_500_000:
        deduction = base * 10 // 100 + 1_100_000
    else:
        deduction = 1_950_000
    return max(salary - deduction if salary >= 6_600_000 else base - deduction, 0)


def basic_deduction(year: int, total_income: int) -> int:
    for upto, amount in law(year).basic_bands:
        if upto is None or total_income <= upto:
            return amount
    return 0  # pragma: no cover


def spouse_deduction(year: int, own_income: int, spouse_income: int, spouse_aged_70: bool = False) -> int:
    """配偶者控除 (spouse income ≤ the limit) or 配偶者特別控除 (above it up to 133万), by the taxpayer's income."""
    y = law(year)
    if own_income > 10_000_000 or spouse_income > y.spouse_special_upto:
        return 0
    tier = 0 if own_income <= 9_000_000 else (1 if own_income <= 9_500_000 else 2)
    if spouse_income <= y.dependant_income_limit:
        return ((480_000, 320_000, 160_000) if spouse_aged_70 else (380_000, 260_000, 130_000))[tier]
    # 配偶者特別控除 (所得税法 83条の2): spouse income bands
    bands = ((950_000, (380_000, 260_000, 130_000)), (1_000_000, (360_000, 240_000, 120_000)),
             (1_050_000, (310_000, 210_000, 110_000)), (1_100_000, (260_000, 180_000, 90_000)),
             (1_150_000, (210_000, 140_000, 70_000)), (1_200_000, (160_000, 110_000, 60_000)),
             (1_250_000, (110_000, 80_000, 40_000)), (1_300_000, (60_000, 40_000, 20_000)),
             (1_330_000, (30_000, 20_000, 10_000)))
    for upto, amounts in bands:
        if spouse_income <= upto:
            return amounts[tier]
    return 0  # pragma: no cover


@dataclass(frozen=True)
class Dependant:
    age: int  # at 31 December
    income: int  # 合計所得金額
    lives_with: bool = False  # 同居 (for 同居老親等)
    parent: bool = False
    disability: str = ""  # "", "general" (障害者), "special" (特別障害者), "special_living_with" (同居特別障害者)


DISABILITY = {"general": 270_000, "special": 400_000, "special_living_with": 750_000}


def dependant_deduction(year: int, d: Dependant) -> int:
    """扶養控除 (16 and over) or 特定親族特別控除 (19-22 with income above the limit up to 123万), plus 障害者控除."""
    y = law(year)
    amount = 0
    if d.age >= 16 and d.income <= y.dependant_income_limit:
        if 19 <= d.age <= 22:
            amount = 630_000  # 特定扶養親族
        elif d.age >= 70:
            amount = 580_000 if (d.parent and d.lives_with) else 480_000  # 同居老親等 / 老人扶養親族
        else:
            amount = 380_000
    elif 19 <= d.age <= 22 and d.income <= 1_230_000:
        # 特定親族特別控除 (所得税法 84条の2, 令和7年分から)
        for upto, value in ((850_000, 630_000), (900_000, 610_000), (950_000, 510_000), (1_000_000, 410_000),
                            (1_050_000, 310_000), (1_100_000, 210_000), (1_150_000, 110_000),
                            (1_200_000, 60_000), (1_230_000, 30_000)):
            if d.income <= upto:
                amount = value
                break
    if d.disability and d.income <= y.dependant_income_limit:
        amount += DISABILITY[d.disability]
    return amount


def _life_part(premium: int, cap: int) -> int:
    """One category of the new-contract 生命保険料控除 (所得税法 76条): cap 40,000, or 60,000 under the 令和8年分
    special for a 一般生命保険料 with a dependant under 23 (the bands scale with the cap)."""
    q = cap // 4  # 10,000 or 15,000
    if premium <= 2 * q:
        return premium
    if premium <= 4 * q:
        return round_yen(Fraction(premium, 2), Rounding.CEIL) + q
    if premium <= 8 * q:
        return round_yen(Fraction(premium, 4), Rounding.CEIL) + 2 * q
    return cap


def _old_life_part(premium: int) -> int:
    """One category of the old-contract (平成23年12月31日以前の契約) 生命保険料控除: full up to 25,000; x1/2 + 12,500 up
    to 50,000; x1/4 + 25,000 up to 100,000; 50,000 above (1円未満切上げ)."""
    if premium <= 25_000:
        return max(premium, 0)
    if premium <= 50_000:
        return round_yen(Fraction(premium, 2), Rounding.CEIL) + 12_500
    if premium <= 100_000:
        return round_yen(Fraction(premium, 4), Rounding.CEIL) + 25_000
    return 50_000


def _category(new: int, old: int, cap: int) -> int:
    """A category with new and old contracts (所得税法 76条①三・④三): the larger of the old-contract amount alone and
    new + old up to the category cap (40,000; 60,000 for 一般 under the 令和8年分 special)."""
    new_part = _life_part(new, cap) if new else 0
    old_part = _old_life_part(old) if old else 0
    if not old:
        return new_part
    return max(old_part, min(new_part + old_part, cap))


def life_insurance_deduction(year: int, general: int, medical: int, pension: int,
                             young_dependant: bool = False, *, general_old: int = 0, pension_old: int = 0) -> int:
    y = law(year)
    general_cap = y.general_life_cap_with_young_dependant if young_dependant else 40_000
    total = (_category(general, general_old, general_cap) + _life_part(medical, 40_000)
             + _category(pension, pension_old, 40_000))
    return min(total, 120_000)


def earthquake_deduction(premium: int, old_long_term: int = 0) -> int:
    """地震保険料控除 (所得税法 77条): the premium up to 50,000, plus the 旧長期損害保険料 (平成18年改正法附則10条:
    full up to 10,000, x1/2 + 5,000 up to 20,000, 15,000 above; 1円未満切上げ), 50,000 in all."""
    old = max(old_long_term, 0)
    if old > 20_000:
        old_part = 15_000
    elif old > 10_000:
        old_part = round_yen(Fraction(old, 2), Rounding.CEIL) + 5_000
    else:
        old_part = old
    return min(min(max(premium, 0), 50_000) + old_part, 50_000)


INCOME_ADJUSTMENT_FLOOR = 8_500_000  # 所得金額調整控除 (措法41条の3の11①): 給与等の収入金額 over 850万
INCOME_ADJUSTMENT_CEILING = 10_000_000  # the 収入金額 counts up to 1,000万 (so at most 150,000)


def income_adjustment(salary: int, eligible: bool) -> int:
    """所得金額調整控除 (子ども・特別障害者等を有する者等, 租税特別措置法 41条の3の11①): when the 給与等の収入金額 is
    over 8,500,000 and the employee is a 特別障害者, or has a 扶養親族 under 23, or a 同一生計配偶者 or 扶養親族
    who is a 特別障害者: (min(収入, 10,000,000) - 8,500,000) x 10%, 1円未満切上げ.
    NTA 年末調整のしかた (令和8年分) example: 8,765,432 → 26,544."""
    if not eligible or salary <= INCOME_ADJUSTMENT_FLOOR:
        return 0
    return round_yen(Fraction(min(salary, INCOME_ADJUSTMENT_CEILING) - INCOME_ADJUSTMENT_FLOOR, 10), Rounding.CEIL)


def income_tax(taxable: int) -> int:
    """所得税の速算表 (所得税法 89条) on 課税給与所得金額 (already rounded down to 1,000 yen)."""
    for upto, rate, minus in ((1_949_000, 5, 0), (3_299_000, 10, 97_500), (6_949_000, 20, 427_500),
                              (8_999_000, 23, 636_000), (17_999_000, 33, 1_536_000),
                              (39_999_000, 40, 2_796_000)):
        if taxable <= upto:
            return taxable * rate // 100 - minus
    return taxable * 45 // 100 - 4_796_000


@dataclass(frozen=True)
class YearEndInput:
    year: int
    salary: int  # 給与・賞与 of the year (課税分)
    withheld: int  # 源泉徴収税額 of the year
    social_insurance: int  # 社会保険料控除 (withheld from pay plus declared)
    small_business_mutual_aid: int = 0  # 小規模企業共済等掛金控除
    spouse_income: int | None = None
    spouse_aged_70: bool = False
    dependants: Sequence[Dependant] = field(default_factory=tuple)
    self_disability: str = ""
    widow: bool = False
    single_parent: bool = False
    working_student: bool = False
    life_general: int = 0
    life_medical: int = 0
    life_pension: int = 0
    earthquake: int = 0
    housing_loan_credit: int = 0  # (特定増改築等)住宅借入金等特別控除額 from the employee's 申告書
    life_general_old: int = 0  # 旧生命保険料 (contracts up to 2011-12-31)
    life_pension_old: int = 0  # 旧個人年金保険料
    earthquake_old_long_term: int = 0  # 旧長期損害保険料
    spouse_disability: str = ""  # 同一生計配偶者の障害: "", "general", "special", "special_living_with"


@dataclass(frozen=True)
class YearEndResult:
    salary_income: int  # 給与所得控除後の給与等の金額
    income_adjustment: int  # 所得金額調整控除 (taken from salary_income before the 所得控除)
    deductions: int  # 所得控除の額の合計額
    taxable: int  # 課税給与所得金額 (1,000円未満切捨て)
    computed_tax: int  # 算出所得税額
    housing_credit: int
    annual_tax: int  # 年調年税額 (with 2.1%, 100円未満切捨て)
    difference: int  # positive: to collect; negative: to refund (超過額)


def adjust(cmd: YearEndInput) -> YearEndResult:
    y = law(cmd.year)
    salary_income_ = salary_income(cmd.year, cmd.salary)
    # 扶養親族 are those within the income limit (a 特定親族 above it is not one); 年少 (under 16) count here.
    dependants = [d for d in cmd.dependants if d.income <= y.dependant_income_limit]
    spouse_shares_living = cmd.spouse_income is not None and cmd.spouse_income <= y.dependant_income_limit
    eligible = (cmd.self_disability in ("special", "special_living_with")
                or any(d.age < 23 for d in dependants)
                or any(d.disability in ("special", "special_living_with") for d in dependants)
                or (spouse_shares_living and cmd.spouse_disability in ("special", "special_living_with")))
    adjustment = min(income_adjustment(cmd.salary, eligible), salary_income_)
    income = salary_income_ - adjustment  # 合計所得金額 when the pay is the only income
    deductions = cmd.social_insurance + cmd.small_business_mutual_aid
    deductions += life_insurance_deduction(cmd.year, cmd.life_general, cmd.life_medical, cmd.life_pension,
                                           young_dependant=any(d.age < 23 for d in dependants),
                                           general_old=cmd.life_general_old, pension_old=cmd.life_pension_old)
    deductions += earthquake_deduction(cmd.earthquake, cmd.earthquake_old_long_term)
    if cmd.spouse_income is not None:
        deductions += spouse_deduction(cmd.year, income, cmd.spouse_income, cmd.spouse_aged_70)
        if spouse_shares_living and cmd.spouse_disability:
            deductions += DISABILITY[cmd.spouse_disability]  # 障害者控除 for the 同一生計配偶者 (所得税法 79条)
    deductions += sum(dependant_deduction(cmd.year, d) for d in cmd.dependants)
    if cmd.self_disability:
        deductions += DISABILITY[cmd.self_disability] if cmd.self_disability != "special_living_with" else 400_000
    if cmd.single_parent:
        deductions += 350_000
    elif cmd.widow:
        deductions += 270_000
    if cmd.working_student:
        deductions += 270_000
    deductions += basic_deduction(cmd.year, income)
    taxable = max(income - deductions, 0) // 1000 * 1000
    computed = income_tax(taxable)
    credit = min(cmd.housing_loan_credit, computed)
    annual = (computed - credit) * 1021 // 1000 // 100 * 100
    return YearEndResult(salary_income_, adjustment, deductions, taxable, computed, credit, annual,
                         annual - cmd.withheld)

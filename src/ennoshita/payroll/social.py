"""社会保険 and 雇用保険: grades, employee and employer shares, bonuses. Pure functions over the dated tables.

Rounding of the employee share deducted from pay (健康保険法施行規則 / 通貨の単位及び貨幣の発行等に関する法律 3条):
50銭以下切捨て, 50銭超切上げ (``Rounding.HALF_DOWN``) unless a company 特約 says otherwise. 健康保険 (with 介護 for
ages 40-64) and 子ども・子育て支援金 are computed together, halved, and rounded once (MHLW Q&A 2026-02-12); the
payslip shows the 支援金 part on its own line as its own rounded half, and 健康保険 as the remainder, so the two
lines always add up to the once-rounded total. The employer's share is the premium minus the employee's share.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from ennoshita.errors import Invalid
from ennoshita.money import Rounding, round_yen
from ennoshita.payroll import tables


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def grade_for(grades: tuple[tables.Grade, ...], remuneration: int) -> tables.Grade:
    """The 標準報酬月額 grade for a 報酬月額 (each grade from its lower bound, inclusive)."""
    if remuneration < 0:
        raise Invalid("payroll.error.negative", field="pay")
    index = bisect.bisect_right([g.lower for g in grades], remuneration) - 1
    return grades[max(index, 0)]


def health_grades(month: dt.date) -> tuple[tables.Grade, ...]:
    return tables.in_force(tables.HEALTH_GRADES, month_start(month), "健康保険 標準報酬月額")


def pension_grades(month: dt.date) -> tuple[tables.Grade, ...]:
    return tables.in_force(tables.PENSION_GRADES, month_start(month), "厚生年金 標準報酬月額")


def health_grade(month: dt.date, remuneration: int) -> tables.Grade:
    return grade_for(health_grades(month), remuneration)


def pension_grade(month: dt.date, remuneration: int) -> tables.Grade:
    return grade_for(pension_grades(month), remuneration)


def care_applies(birth_date: dt.date, month: dt.date) -> bool:
    """介護保険 第2号被保険者 for ``month``: from the month that contains the day before the 40th birthday to the
    month before the one that contains the day before the 65th birthday (年齢計算ニ関スル法律: one reaches an age
    on the day before the birthday)."""
    def reached(age: int) -> dt.date:
        try:
            birthday = birth_date.replace(year=birth_date.year + age)
        except ValueError:  # 29 February
            birthday = dt.date(birth_date.year + age, 3, 1)
        return month_start(birthday - dt.timedelta(days=1))

    start = month_start(month)
    return reached(40) <= start < reached(65)


def care_applies_at_age(age: int) -> bool:
    return 40 <= age <= 64


@dataclass(frozen=True)
class InsuranceRates:
    health: Fraction  # 一般保険料率 (協会けんぽ 都道府県単位, or a 組合's own)
    care: Fraction
    support: Fraction  # 子ども・子育て支援金率
    pension: Fraction
    child_contribution: Fraction  # employer only
    # a 健康保険組合's own employee shares (規約で定める負担割合, 健保法162条); None = 折半
    health_employee: Fraction | None = None
    care_employee: Fraction | None = None


def kyokai_rates(month: dt.date, prefecture: int) -> InsuranceRates:
    """協会けんぽ rates for the premium month (月分) in a prefecture (JIS code 1-47)."""
    tables.prefecture_name(prefecture)
    m = month_start(month)
    health = tables.in_force(tables.KYOKAI_HEALTH_RATES, m, "協会けんぽ 保険料率")[prefecture]
    return InsuranceRates(
        health=health,
        care=tables.in_force(tables.CARE_RATES, m, "介護保険料率"),
        support=tables.in_force(tables.SUPPORT_RATES, m, "子ども・子育て支援金率"),
        pension=tables.in_force(tables.PENSION_RATES, m, "厚生年金保険料率"),
        child_contribution=tables.in_force(tables.CHILD_CONTRIBUTION_RATES, m, "子ども・子育て拠出金率"),
    )


@dataclass(frozen=True)
class Premiums:
    """One month's (or one bonus's) social insurance for one employee."""

    health_basis: int  # 標準報酬月額 or 標準賞与額 for 健康保険
    pension_basis: int
    health: int  # employee share of 健康保険 (with 介護 when it applies), without the 支援金
    care: int  # the 介護 part of ``health`` shown for information (already inside ``health``)
    support: int  # employee share of the 子ども・子育て支援金
    pension: int
    employer_health: int  # employer share of 健康保険 + 介護 + 支援金
    employer_pension: int
    employer_child_contribution: int

    @property
    def employee_total(self) -> int:
        return self.health + self.support + self.pension

    @property
    def employer_total(self) -> int:
        return self.employer_health + self.employer_pension + self.employer_child_contribution


def premiums(
    health_basis: int,
    pension_basis: int,
    rates: InsuranceRates,
    *,
    care: bool,
    health_member: bool = True,
    pension_member: bool = True,
    rounding: Rounding = Rounding.HALF_DOWN,
) -> Premiums:
    """Employee and employer shares on a 標準報酬月額 (or 標準賞与額)."""
    h_rate = rates.health + (rates.care if care else 0) + rates.support
    if not health_member:
        health_basis, h_rate = 0, Fraction(0)
    h_total = Fraction(health_basis) * h_rate
    if rates.health_employee is None:
        h_employee = round_yen(h_total / 2, rounding)
    else:  # the 組合's employee share, then half the 支援金, rounded once (as for 折半)
        share = rates.health_employee + ((rates.care_employee or rates.care / 2) if care else 0) + rates.support / 2
        h_employee = round_yen(Fraction(health_basis) * share, rounding) if health_member else 0
    support = round_yen(Fraction(health_basis) * rates.support / 2, rounding) if health_member else 0
    care_share = rates.care / 2 if rates.care_employee is None else rates.care_employee
    care_part = round_yen(Fraction(health_basis) * care_share, rounding) if care and health_member else 0
    if not pension_member:
        pension_basis = 0
    p_total = Fraction(pension_basis) * rates.pension
    p_employee = round_yen(p_total / 2, rounding)
    return Premiums(
        health_basis=health_basis,
        pension_basis=pension_basis,
        health=h_employee - support,
        care=care_part,
        support=support,
        pension=p_employee,
        employer_health=round_yen(h_total, Rounding.FLOOR) - h_employee,
        employer_pension=round_yen(p_total, Rounding.FLOOR) - p_employee,
        employer_child_contribution=round_yen(pension_basis * rates.child_contribution, Rounding.FLOOR),
    )


def monthly_premiums(month: dt.date, prefecture: int, remuneration: int, *, care: bool) -> Premiums:
    """協会けんぽ premiums for a 報酬月額 (grade looked up in the tables of the premium month)."""
    rates = kyokai_rates(month, prefecture)
    return premiums(health_grade(month, remuneration).amount, pension_grade(month, remuneration).amount,
                    rates, care=care)


# --- bonuses ---------------------------------------------------------------------------------------


def standard_bonus(amount: int) -> int:
    """標準賞与額: the bonus with amounts under 1,000 yen dropped (健保法 45条, 厚年法 24条の4)."""
    if amount < 0:
        raise Invalid("payroll.error.negative", field="bonus")
    return amount // 1000 * 1000


@dataclass(frozen=True)
class BonusBasis:
    health: int
    pension: int


def bonus_basis(amount: int, health_so_far_this_fiscal_year: int, pension_so_far_this_month: int = 0) -> BonusBasis:
    """標準賞与額 after the caps: 健康保険 5,730,000 yen per fiscal year (April-March, counting earlier bonuses of
    the year), 厚生年金 1,500,000 yen per month (counting earlier bonuses paid in the same month)."""
    standard = standard_bonus(amount)
    health = max(0, min(standard, tables.HEALTH_BONUS_CAP_PER_YEAR - health_so_far_this_fiscal_year))
    pension = max(0, min(standard, tables.PENSION_BONUS_CAP_PER_MONTH - pension_so_far_this_month))
    return BonusBasis(health, pension)


# --- 雇用保険 -------------------------------------------------------------------------------------


def employment_rates(day: dt.date, business_type: str) -> tables.EmploymentRates:
    if business_type not in tables.EMPLOYMENT_BUSINESS_TYPES:
        raise Invalid("payroll.error.business_type", field="business_type", value=business_type)
    return tables.in_force(tables.EMPLOYMENT_RATES, day, "雇用保険料率")[business_type]


@dataclass(frozen=True)
class EmploymentPremium:
    employee: int
    employer: int


def employment_premium(
    day: dt.date, wages: int, business_type: str = "general", rounding: Rounding = Rounding.HALF_DOWN
) -> EmploymentPremium:
    """雇用保険料 on the wages actually paid (commuting allowance included; no grades). ``day`` is the 締日 of the
    wage period: the new fiscal year's rate applies to wages whose 締日 is on or after 1 April."""
    if wages < 0:
        raise Invalid("payroll.error.negative", field="pay")
    rates = employment_rates(day, business_type)
    return EmploymentPremium(
        employee=round_yen(wages * rates.employee, rounding),
        employer=round_yen(wages * rates.employer, Rounding.FLOOR),
    )

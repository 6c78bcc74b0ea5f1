"""One employee's payslip figures from plain values: pay setup, the closed attendance month, the rates.

Order of the calculation (as on a Japanese 給与明細): earnings (基本給, 手当, 通勤手当, 割増賃金, minus 欠勤控除) →
総支給額; 社会保険料 on the 標準報酬月額 (for the premium month), 雇用保険料 on the wages actually paid; 課税対象額 =
総支給額 - 非課税 (通勤手当 up to its limit and non-taxable allowances) - 社会保険料等; 源泉所得税 on it; 住民税 as
stored for the pay month; 差引支給額. Bonuses: 標準賞与額 with the caps, the 算出率 of the previous month's pay.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from ennoshita.errors import Invalid
from ennoshita.money import Rounding, round_yen
from ennoshita.payroll import social, tables, withholding

OVERTIME = Fraction(125, 100)  # 時間外 25%
OVERTIME_OVER60 = Fraction(150, 100)  # 60時間超 50%
HOLIDAY = Fraction(135, 100)  # 法定休日 35%
NIGHT = Fraction(25, 100)  # 深夜 +25%


@dataclass(frozen=True)
class Allowance:
    name: str
    amount: int
    taxable: bool = True
    social: bool = True
    overtime_base: bool = True


@dataclass(frozen=True)
class Attendance:
    scheduled_days: int = 0
    worked_days: int = 0
    absence_days: int = 0
    actual_minutes: int = 0
    overtime_minutes: int = 0  # 法定時間外 in total (the part over 60h is inside it)
    overtime_over60_minutes: int = 0
    legal_holiday_minutes: int = 0
    night_minutes: int = 0


@dataclass(frozen=True)
class Setup:
    pay_type: str  # monthly / daily / hourly
    base_amount: int
    allowances: Sequence[Allowance] = ()
    commute: int = 0
    commute_limit: int = 150_000
    otsu: bool = False
    dependents: int = 0
    health_member: bool = True
    pension_member: bool = True
    care: bool = False
    standard_remuneration: int = 0  # 報酬月額 that fixes the 標準報酬月額
    employment_insured: bool = True
    employment_business_type: str = "general"


@dataclass(frozen=True)
class Line:
    code: str
    label: str
    amount: int


@dataclass(frozen=True)
class SlipFigures:
    earnings: tuple[Line, ...]
    gross: int
    nontaxable: int
    premiums: social.Premiums | None
    employment: social.EmploymentPremium
    taxable_after_insurance: int
    income_tax: int
    resident_tax: int
    deductions: tuple[Line, ...] = field(default_factory=tuple)

    @property
    def social_total(self) -> int:
        return (self.premiums.employee_total if self.premiums else 0) + self.employment.employee

    @property
    def deduction_total(self) -> int:
        return sum(x.amount for x in self.deductions)

    @property
    def net(self) -> int:
        return self.gross - self.deduction_total


def commute_limit(day: dt.date, means: str, distance_km: Fraction | None, override: int | None = None) -> int:
    """The monthly non-taxable limit of a 通勤手当 due on ``day`` (所得税法施行令 20条の2): 交通機関 up to 150,000;
    交通用具 by the one-way distance band (under 2 km: 0). ``override`` (the pay setup's own limit) can only
    lower it."""
    limits = tables.in_force(tables.COMMUTE_LIMITS, day, "通勤手当の非課税限度額")
    if means == "vehicle":
        if distance_km is None or distance_km < 0:
            raise Invalid("payroll.error.commute_distance", field="commute_distance")
        amount = 0
        for since, value in limits.vehicle:
            if distance_km >= since:
                amount = value
    elif means == "transit":
        amount = limits.transit
    else:
        raise Invalid("payroll.error.commute_means", field="commute_means", value=means)
    return amount if override is None else min(amount, override)


def hourly_base(setup: Setup, monthly_hours: int) -> Fraction:
    """割増賃金の基礎となる1時間当たりの賃金 (労基則 19条): monthly pay (base + overtime-base allowances) ÷ the
    average monthly scheduled hours; daily pay ÷ 8; hourly pay itself."""
    extra = sum(a.amount for a in setup.allowances if a.overtime_base)
    if setup.pay_type == "hourly":
        return Fraction(setup.base_amount)
    if setup.pay_type == "daily":
        return Fraction(setup.base_amount, 8) + Fraction(extra, monthly_hours)
    return Fraction(setup.base_amount + extra, monthly_hours)


def earnings(setup: Setup, att: Attendance, monthly_hours: int) -> tuple[list[Line], int]:
    """Earnings lines and the non-taxable part. Each 割増 class is rounded once (円未満四捨五入)."""
    lines: list[Line] = []
    if setup.pay_type == "monthly":
        lines.append(Line("base", "基本給", setup.base_amount))
        if att.absence_days and att.scheduled_days:
            lines.append(Line("absence", "欠勤控除", -round_yen(
                Fraction(setup.base_amount * att.absence_days, att.scheduled_days), Rounding.HALF_UP)))
    elif setup.pay_type == "daily":
        lines.append(Line("base", "基本給", setup.base_amount * att.worked_days))
    else:
        lines.append(Line("base", "基本給", round_yen(Fraction(setup.base_amount * att.actual_minutes, 60),
                                                    Rounding.HALF_UP)))
    nontaxable = 0
    for a in setup.allowances:
        lines.append(Line("allowance", a.name, a.amount))
        if not a.taxable:
            nontaxable += a.amount
    hourly = hourly_base(setup, monthly_hours)
    regular_ot = att.overtime_minutes - att.overtime_over60_minutes
    for code, label, minutes, factor in (
        ("overtime", "時間外手当", regular_ot, OVERTIME), ("overtime60", "時間外手当(60時間超)",
                                                       att.overtime_over60_minutes, OVERTIME_OVER60),
        ("holiday", "休日手当", att.legal_holiday_minutes, HOLIDAY), ("night", "深夜手当", att.night_minutes, NIGHT),
    ):
        if minutes > 0:
            lines.append(Line(code, label, round_yen(hourly * factor * minutes / 60, Rounding.HALF_UP)))
    if setup.commute:
        lines.append(Line("commute", "通勤手当", setup.commute))
        nontaxable += min(setup.commute, setup.commute_limit)
    return lines, nontaxable


def monthly_slip(
    setup: Setup,
    att: Attendance,
    *,
    pay_date: dt.date,
    period_end: dt.date,
    premium_month: dt.date | None,
    rates: social.InsuranceRates | None,
    resident_tax: int,
    monthly_hours: int,
    method: withholding.Method = withholding.Method.COMPUTER,
) -> SlipFigures:
    lines, nontaxable = earnings(setup, att, monthly_hours)
    gross = sum(x.amount for x in lines)
    prem: social.Premiums | None = None
    if premium_month is not None and rates is not None and (setup.health_member or setup.pension_member):
        prem = social.premiums(social.health_grade(premium_month, setup.standard_remuneration).amount,
                               social.pension_grade(premium_month, setup.standard_remuneration).amount,
                               rates, care=setup.care, health_member=setup.health_member,
                               pension_member=setup.pension_member)
    emp = (social.employment_premium(period_end, gross, setup.employment_business_type)
           if setup.employment_insured else social.EmploymentPremium(0, 0))
    return _finish(lines, gross, nontaxable, prem, emp, resident_tax,
                   lambda taxable: withholding.monthly_tax(withholding.WithholdingInput(
                       pay_date, taxable, setup.dependents, setup.otsu, method)))


def bonus_slip(
    setup: Setup,
    amount: int,
    *,
    pay_date: dt.date,
    rates: social.InsuranceRates | None,
    health_bonus_so_far: int,
    previous_pay_after_insurance: int | None,
    method: withholding.Method = withholding.Method.COMPUTER,
) -> SlipFigures:
    lines = [Line("bonus", "賞与", amount)]
    basis = social.bonus_basis(amount, health_bonus_so_far)
    prem = None
    if rates is not None and (setup.health_member or setup.pension_member):
        prem = social.premiums(basis.health, basis.pension, rates, care=setup.care,
                               health_member=setup.health_member, pension_member=setup.pension_member)
    emp = (social.employment_premium(pay_date, amount, setup.employment_business_type)
           if setup.employment_insured else social.EmploymentPremium(0, 0))
    return _finish(lines, amount, 0, prem, emp, 0, lambda taxable: withholding.bonus_tax(
        pay_date, taxable, previous_pay_after_insurance, setup.dependents, otsu=setup.otsu, method=method))


def _finish(lines: list[Line], gross: int, nontaxable: int, prem: social.Premiums | None,
            emp: social.EmploymentPremium, resident_tax: int, tax_of: Callable[[int], int]) -> SlipFigures:
    social_total = (prem.employee_total if prem else 0) + emp.employee
    taxable = max(gross - nontaxable - social_total, 0)
    income_tax = tax_of(taxable)
    deductions: list[Line] = []
    if prem is not None:
        deductions += [Line("health", "健康保険料", prem.health)]
        if prem.support:
            deductions.append(Line("support", "子ども・子育て支援金", prem.support))
        deductions.append(Line("pension", "厚生年金保険料", prem.pension))
    deductions += [Line("employment", "雇用保険料", emp.employee), Line("income_tax", "所得税", income_tax),
                   Line("resident_tax", "住民税", resident_tax)]
    return SlipFigures(tuple(lines), gross, nontaxable, prem, emp, taxable, income_tax, resident_tax,
                       tuple(deductions))

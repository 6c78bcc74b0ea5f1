"""源泉所得税 on monthly pay and on bonuses: pure functions over the dated tables.

Two lawful methods for 甲欄 monthly pay: the 電算機計算の特例 (a formula, 財務省告示) and the 月額表 (所得税法
別表第二). They differ by a few tens of yen (the table is computed at each band's midpoint); the difference is
settled at 年末調整, and a company keeps one method for the year. 乙欄 (no 扶養控除等申告書) always uses the table.
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum
from dataclasses import dataclass
from fractions import Fraction

from ennoshita.errors import Invalid
from ennoshita.money import Rounding, round_yen
from ennoshita.payroll import tables

EXTRA_DEPENDENT_TABLE_REDUCTION = 1_610  # 月額表: each 扶養親族等 beyond 7 lowers the 甲欄 tax by 1,610 yen


class Method(enum.StrEnum):
    COMPUTER = "computer"  # 電算機計算の特例
    TABLE = "table"  # 月額表


def _check(pay: int, dependents: int) -> None:
    if pay < 0:
        raise Invalid("payroll.error.negative", field="pay")
    if dependents < 0:
        raise Invalid("payroll.error.negative", field="dependents")


def computer_method_tax(day: dt.date, pay_after_insurance: int, dependents: int) -> int:
    """甲欄 monthly tax by the 電算機計算の特例 in force on the pay date ``day``.

    A = pay after social insurance; B = A - 給与所得控除 (円未満切上げ) - 31,667 x n - 基礎控除;
    tax = B x rate - subtraction, rounded to the nearest 10 yen (10円未満四捨五入); 0 when B <= 0."""
    _check(pay_after_insurance, dependents)
    m = tables.in_force(tables.COMPUTER_METHOD, day, "電算機計算の特例")
    a = pay_after_insurance
    if a <= m.salary_deduction_floor_upto:
        salary_deduction = m.salary_deduction_floor
    else:
        salary_deduction = m.salary_deduction_max
        for upto, rate, add in m.salary_deduction_bands:
            if a <= upto:
                salary_deduction = round_yen(a * rate, Rounding.CEIL) + add
                break
    basic = 0
    for limit, amount in m.basic_bands:
        if limit is None or a <= limit:
            basic = amount
            break
    b = a - salary_deduction - m.per_dependent * dependents - basic
    if b <= 0:
        return 0
    for upto_b, tax_rate, minus in m.tax_bands:
        if upto_b is None or b <= upto_b:
            raw = b * tax_rate - minus
            return max(0, round_yen(raw / 10, Rounding.HALF_UP) * 10)
    raise AssertionError("unreachable")  # pragma: no cover


def _row(rows: tuple[tables.MonthlyRow, ...], amount: int) -> tables.MonthlyRow:
    index = bisect.bisect_right([r.lower for r in rows], amount) - 1
    return rows[max(index, 0)]


def table_method_tax(day: dt.date, pay_after_insurance: int, dependents: int) -> int:
    """甲欄 monthly tax read from the 月額表 of the pay date's year."""
    _check(pay_after_insurance, dependents)
    row = _row(tables.monthly_kou_table(day.year), pay_after_insurance)
    base = row.amounts[min(dependents, 7)]
    if row.rate is not None:
        base += round_yen((pay_after_insurance - row.lower) * row.rate, Rounding.FLOOR)
    if dependents > 7:
        base -= EXTRA_DEPENDENT_TABLE_REDUCTION * (dependents - 7)
    return max(base, 0)


def otsu_tax(day: dt.date, pay_after_insurance: int, secondary_dependents: int = 0) -> int:
    """乙欄 monthly tax from the 月額表; a 従たる給与についての扶養控除等申告書 lowers it by 1,610 per person."""
    _check(pay_after_insurance, secondary_dependents)
    row = _row(tables.monthly_otsu_table(day.year), pay_after_insurance)
    tax = row.amounts[0]
    if row.rate is not None:
        tax += round_yen((pay_after_insurance - row.lower) * row.rate, Rounding.FLOOR)
    return max(tax - EXTRA_DEPENDENT_TABLE_REDUCTION * secondary_dependents, 0)


@dataclass(frozen=True)
class WithholdingInput:
    pay_date: dt.date
    pay_after_insurance: int
    dependents: int
    otsu: bool = False
    method: Method = Method.COMPUTER


def monthly_tax(cmd: WithholdingInput) -> int:
    if cmd.otsu:
        return otsu_tax(cmd.pay_date, cmd.pay_after_insurance)
    if cmd.method is Method.TABLE:
        return table_method_tax(cmd.pay_date, cmd.pay_after_insurance, cmd.dependents)
    return computer_method_tax(cmd.pay_date, cmd.pay_after_insurance, cmd.dependents)


def bonus_rate(day: dt.date, previous_pay_after_insurance: int, dependents: int, otsu: bool = False) -> Fraction:
    """The rate of the 賞与に対する源泉徴収税額の算出率の表 for the previous month's pay after social insurance."""
    table = tables.bonus_rate_table(day.year)
    if otsu:
        rate = table.otsu[0][1]
        for lower, r in table.otsu:
            if previous_pay_after_insurance >= lower:
                rate = r
        return rate
    lowers = table.kou_lowers[min(dependents, 7)]
    index = bisect.bisect_right(list(lowers), previous_pay_after_insurance) - 1
    return table.rates[max(index, 0)]


def bonus_tax(
    day: dt.date,
    bonus_after_insurance: int,
    previous_pay_after_insurance: int | None,
    dependents: int,
    *,
    otsu: bool = False,
    method: Method = Method.COMPUTER,
    period_months: int = 6,
) -> int:
    """源泉 on a bonus (所得税法 186条).

    Normally: bonus after social insurance x the 算出率 for the previous month's pay (円未満切捨て). When there was no
    pay in the previous month, or the bonus exceeds ten times the previous month's pay, the 月額表 is used instead:
    (bonus / 6 (12 when the bonus covers more than six months) + previous pay) → monthly tax, minus the previous
    month's tax, times 6 (or 12)."""
    _check(bonus_after_insurance, dependents)
    previous = previous_pay_after_insurance or 0
    if previous > 0 and bonus_after_insurance <= previous * 10:
        rate = bonus_rate(day, previous, dependents, otsu)
        return round_yen(bonus_after_insurance * rate, Rounding.FLOOR)
    divisor = 12 if period_months > 6 else 6
    share = bonus_after_insurance // divisor

    def tax_on(amount: int) -> int:
        return monthly_tax(WithholdingInput(day, amount, dependents, otsu, method))

    return max(tax_on(share + previous) - tax_on(previous), 0) * divisor

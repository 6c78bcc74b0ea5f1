"""標準報酬 revisions: 算定基礎届 (定時決定) and 月額変更届 (随時改定) detection.

定時決定 (健保法 41条, 厚年法 21条): the 報酬 paid in April, May and June, counting only months with at least 17
支払基礎日数 (11 for short-time workers at a 特定適用事業所), averaged (円未満切捨て) and mapped to a grade that
applies from September to the next August.

随時改定 (健保法 43条, 厚年法 23条): after a change in fixed wages, when all three months from the month of the change
have at least 17 days (11 for short-time workers) and their average is 2 grades or more away from the current grade
in the same direction as the fixed-wage change, the new grade applies from the fourth month.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ennoshita.payroll import social

FULL_DAYS = 17
SHORT_TIME_DAYS = 11


@dataclass(frozen=True)
class MonthPay:
    month: dt.date  # the month in which the pay was paid
    remuneration: int  # 報酬 (fixed + variable wages, commuting allowance included)
    days: int  # 支払基礎日数


@dataclass(frozen=True)
class Revision:
    kind: str  # "teiji" (算定基礎届) or "zuiji" (月額変更届)
    average: int
    health_grade: int
    health_amount: int
    pension_grade: int
    pension_amount: int
    applies_from: dt.date


def _threshold(short_time: bool) -> int:
    return SHORT_TIME_DAYS if short_time else FULL_DAYS


def teiji(year: int, months: Sequence[MonthPay], *, short_time: bool = False) -> Revision | None:
    """定時決定 from the April-June pay; None when no month qualifies (the 保険者算定 case: keep the grade)."""
    counted = [m for m in months if m.month.year == year and m.month.month in (4, 5, 6)
               and m.days >= _threshold(short_time)]
    if not counted:
        return None
    average = sum(m.remuneration for m in counted) // len(counted)
    applies = dt.date(year, 9, 1)
    h = social.health_grade(applies, average)
    p = social.pension_grade(applies, average)
    return Revision("teiji", average, h.grade, h.amount, p.grade, p.amount, applies)


def zuiji(
    current_health_grade: int,
    months: Sequence[MonthPay],
    fixed_wage_direction: int,
    *,
    short_time: bool = False,
) -> Revision | None:
    """月額変更 after a fixed-wage change: ``months`` are the three months from the month of the change;
    ``fixed_wage_direction`` is +1 for a rise in fixed wages, -1 for a fall. None when it does not apply."""
    if len(months) != 3 or fixed_wage_direction not in (1, -1):
        return None
    if any(m.days < _threshold(short_time) for m in months):
        return None
    average = sum(m.remuneration for m in months) // 3
    first = min(m.month for m in months)
    applies = dt.date(first.year + (first.month + 2) // 12, (first.month + 2) % 12 + 1, 1)
    h = social.health_grade(applies, average)
    difference = h.grade - current_health_grade
    if difference * fixed_wage_direction < 2:
        return None
    p = social.pension_grade(applies, average)
    return Revision("zuiji", average, h.grade, h.amount, p.grade, p.amount, applies)

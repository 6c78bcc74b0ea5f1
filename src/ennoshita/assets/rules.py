"""Depreciation rules as pure functions: which method applies, the yearly schedule, the monthly split, the
small-asset treatments and the gain or loss on disposal. No session, no I/O.

- 定額法: 取得価額 × 償却率 (別表第八) a year.
- 定率法: 期首帳簿価額 × 償却率 until that 調整前償却額 falls below the 償却保証額 (取得価額 × 保証率); from that
  year on 改定取得価額 (that year's 期首帳簿価額) × 改定償却率 (法令48条の2). 200% (別表第十) for acquisitions from
  2012-04-01, 250% (別表第九) for 2007-04-01..2012-03-31; an asset keeps its table for life.
- Buildings acquired from 1998-04-01, 建物附属設備 and 構築物 from 2016-04-01 and intangibles: 定額法 only.
- First year: the annual amount × months in use ÷ 12, a part month counting as a whole month (法令59条).
- Down to a 備忘価額 of ¥1 (法令61条). Yen amounts are cut below ¥1 (``Rounding.FLOOR``) as the tax returns'
  software and the 国税庁 examples do.
- 一括償却資産: 取得価額 × the year's months ÷ 36, whatever the month of acquisition (法令133条の2).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from ennoshita.assets import tables
from ennoshita.errors import Invalid
from ennoshita.money import Rounding, round_yen

STRAIGHT = "straight"  # 定額法
DECLINING = "declining"  # 定率法 (200% or 250% by the acquisition date)
DECLINING_200 = "declining_200"
DECLINING_250 = "declining_250"
LUMP_SUM = "lump_sum"  # 一括償却資産
SME_SMALL = "sme_small"  # 少額減価償却資産 (措法67条の5): expensed in full in the year it is put to use
EXPENSED = "expensed"  # under ¥100,000: 消耗品費
METHODS = (STRAIGHT, DECLINING_200, DECLINING_250, LUMP_SUM, SME_SMALL, EXPENSED)
MEMO_VALUE = 1  # 備忘価額
# written off against the asset's own account whatever the company's style
DIRECT_METHODS = (LUMP_SUM, SME_SMALL, EXPENSED)
INTANGIBLE = "intangible"


def against_accumulated(indirect_style: bool, method: str, family: str) -> bool:
    """Whether an asset's depreciation is credited to 減価償却累計額 rather than to its own account: only a
    有形固定資産 under the company's indirect style. A 無形固定資産 is always written off directly (財務諸表等規則
    第30条: its accumulated depreciation is deducted from the asset itself and only the rest is shown), and so are
    一括償却資産, 少額減価償却資産 and the items expensed when bought."""
    return indirect_style and method not in DIRECT_METHODS and family != INTANGIBLE


def residual_value(method: str, family: str) -> int:
    """What an asset is depreciated down to: the 備忘価額 ¥1 for a 有形減価償却資産 (法人税法施行令61条1項1号), nothing
    for a 無形減価償却資産 (同項2号: the whole cost) nor for what is written off at once or in thirds."""
    return 0 if method in DIRECT_METHODS or family == INTANGIBLE else MEMO_VALUE
_ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class ScheduleYear:
    """One fiscal year of an asset's schedule (別表十六 figures)."""

    year_start: dt.date
    year_end: dt.date
    months: int  # months in use in this year
    opening: int  # 期首帳簿価額
    depreciation: int  # 当期償却額
    closing: int  # 期末帳簿価額
    basis: str  # 償却率 0.400 / 改定償却率 0.500 / 定額法 0.250 / 一括 12/36
    first_month: dt.date | None = None  # the first month charged (default: months before the year end)
    charge_months: int = 0  # months the year's amount is spread over by monthly runs (default: ``months``)

    @property
    def spread_from(self) -> dt.date:
        return self.first_month or add_months(self.year_end.replace(day=1), -(self.months - 1))

    @property
    def spread_months(self) -> int:
        return self.charge_months or self.months


def fiscal_year(day: dt.date, start_month: int) -> tuple[dt.date, dt.date]:
    """The fiscal year holding ``day`` for a company whose year starts on the 1st of ``start_month``."""
    if not 1 <= start_month <= 12:
        raise Invalid("assets.error.fiscal_month", field="fiscal_year_start_month")
    year = day.year if day.month >= start_month else day.year - 1
    start = dt.date(year, start_month, 1)
    end = add_months(start, 12) - dt.timedelta(days=1)
    return start, end


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months, clamped to the last day of the target month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def months_between(first: dt.date, last: dt.date) -> int:
    """Calendar months from the month of ``first`` to the month of ``last``, both counted (a part month is 1)."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


def check_life(life: int) -> None:
    if life not in tables.STRAIGHT_LINE:
        raise Invalid("assets.error.life", field="life", life=life)


def resolve_method(method: str, acquired: dt.date, family: str = "tools") -> str:
    """The method the law allows for an asset of ``family`` acquired on ``acquired``.

    ``declining`` becomes 200% or 250% by the date; buildings, fixtures, structures and intangibles are forced to
    定額法 from their dates."""
    if method in (LUMP_SUM, SME_SMALL, EXPENSED):
        return method
    if method not in (STRAIGHT, DECLINING, DECLINING_200, DECLINING_250):
        raise Invalid("assets.error.method", field="method", method=method)
    forced = (family == "intangible"
              or (family == "building" and acquired >= tables.BUILDING_STRAIGHT_FROM)
              or (family in ("building_fixture", "structure") and acquired >= tables.FIXTURE_STRAIGHT_FROM))
    if forced or method == STRAIGHT:
        return STRAIGHT
    if acquired < tables.DECLINING_250_FROM:
        raise Invalid("assets.error.before_2007", field="acquired", acquired=acquired)
    return DECLINING_200 if acquired >= tables.DECLINING_200_FROM else DECLINING_250


def _yen(value: Decimal) -> int:
    return round_yen(value, Rounding.FLOOR)


@cache
def _ratio(rate: Decimal) -> tuple[int, int]:
    num, den = rate.as_integer_ratio()
    return num, den


def schedule(cost: int, life: int, method: str, acquired: dt.date, start_month: int = 4,
             family: str = "tools", until: dt.date | None = None) -> list[ScheduleYear]:
    """Each fiscal year's depreciation from the year of acquisition (put to use) until the asset is written down to
    its :func:`residual_value`: ¥1, or nothing for a 無形固定資産, 一括償却資産 and expensed items."""
    if cost <= 0:
        raise Invalid("assets.error.cost", field="cost")
    resolved = resolve_method(method, acquired, family)
    if resolved not in (LUMP_SUM, SME_SMALL, EXPENSED):
        check_life(life)
    first_start, first_end = fiscal_year(acquired, start_month)
    years: list[ScheduleYear] = []
    if resolved in (SME_SMALL, EXPENSED):
        basis = "少額減価償却資産 措法67条の5" if resolved == SME_SMALL else "少額の減価償却資産 法令133条"
        return [ScheduleYear(first_start, first_end, months_between(acquired, first_end), cost, cost, 0, basis,
                             acquired.replace(day=1), 1)]
    if resolved == LUMP_SUM:
        written = 0
        for i in range(3):
            start = add_months(first_start, 12 * i)
            amount = cost - written if i == 2 else _yen(Decimal(cost) * 12 * (i + 1) / tables.LUMP_SUM_MONTHS) - written
            end = add_months(start, 12) - dt.timedelta(days=1)
            first = acquired.replace(day=1) if i == 0 else start
            years.append(ScheduleYear(start, end, 12, cost - written, amount, cost - written - amount, "一括償却 12/36",
                                      first, months_between(first, end)))
            written += amount
        return years
    book = cost
    residual = residual_value(resolved, family)
    revised_base: int | None = None
    start, end = first_start, first_end
    months = months_between(acquired, first_end)
    # Integer arithmetic on the published rates (a rate 0.400 is 400/1000): each yen amount is the exact ratio
    # cut below ¥1 (Rounding.FLOOR on a non-negative amount), the same figure round_yen gives, at table speed.
    if resolved == STRAIGHT:
        sl_num, sl_den = _ratio(tables.STRAIGHT_LINE[life])
        sl_basis = f"定額法 {tables.STRAIGHT_LINE[life]}"
    else:
        rates = (tables.DECLINING_200 if resolved == DECLINING_200 else tables.DECLINING_250)[life]
        r_num, r_den = _ratio(rates.rate)
        g = _ratio(rates.guarantee_rate) if rates.guarantee_rate is not None else None
        v = _ratio(rates.revised_rate) if rates.revised_rate is not None else None
        r_basis, v_basis = f"償却率 {rates.rate}", f"改定償却率 {rates.revised_rate}"
    while book > residual:
        if resolved == STRAIGHT:
            num, den, basis = cost * sl_num, sl_den, sl_basis
        else:
            if revised_base is None and g is not None and v is not None:
                before = book * r_num // r_den  # 調整前償却額
                if before * g[1] < cost * g[0]:  # below the 償却保証額 (取得価額 × 保証率)
                    revised_base = book  # 改定取得価額
            if revised_base is not None and v is not None:
                num, den, basis = revised_base * v[0], v[1], v_basis
            else:
                num, den, basis = book * r_num, r_den, r_basis
        # at least ¥1 a year, so that a tiny cost still reaches its residual value
        amount = min(max(num * months // (den * 12), 1), book - residual)
        years.append(ScheduleYear(start, end, months, book, amount, book - amount, basis))
        book -= amount
        start = start.replace(year=start.year + 1)  # always the 1st of a month
        end = start.replace(year=start.year + 1) - _ONE_DAY
        months = 12
        if until is not None and start > until:
            break
        if len(years) > 120:  # pragma: no cover - a table row always reaches its residual value well before
            break
    return years


def monthly_share(year_amount: int, months: int, nth: int) -> int:
    """The ``nth`` (1-based) month's part of a year's ``year_amount`` spread over ``months`` months in use, so that
    the months add up to the year exactly (the remainder falls on the later months)."""
    if not 1 <= nth <= months:
        return 0
    return year_amount * nth // months - year_amount * (nth - 1) // months


def month_amount(years: list[ScheduleYear], month_start: dt.date) -> tuple[int, ScheduleYear | None]:
    """The depreciation for the calendar month beginning ``month_start`` (0 outside the schedule)."""
    for year in years:
        if year.year_start <= month_start <= year.year_end:
            first_month = year.spread_from
            if month_start < first_month:
                return 0, year
            nth = months_between(first_month, month_start)
            return monthly_share(year.depreciation, year.spread_months, nth), year
    return 0, None


def book_value_at(years: list[ScheduleYear], cost: int, through_month: dt.date) -> int:
    """The book value after depreciating every month up to and including the month of ``through_month``."""
    book = cost
    for year in years:
        if year.year_end < through_month.replace(day=1):
            book -= year.depreciation
        elif year.year_start <= through_month:
            first_month = year.spread_from
            if through_month >= first_month:
                done = min(months_between(first_month, through_month), year.spread_months)
                book -= year.depreciation * done // year.spread_months
    return book


# Small assets -------------------------------------------------------------------------------------------------


def sme_threshold(acquired: dt.date) -> tables.SmeThreshold | None:
    for row in tables.SME_THRESHOLDS:
        if row.start <= acquired <= row.end:
            return row
    return None


def allowed_treatments(cost: int, acquired: dt.date, sme: bool) -> tuple[str, ...]:
    """The treatments the law allows for one item of ``cost``: the first is the default."""
    if cost <= 0:
        raise Invalid("assets.error.cost", field="cost")
    if cost < tables.EXPENSE_BELOW:
        return (EXPENSED,)
    options: list[str] = []
    if cost < tables.LUMP_SUM_BELOW:
        options.append(LUMP_SUM)
    threshold = sme_threshold(acquired)
    if sme and threshold is not None and cost < threshold.below:
        options.append(SME_SMALL)
    options += [DECLINING, STRAIGHT]
    return tuple(options)


def check_sme_cap(already: int, cost: int, acquired: dt.date) -> None:
    """Refuse a 少額減価償却資産 that would take the fiscal year's total over the cap (¥3,000,000)."""
    threshold = sme_threshold(acquired)
    if threshold is None:
        raise Invalid("assets.error.sme_period", field="method")
    if already + cost > threshold.annual_cap:
        raise Invalid("assets.error.sme_cap", field="cost", cap=threshold.annual_cap, used=already)


@dataclass(frozen=True)
class DisposalResult:
    book_value: int
    proceeds: int
    gain: int  # > 0 売却益, < 0 売却損 / 除却損


def disposal(book_value: int, proceeds: int) -> DisposalResult:
    if proceeds < 0:
        raise Invalid("assets.error.proceeds", field="proceeds")
    return DisposalResult(book_value, proceeds, proceeds - book_value)

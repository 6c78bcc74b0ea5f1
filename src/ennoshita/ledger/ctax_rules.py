"""The rules of the 消費税 return (消費税及び地方消費税の確定申告書 and its 付表): plain Python, no database. The
figures come from the books through :mod:`ennoshita.ledger.ctax_base`, a fiscal year's return is
:func:`ennoshita.ledger.consumption_tax.base_return` and its year-end settlement entry
:mod:`ennoshita.ledger.ctax_settlement`.

The company chooses, in :class:`ConsumptionTaxSettings` (defaults in brackets):

- ``method``: [``general``] 一般課税 (本則課税); ``simplified`` 簡易課税 (消費税法37条: deemed input tax =
  output tax x the business type's みなし仕入率, 施行令57条: 第1種 90%, 第2種 80%, 第3種 70%, 第4種 60%,
  第5種 50%, 第6種 40%; each sales line may name its 事業区分, ``simplified_type`` 1..6 is the default of a line
  naming none; several types: 原則計算 and the 75% 特例 of 57条②③, see :func:`simplified_credit`);
  ``twenty_percent`` 2割特例 (平成28年改正法附則51条の2: the tax due is 20% of the output tax; for a 課税期間 that
  includes a day up to 2026-09-30, the last one for a 法人);
- ``output_calc``: [``proportional``] 割戻し計算 (消費税法45条①: 課税標準額 x 7.8% / 6.24%) or ``stacked``
  積上げ計算 (施行令62条: the tax on the issued qualified invoices, i.e. 仮受消費税 booked, x 78/100);
- ``input_calc``: [``stacked``] 積上げ計算 (施行令46条①②: 仮払消費税 booked x 78/100) or ``proportional``
  割戻し計算 (施行令46条③: 課税仕入れ 税込 x 7.8/110 or 6.24/108; a 経過措置 purchase times its share).
  割戻し for purchases is only allowed with 割戻し for sales (施行令46条③), so that pair is refused. Under
  税込経理 no 仮受/仮払消費税 is booked, so both sides are computed 割戻し whatever the setting;
- ``credit_method``: [``individual``] 個別対応方式 or ``lump_sum`` 一括比例配分方式 (消費税法30条②), used when the
  課税売上割合 is under 95% or the 課税売上高 exceeds ¥500,000,000 (消費税法30条①②); otherwise the whole
  input tax is deductible. 個別対応方式 (30条②一): 課税売上対応分 + 共通対応分 x 課税売上割合 (非課税売上対応分:
  nothing); 一括比例配分方式 (30条②二): all input tax x 課税売上割合. Each purchase line carries its 用途区分
  (:mod:`ennoshita.ledger.taxes`, the company's ``default_purpose`` [``common``] when none is given); lines
  posted before the tag existed count as 共通対応.

割戻し/積上げ and the credit method belong to a 課税期間: a fiscal year records its own choice
(``FiscalYear.output_calc`` / ``input_calc`` / ``credit_method``, set with
:func:`ennoshita.ledger.consumption_tax.set_year_calc` while the year is open, fixed from the company's settings
when the year is closed), so changing the company's settings later does not rewrite a closed year's return.
施行令46条③: a year that computes its sales tax 積上げ must compute its input tax 積上げ too (refused otherwise,
``ledger.error.ctax_stacked_sales_proportional_purchases``).

Figures (国税通則法118条①: 課税標準 rounded down to ¥1,000; 119条①: the tax due rounded down to ¥100):

- 課税標準額 per rate = floor_1000(taxable sales 税込 x 100/110 or 100/108); sales returns and 値引 are
  netted against sales (消費税基本通達14-1-8);
- 消費税額 (national) = 課税標準額 x 7.8% (10%) or 6.24% (8% reduced), 1円未満切捨て;
- 課税売上割合 (消費税法30条⑥, 施行令48条) = (課税売上 税抜 + 輸出免税売上) / (those + 非課税売上);
- the 付表 (2-3, 4-3, 5-3, 6) work per rate column: every amount is computed for 税率6.24%適用分 and 7.8%適用分,
  1円未満切捨て each (the forms' 注意 1), and its 合計 is the sum of the two columns (国税庁 e-Tax schema
  SHB033/SHB067/SHB070: three fields per amount). So 課税売上額（税抜き）, the input tax, 個別対応方式 (⑰ + ⑱ x
  課税売上割合), 一括比例配分方式, the 簡易課税 deemed input tax and the 2割特例 特別控除税額 are each a sum of
  per-column floors, never the total multiplied and rounded once;
- 差引税額 = 消費税額 - 控除対象仕入税額, floor_100; 地方消費税 (譲渡割, 地方税法72条の83) = 差引税額 x 22/78,
  floor_100; a negative 差引税額 is a refund (控除不足還付税額, not rounded; its 地方 part x 22/78, 1円未満切捨て).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from ennoshita.errors import Invalid, Problem
from ennoshita.ledger.taxes import PURPOSE_CODES, PURPOSE_NON_TAXABLE, PURPOSE_TAXABLE

METHODS = ("general", "simplified", "twenty_percent")
CALCS = ("proportional", "stacked")
CREDIT_METHODS = ("individual", "lump_sum")
DEEMED_RATES = {1: Fraction(90, 100), 2: Fraction(80, 100), 3: Fraction(70, 100), 4: Fraction(60, 100),
                5: Fraction(50, 100), 6: Fraction(40, 100)}  # 施行令57条①⑤
NATIONAL_RATE = {10: Fraction(78, 1000), 8: Fraction(624, 10000)}  # 消費税法29条
LOCAL_SHARE = Fraction(22, 78)  # 地方税法72条の83
STACKED_SHARE = Fraction(78, 100)  # 施行令46条・62条: the national part of a booked 10% / 8% tax
TWENTY_PERCENT_DEEMED = Fraction(80, 100)  # 2割特例: 特別控除税額 = 消費税額 x 80%
FULL_CREDIT_RATIO = Fraction(95, 100)
FULL_CREDIT_SALES_LIMIT = 500_000_000
TWENTY_PERCENT_LAST_DAY = dt.date(2026, 9, 30)  # 2割特例: 課税期間 including this day at the latest (法人)


@dataclass(frozen=True)
class Settings:
    method: str = "general"
    output_calc: str = "proportional"
    input_calc: str = "stacked"
    credit_method: str = "individual"
    simplified_type: int = 5
    default_purpose: str = "common"


YEAR_FIELDS = ("output_calc", "input_calc", "credit_method")  # what a fiscal year fixes for itself


def check_settings(s: Settings) -> list[Problem]:
    problems = []
    if s.method not in METHODS:
        problems.append(Problem("ledger.error.ctax_method", "method", {"value": s.method}))
    if s.output_calc not in CALCS:
        problems.append(Problem("ledger.error.ctax_calc", "output_calc", {"value": s.output_calc}))
    if s.input_calc not in CALCS:
        problems.append(Problem("ledger.error.ctax_calc", "input_calc", {"value": s.input_calc}))
    elif s.input_calc == "proportional" and s.output_calc == "stacked":
        problems.append(Problem("ledger.error.ctax_stacked_sales_proportional_purchases", "input_calc"))
    if s.credit_method not in CREDIT_METHODS:
        problems.append(Problem("ledger.error.ctax_credit_method", "credit_method", {"value": s.credit_method}))
    if s.simplified_type not in DEEMED_RATES:
        problems.append(Problem("ledger.error.ctax_simplified_type", "simplified_type",
                                {"value": s.simplified_type}))
    if s.default_purpose not in PURPOSE_CODES:
        problems.append(Problem("ledger.error.ctax_purpose", "default_purpose", {"value": s.default_purpose}))
    return problems


# ---------------------------------------------------------------- the pure computation


@dataclass
class TaxBase:
    """What the return needs from the books over one 課税期間, in yen."""

    sales_gross: dict[int, int] = field(default_factory=dict)  # rate % -> taxable sales 税込 (net of returns)
    sales_tax_booked: dict[int, int] = field(default_factory=dict)  # rate % -> 仮受消費税
    export_sales: int = 0  # 輸出免税売上
    non_taxable_sales: int = 0  # 非課税売上
    # (rate %, deductible share) -> taxable purchases 税込; share 1 for a qualified invoice
    purchases_gross: dict[tuple[int, Fraction], int] = field(default_factory=dict)
    input_tax_booked: dict[int, int] = field(default_factory=dict)  # rate % -> 仮払消費税 (deductible part)
    # the part of the two above tagged 課税売上対応 / 非課税売上対応 (用途区分 -> the same keys); the rest is 共通対応
    purchases_by_purpose: dict[str, dict[tuple[int, Fraction], int]] = field(default_factory=dict)
    input_tax_by_purpose: dict[str, dict[int, int]] = field(default_factory=dict)
    inclusive_books: bool = False  # 税込経理: no 仮受/仮払 booked, so both sides are computed 割戻し
    # 簡易課税: (事業区分 1..6, 0 untagged, rate %: 10 / 8, 0 for 輸出免税売上) -> the sales lines (not 仮受消費税)
    # net of returns: 税抜 under 税抜経理, 税込 under 税込経理
    sales_by_type: dict[tuple[int, int], int] = field(default_factory=dict)


@dataclass(frozen=True)
class BusinessTypeLine:
    """付表4-3 / 5-3 ⑦..⑫ and ⑭..⑲: one 事業区分's 課税売上高（税抜き） and its 消費税額, per rate column."""

    business_type: int
    sales: int  # 課税売上高（税抜き）, all columns (and 輸出免税売上)
    share: Fraction  # 売上割合: sales / 事業区分別の合計額
    sales_by_rate: tuple[tuple[int, int], ...]  # (rate %, 税抜) for 10 and 8 (0: 輸出免税)
    tax_by_rate: tuple[tuple[int, int], ...]  # (rate %, 消費税額 = 税抜 x 7.8% / 6.24%, 1円未満切捨て)

    def tax(self, rate: int) -> int:
        return dict(self.tax_by_rate).get(rate, 0)


@dataclass(frozen=True)
class SimplifiedCredit:
    """付表5-3 Ⅲ: the 控除対象仕入税額 under 簡易課税 with more than one 事業区分 (施行令57条②③), every calculation
    that applies, and the one chosen (the largest). ``candidates``: (name, amount) with name ``principle``
    (原則計算 ⑳), ``single:N`` (特例: 第N種 ≥ 75% ㉑) or ``pair:N+M`` (特例: 第N種 + 第M種 ≥ 75%, N the higher rate)."""

    types: tuple[BusinessTypeLine, ...]
    candidates: tuple[tuple[str, int], ...]
    chosen: str
    deductible: int


@dataclass(frozen=True)
class RateLine:
    rate: int
    sales_gross: int
    taxable_base: int  # 課税標準額 (¥1,000)
    national_tax: int  # 消費税額


@dataclass(frozen=True)
class Return:
    """The figures of the return (申告書 第一表 and 付表1-3 / 2-3 / 4-3 / 5-3)."""

    settings: Settings
    rates: tuple[RateLine, ...]
    taxable_base: int  # ① 課税標準額
    output_tax: int  # ② 消費税額
    taxable_sales: int  # 課税売上高 (税抜)
    export_sales: int
    non_taxable_sales: int
    ratio: Fraction  # 課税売上割合
    input_tax: int  # 課税仕入れに係る消費税額 (national)
    full_credit: bool  # ratio >= 95% and 課税売上高 <= ¥500M (一般課税)
    deductible: int  # ④ 控除対象仕入税額 (or the deemed one)
    national_due: int  # 差引税額 (⑨), negative: 控除不足還付税額
    local_due: int  # 地方消費税 譲渡割額, negative: 還付額
    notes: tuple[str, ...] = ()
    # 付表2-3: the input tax by 用途区分 (⑰ 課税売上にのみ要するもの, 非課税売上にのみ要するもの, ⑱ 共通して要するもの)
    input_tax_taxable: int = 0
    input_tax_non_taxable: int = 0
    input_tax_common: int = 0
    deductible_individual: int = 0  # ⑲ 個別対応方式: ⑰ + ⑱ x 課税売上割合
    deductible_lump_sum: int = 0  # ⑳ 一括比例配分方式: all x 課税売上割合
    simplified: SimplifiedCredit | None = None  # 簡易課税: 付表4-3 / 5-3 by 事業区分
    # 中間申告 (ledger.ctax_interim): ⑩ 中間納付税額 and ⑳ 中間納付譲渡割額, every scheduled period (消費税法44条:
    # a 中間申告 not filed is deemed filed), and the numbers of the periods not paid yet
    interim_national: int = 0
    interim_local: int = 0
    interim_unpaid: tuple[int, ...] = ()
    interim_count: int = 0

    @property
    def total_due(self) -> int:
        """The year's tax (国税 + 地方消費税), before the 中間納付 are deducted."""
        return self.national_due + self.local_due

    @property
    def national_payable(self) -> int:
        """⑪ 納付税額 = ⑨ 差引税額 - ⑩ 中間納付税額; negative: ⑫ 中間納付還付税額 (with ⑧ 控除不足還付税額)."""
        return self.national_due - self.interim_national

    @property
    def local_payable(self) -> int:
        """㉑ 納付譲渡割額 = ⑲ - ⑳ 中間納付譲渡割額; negative: ㉒ 中間納付還付譲渡割額 (with ⑰ 控除不足還付税額)."""
        return self.local_due - self.interim_local

    @property
    def payable_total(self) -> int:
        """What the final return pays (negative: what it gets back) after the 中間納付."""
        return self.national_payable + self.local_payable


def _floor(value: Fraction, unit: int = 1) -> int:
    return int(value // unit) * unit


def compute_return(base: TaxBase, settings: Settings, period_start: dt.date | None = None) -> Return:
    """The return's figures from ``base`` under ``settings`` (see the module docstring for each rule)."""
    problems = check_settings(settings)
    if (settings.method == "twenty_percent" and period_start is not None
            and period_start > TWENTY_PERCENT_LAST_DAY):
        problems.append(Problem("ledger.error.ctax_twenty_percent_ended", "method",
                                {"date": TWENTY_PERCENT_LAST_DAY}))
    if problems:
        raise Invalid(problems=problems)
    rates: list[RateLine] = []
    taxable_sales = 0  # 付表2-3 ① 課税売上額（税抜き）: each rate column 1円未満切捨て, 合計 = their sum
    for rate in sorted(set(base.sales_gross) | set(base.sales_tax_booked), reverse=True):
        gross = base.sales_gross.get(rate, 0)
        exact = Fraction(gross * 100, 100 + rate)
        taxable_sales += _floor(exact)
        taxable_base = _floor(exact, 1000)
        if settings.output_calc == "stacked" and not base.inclusive_books:
            tax = _floor(base.sales_tax_booked.get(rate, 0) * STACKED_SHARE)
        else:
            tax = _floor(taxable_base * NATIONAL_RATE[rate])
        rates.append(RateLine(rate, gross, taxable_base, tax))
    output_tax = sum(r.national_tax for r in rates)
    denominator = taxable_sales + base.export_sales + base.non_taxable_sales
    ratio = Fraction(taxable_sales + base.export_sales, denominator) if denominator > 0 else Fraction(1)
    stacked_input = settings.input_calc == "stacked" and not base.inclusive_books

    def input_of(gross_map: dict[tuple[int, Fraction], int], booked: dict[int, int]) -> dict[int, int]:
        """The input tax per rate column (付表2-3 ⑨/⑪ … ⑰ of the 税率6.24%/7.8%適用分), each 1円未満切捨て."""
        columns: dict[int, int] = defaultdict(int)
        if stacked_input:
            for rate, v in booked.items():
                columns[rate] += _floor(v * STACKED_SHARE)
        else:
            for (rate, share), gross in gross_map.items():
                columns[rate] += _floor(gross * NATIONAL_RATE[rate] * 100 / (100 + rate) * share)
        return columns

    all_columns = input_of(base.purchases_gross, base.input_tax_booked)
    taxable_columns = input_of(base.purchases_by_purpose.get(PURPOSE_TAXABLE, {}),
                               base.input_tax_by_purpose.get(PURPOSE_TAXABLE, {}))
    non_taxable_columns = input_of(base.purchases_by_purpose.get(PURPOSE_NON_TAXABLE, {}),
                                   base.input_tax_by_purpose.get(PURPOSE_NON_TAXABLE, {}))
    input_tax = sum(all_columns.values())
    for_taxable = sum(taxable_columns.values())
    for_non_taxable = sum(non_taxable_columns.values())
    common = input_tax - for_taxable - for_non_taxable
    # 付表2-3 ⑲ / ⑳: each rate column computed and rounded down on its own, the 合計 is the sum of the columns
    individual = sum(taxable_columns[r] + _floor((v - taxable_columns[r] - non_taxable_columns[r]) * ratio)
                     for r, v in all_columns.items())  # 消費税法30条②一
    lump_sum = sum(_floor(v * ratio) for v in all_columns.values())  # 消費税法30条②二
    full = ratio >= FULL_CREDIT_RATIO and taxable_sales + base.export_sales <= FULL_CREDIT_SALES_LIMIT
    notes: list[str] = []
    simplified: SimplifiedCredit | None = None
    if settings.method == "simplified":  # 付表5-3: per rate column, then 合計
        simplified = simplified_credit(base, settings, {r.rate: r.national_tax for r in rates})
        deductible = simplified.deductible
    elif settings.method == "twenty_percent":  # 付表6 特別控除税額: per rate column, then 合計
        deductible = sum(_floor(r.national_tax * TWENTY_PERCENT_DEEMED) for r in rates)
    elif full:
        deductible = input_tax
    else:
        deductible = individual if settings.credit_method == "individual" else lump_sum
        notes.append(settings.credit_method)
    difference = output_tax - deductible
    if difference >= 0:
        national = _floor(Fraction(difference), 100)
        local = _floor(national * LOCAL_SHARE, 100)
    else:
        national = difference
        local = -_floor(-difference * LOCAL_SHARE)
    return Return(settings, tuple(rates), sum(r.taxable_base for r in rates), output_tax, taxable_sales,
                  base.export_sales, base.non_taxable_sales, ratio, input_tax, full, deductible, national, local,
                  tuple(notes), for_taxable, for_non_taxable, common, individual, lump_sum, simplified)


SPECIAL_SHARE = Fraction(75, 100)  # 施行令57条③: one type, or two types together, 75% or more of the sales


def simplified_credit(base: TaxBase, settings: Settings, base_tax: dict[int, int]) -> SimplifiedCredit:
    """付表5-3: the deemed input tax under 簡易課税 (消費税法37条, 施行令57条), from ``base_tax`` (rate % -> ④
    控除対象仕入税額の計算の基礎となる消費税額 of the column: the output tax net of returns) and the sales per 事業区分
    (``base.sales_by_type``; untagged lines count as the company's ``simplified_type``).

    Per 事業区分 and rate column: 課税売上高（税抜き） (税込経理: x 100/110 or 100/108, 1円未満切捨て) and its 消費税額
    (x 7.8% / 6.24%, 1円未満切捨て); returns are already netted against the sales of their 事業区分. Each column:

    - 原則計算 (施行令57条②): ④ x Σ(消費税額 of each type x its みなし仕入率) / Σ 消費税額;
    - 特例 (57条③一): a type with 75% or more of the 課税売上高 (all columns, 免税売上 included): ④ x its rate;
    - 特例 (57条③二): two types N, M (N the higher rate) together 75% or more: ④ x (消費税額_N x rate_N +
      (Σ 消費税額 - 消費税額_N) x rate_M) / Σ 消費税額;

    each 1円未満切捨て per column and summed. Every applicable calculation is worked; the largest is taken (the
    taxpayer chooses, 付表5-3 ㊲), the first of equals in the order above. One type only (専業, 付表5-3 ⑤): ④ x
    its rate, the same as its single-type calculation."""
    default = settings.simplified_type
    net: dict[tuple[int, int], int] = defaultdict(int)
    for (btype, rate), amount in base.sales_by_type.items():
        excl = _floor(Fraction(amount * 100, 100 + rate)) if base.inclusive_books and rate else amount
        net[(btype or default, rate)] += excl
    types: list[BusinessTypeLine] = []
    totals = {t: sum(v for (bt, _r), v in net.items() if bt == t) for t in sorted({bt for bt, _r in net})}
    grand = sum(totals.values())
    for t, total in totals.items():
        if not any(v for (bt, _r), v in net.items() if bt == t):
            continue
        by_rate = tuple(sorted(((r, v) for (bt, r), v in net.items() if bt == t), reverse=True))
        tax = tuple((r, _floor(v * NATIONAL_RATE[r])) for r, v in by_rate if r in NATIONAL_RATE)
        types.append(BusinessTypeLine(t, total, Fraction(total, grand) if grand else Fraction(0), by_rate, tax))
    columns = sorted(base_tax, reverse=True)

    def weighted(rates_of: dict[int, Fraction] | None, fixed: Fraction | None = None) -> int:
        out = 0
        for col in columns:
            four = base_tax[col]
            if fixed is not None:
                out += _floor(four * fixed)
                continue
            assert rates_of is not None
            sigma = sum(tl.tax(col) for tl in types)
            if sigma <= 0:  # no tax by type in this column (nothing sold at that rate): the default type's rate
                out += _floor(four * DEEMED_RATES[default])
                continue
            out += _floor(Fraction(four) * sum(tl.tax(col) * rates_of[tl.business_type] for tl in types) / sigma)
        return out

    present = [tl for tl in types if tl.sales]
    candidates: list[tuple[str, int]] = []
    if len(present) <= 1:
        only = present[0].business_type if present else default
        candidates.append((f"single:{only}", weighted(None, DEEMED_RATES[only])))
    else:
        candidates.append(("principle", weighted({tl.business_type: DEEMED_RATES[tl.business_type] for tl in types})))
        for tl in present:
            if tl.share >= SPECIAL_SHARE:
                candidates.append((f"single:{tl.business_type}", weighted(None, DEEMED_RATES[tl.business_type])))
        for i, hi in enumerate(present):
            for lo in present[i + 1:]:
                if hi.share + lo.share >= SPECIAL_SHARE:
                    rates_of = {tl.business_type: DEEMED_RATES[lo.business_type] for tl in types}
                    rates_of[hi.business_type] = DEEMED_RATES[hi.business_type]
                    candidates.append((f"pair:{hi.business_type}+{lo.business_type}", weighted(rates_of)))
    chosen, amount = max(candidates, key=lambda c: c[1])  # max keeps the first of equals
    return SimplifiedCredit(tuple(types), tuple(candidates), chosen, amount)

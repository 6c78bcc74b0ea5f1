"""Consumption tax categories (税区分) and the dated transitional deduction table (経過措置).

Rates: 10% standard, 8% reduced (軽減税率: 飲食料品, 新聞). Under 税抜経理 a tax-inclusive amount is split
into net + tax with the company's rounding rule (:func:`split_inclusive`).

Purchases from a supplier that is not a registered qualified-invoice issuer (免税事業者等) may deduct only
part of the input tax, by transaction date. The table below is data, so a law change is a data change.
Source: 国税庁「適格請求書等保存方式の概要」/「インボイス制度に関するQ&A」問113 (80% from 2023-10-01
to 2026-09-30, 50% from 2026-10-01 to 2029-09-30, under the law of 2023) as amended by the 令和8年度税制
改正大綱: 70% 2026-10-01..2028-09-30, 50% 2028-10-01..2030-09-30, 30% 2030-10-01..2031-09-30, none after.
The amended figures are those the project's issue gives; check them against 国税庁's current material
before relying on them for a return.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from ennoshita.money import Rounding, round_yen

RATE_10 = Fraction(10, 100)
RATE_8 = Fraction(8, 100)
ZERO = Fraction(0)


@dataclass(frozen=True)
class TaxCategory:
    code: str
    name_ja: str
    name_en: str
    direction: str  # sales / purchase / none
    rate: Fraction
    taxable: bool
    transitional: bool = False  # purchase from a non-registered supplier (経過措置)
    reduced: bool = False


CATEGORY_LIST: tuple[TaxCategory, ...] = (
    TaxCategory("sales_10", "課税売上10%", "Taxable sales 10%", "sales", RATE_10, True),
    TaxCategory("sales_8r", "課税売上8%(軽減)", "Taxable sales 8% (reduced)", "sales", RATE_8, True, reduced=True),
    TaxCategory("sales_exempt", "非課税売上", "Non-taxable sales", "sales", ZERO, False),
    TaxCategory("sales_export", "輸出免税売上", "Export (zero-rated) sales", "sales", ZERO, False),
    TaxCategory("purchase_10", "課税仕入10%", "Taxable purchases 10%", "purchase", RATE_10, True),
    TaxCategory("purchase_8r", "課税仕入8%(軽減)", "Taxable purchases 8% (reduced)", "purchase", RATE_8, True,
                reduced=True),
    TaxCategory("purchase_10_transitional", "課税仕入10%(経過措置・適格請求書なし)",
                "Taxable purchases 10% (no qualified invoice, transitional)", "purchase", RATE_10, True, True),
    TaxCategory("purchase_8r_transitional", "課税仕入8%(軽減・経過措置・適格請求書なし)",
                "Taxable purchases 8% reduced (no qualified invoice, transitional)", "purchase", RATE_8, True, True,
                True),
    TaxCategory("purchase_exempt", "非課税仕入", "Non-taxable purchases", "purchase", ZERO, False),
    TaxCategory("out_of_scope", "対象外/不課税", "Out of scope", "none", ZERO, False),
)
CATEGORIES: dict[str, TaxCategory] = {c.code: c for c in CATEGORY_LIST}

# (first day, last day, deductible share of the input tax)
TRANSITIONAL_DEDUCTION: tuple[tuple[dt.date, dt.date, Fraction], ...] = (
    (dt.date(2023, 10, 1), dt.date(2026, 9, 30), Fraction(80, 100)),
    (dt.date(2026, 10, 1), dt.date(2028, 9, 30), Fraction(70, 100)),
    (dt.date(2028, 10, 1), dt.date(2030, 9, 30), Fraction(50, 100)),
    (dt.date(2030, 10, 1), dt.date(2031, 9, 30), Fraction(30, 100)),
)


def transitional_deduction_ratio(day: dt.date) -> Fraction:
    """Share of the input tax deductible on a purchase from a non-registered supplier on ``day``."""
    for first, last, ratio in TRANSITIONAL_DEDUCTION:
        if first <= day <= last:
            return ratio
    return ZERO


def split_inclusive(gross: int, category: TaxCategory, rule: Rounding) -> tuple[int, int]:
    """(net, tax) of a tax-inclusive amount: tax = round(gross x rate / (1 + rate))."""
    if not category.taxable or not category.rate:
        return gross, 0
    tax = round_yen(Fraction(gross) * category.rate / (1 + category.rate), rule)
    return gross - tax, tax


def deductible_input_tax(tax: int, day: dt.date, rule: Rounding) -> int:
    """The deductible part of ``tax`` on a purchase from a non-registered supplier (経過措置)."""
    return round_yen(Fraction(tax) * transitional_deduction_ratio(day), rule)

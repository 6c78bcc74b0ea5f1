"""Yen arithmetic and the named rounding rules.

Money is always ``int`` yen. Rates and intermediate results are ``Decimal`` or ``Fraction``;
they become yen only through :func:`round_yen` with an explicit :class:`Rounding` rule.
"""

from __future__ import annotations

import enum
from decimal import Decimal
from fractions import Fraction

Number = int | Decimal | Fraction


class Rounding(enum.StrEnum):
    """端数処理: how a fractional yen amount becomes whole yen."""

    FLOOR = "floor"  # 切り捨て
    HALF_UP = "half_up"  # 四捨五入
    CEIL = "ceil"  # 切り上げ
    HALF_DOWN = "half_down"  # 50銭以下切り捨て・50銭超切り上げ (社会保険料・雇用保険料の被保険者負担分)


def _round_ratio(numerator: int, denominator: int, rule: Rounding) -> int:
    """Round ``numerator / denominator`` (denominator > 0) to whole yen by ``rule``, in integer arithmetic.

    Rounding applies to the absolute value so that a negative amount rounds symmetrically."""
    sign = -1 if numerator < 0 else 1
    quotient, remainder = divmod(abs(numerator), denominator)
    if rule is Rounding.FLOOR:
        result = quotient
    elif rule is Rounding.CEIL:
        result = quotient + (1 if remainder else 0)
    elif rule is Rounding.HALF_UP:
        result = quotient + (1 if 2 * remainder >= denominator else 0)
    elif rule is Rounding.HALF_DOWN:
        result = quotient + (1 if 2 * remainder > denominator else 0)
    else:  # pragma: no cover - exhaustive enum
        raise ValueError(rule)
    return sign * result


def round_yen(value: Number, rule: Rounding) -> int:
    """Round a (possibly fractional) yen amount to whole yen by ``rule``.

    Rounding applies to the absolute value so that a negative amount (a discount or a
    credit note) rounds symmetrically with its positive counterpart: -12.5 half-up is -13.
    """
    if isinstance(value, bool):
        raise TypeError("a yen amount is not a bool")
    if isinstance(value, int):
        return value
    if isinstance(value, Fraction):
        return _round_ratio(value.numerator, value.denominator, rule)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(value)
        numerator, denominator = value.as_integer_ratio()
        return _round_ratio(numerator, denominator, rule)
    frac = Fraction(value)
    return _round_ratio(frac.numerator, frac.denominator, rule)


def tax_on_net(net: int, rate: Fraction, rule: Rounding) -> int:
    """Consumption tax on a tax-exclusive amount: round(net x rate)."""
    return _round_ratio(net * rate.numerator, rate.denominator, rule)


def tax_in_gross(gross: int, rate: Fraction, rule: Rounding) -> int:
    """Consumption tax contained in a tax-inclusive amount: round(gross x rate / (1 + rate))."""
    return _round_ratio(gross * rate.numerator, rate.denominator + rate.numerator, rule)


def format_yen(amount: int) -> str:
    """Display form for tables: ``¥1,234,567`` (negative: ``-¥1,234``)."""
    if amount < 0:
        return f"-¥{-amount:,}"
    return f"¥{amount:,}"


def format_yen_statement(amount: int) -> str:
    """Display form of a Japanese 決算書 (the unit, 円, in the heading): ``1,234,567``, a negative ``△1,234``."""
    if amount < 0:
        return f"△{-amount:,}"
    return f"{amount:,}"


# The XLSX number format of the same (the cell keeps its number)
XLSX_STATEMENT_FORMAT = '#,##0;"△"#,##0'


def format_yen_document(amount: int) -> str:
    """Display form for business documents: ``1,234,567円``."""
    return f"{amount:,}円"


# ---------------------------------------------------------------- bounds of every yen amount

MAX_YEN = 999_999_999_999  # one amount (a line, a deposit, a price x quantity): under ¥1 trillion
INT64_MAX = 2**63 - 1  # a total (a sum of lines, a balance) must fit the database's BIGINT
MAX_DECIMAL_DIGITS = 15  # integer digits of a quantity, a unit price or a rate, checked before any arithmetic


def yen_in_range(amount: object) -> bool:
    """Whether ``amount`` is an int yen amount within ±:data:`MAX_YEN` (a bool is not an amount)."""
    return isinstance(amount, int) and not isinstance(amount, bool) and -MAX_YEN <= amount <= MAX_YEN


def total_in_range(total: int) -> bool:
    return -INT64_MAX <= total <= INT64_MAX


def decimal_in_range(value: Decimal) -> bool:
    """A finite Decimal of at most :data:`MAX_DECIMAL_DIGITS` integer digits (``1E+1000000`` and ``NaN`` are
    refused before they reach ``quantize`` or a multiplication)."""
    return value.is_finite() and (value == 0 or value.adjusted() < MAX_DECIMAL_DIGITS)

"""Yen arithmetic and the named rounding rules.

Money is always ``int`` yen. Rates and intermediate results are ``Decimal`` or ``Fraction``;
they become yen only through :func:`round_yen` with an explicit :class:`Rounding` rule.
"""

from __future__ import annotations

import enum
import math
from decimal import Decimal
from fractions import Fraction

Number = int | Decimal | Fraction


class Rounding(enum.StrEnum):
    """端数処理: how a fractional yen amount becomes whole yen."""

    FLOOR = "floor"  # 切り捨て
    HALF_UP = "half_up"  # 四捨五入
    CEIL = "ceil"  # 切り上げ


def _as_fraction(value: Number) -> Fraction:
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    return Fraction(value)


def round_yen(value: Number, rule: Rounding) -> int:
    """Round a (possibly fractional) yen amount to whole yen by ``rule``.

    Rounding applies to the absolute value so that a negative amount (a discount or a
    credit note) rounds symmetrically with its positive counterpart: -12.5 half-up is -13.
    """
    frac = _as_fraction(value)
    sign = -1 if frac < 0 else 1
    mag = abs(frac)
    if rule is Rounding.FLOOR:
        result = math.floor(mag)
    elif rule is Rounding.CEIL:
        result = math.ceil(mag)
    elif rule is Rounding.HALF_UP:
        result = math.floor(mag + Fraction(1, 2))
    else:  # pragma: no cover - exhaustive enum
        raise ValueError(rule)
    return sign * int(result)


def tax_on_net(net: int, rate: Fraction, rule: Rounding) -> int:
    """Consumption tax on a tax-exclusive amount: round(net x rate)."""
    return round_yen(Fraction(net) * rate, rule)


def tax_in_gross(gross: int, rate: Fraction, rule: Rounding) -> int:
    """Consumption tax contained in a tax-inclusive amount: round(gross x rate / (1 + rate))."""
    return round_yen(Fraction(gross) * rate / (1 + rate), rule)


def format_yen(amount: int) -> str:
    """Display form for tables: ``¥1,234,567`` (negative: ``-¥1,234``)."""
    if amount < 0:
        return f"-¥{-amount:,}"
    return f"¥{amount:,}"


def format_yen_document(amount: int) -> str:
    """Display form for business documents: ``1,234,567円``."""
    return f"{amount:,}円"

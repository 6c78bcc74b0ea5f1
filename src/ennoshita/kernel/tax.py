"""Qualified-invoice (適格請求書) arithmetic, for every document with lines and tax rates (見積, 受注, 納品, 請求書,
発注書, 受領請求書): line amounts, and the tax per rate.

The law (消費税法施行令 第70条の10, 基本通達 1-8-15, インボイスQ&A 問57) asks for the consumption tax
of a qualified invoice to be rounded ONCE PER TAX RATE PER INVOICE: the line amounts of each rate are
summed first, then the tax on that sum is rounded with the company's rule (切り捨て/四捨五入/切り上げ,
the issuer's choice). Rounding each line and adding the results up is not allowed; we compute that
figure only so that a screen can show the difference.

Line amounts themselves (quantity x unit price) are whole yen, rounded with the same company rule.
A unit price may carry up to 2 decimals (12.5円 is common); a quantity must not be zero; only a
discount (値引) line may have a negative amount.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from ennoshita.errors import Invalid, Problem
from ennoshita.money import Rounding, round_yen, tax_in_gross, tax_on_net

TaxRate = Literal["10", "8", "0"]

# Display and summing order on documents: standard rate first, then reduced, then zero / exempt.
RATE_ORDER: tuple[TaxRate, ...] = ("10", "8", "0")
RATES: dict[str, Fraction] = {"10": Fraction(10, 100), "8": Fraction(8, 100), "0": Fraction(0)}
REDUCED_RATES = frozenset({"8"})
_CENT = Decimal("0.01")


class PriceEntry(enum.StrEnum):
    """How prices on an invoice are entered: 税抜 (tax added on top) or 税込 (tax contained)."""

    TAX_EXCLUSIVE = "exclusive"
    TAX_INCLUSIVE = "inclusive"


@dataclass(frozen=True)
class InvoiceLine:
    """One line of an invoice. ``tax_rate`` is ``'10'``, ``'8'`` (軽減税率) or ``'0'``."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    tax_rate: TaxRate
    price_includes_tax: bool
    is_discount: bool = False

    @property
    def is_reduced_rate(self) -> bool:
        """Reduced-rate (軽減税率) lines carry the ※ mark on a qualified invoice."""
        return self.tax_rate in REDUCED_RATES


@dataclass(frozen=True)
class RateTotal:
    """The figures of one tax rate: 税抜 ``net``, 消費税 ``tax`` (rounded once), 税込 ``gross``."""

    rate: TaxRate
    net: int
    tax: int
    gross: int

    @property
    def is_reduced(self) -> bool:
        return self.rate in REDUCED_RATES

    def as_dict(self) -> dict[str, int | str]:
        return {"rate": self.rate, "net": self.net, "tax": self.tax, "gross": self.gross}


@dataclass(frozen=True)
class InvoiceTotals:
    """Everything a qualified invoice prints below its lines."""

    price_entry: PriceEntry
    rounding: Rounding
    line_amounts: tuple[int, ...]
    reduced_marks: tuple[bool, ...]  # per line: print ※ 軽減税率対象
    rates: tuple[RateTotal, ...]
    per_line_tax_sum: int  # for comparison only: what per-line rounding would have given

    @property
    def net(self) -> int:
        return sum(r.net for r in self.rates)

    @property
    def tax(self) -> int:
        return sum(r.tax for r in self.rates)

    @property
    def gross(self) -> int:
        return sum(r.gross for r in self.rates)

    @property
    def has_reduced_rate(self) -> bool:
        """Whether the invoice must explain the ※ mark (「※は軽減税率対象」)."""
        return any(self.reduced_marks)

    def rate(self, rate: TaxRate) -> RateTotal | None:
        return next((r for r in self.rates if r.rate == rate), None)

    def breakdown(self) -> list[dict[str, int | str]]:
        """``[{rate, net, tax, gross}]`` in document order (10%, 8%, 0%)."""
        return [r.as_dict() for r in self.rates]


def _field(index: int | None, name: str) -> str:
    return name if index is None else f"lines[{index}].{name}"


def _line_problems(line: InvoiceLine, index: int | None) -> list[Problem]:
    problems: list[Problem] = []
    if line.tax_rate not in RATES:
        problems.append(Problem("sales.error.tax_rate", _field(index, "tax_rate"), {"rate": str(line.tax_rate)}))
    if not line.quantity.is_finite() or line.quantity == 0:
        problems.append(Problem("sales.error.quantity_zero", _field(index, "quantity")))
    if not line.unit_price.is_finite() or line.unit_price != line.unit_price.quantize(_CENT):
        problems.append(Problem("sales.error.unit_price_decimals", _field(index, "unit_price"), {"max": 2}))
    return problems


def _raw_amount(line: InvoiceLine, rule: Rounding) -> int:
    return round_yen(line.quantity * line.unit_price, rule)


def _sign_problem(line: InvoiceLine, amount: int, index: int | None) -> Problem | None:
    if amount < 0 and not line.is_discount:
        return Problem("sales.error.negative_amount", _field(index, "unit_price"), {"amount": amount})
    if amount > 0 and line.is_discount:
        return Problem("sales.error.discount_not_negative", _field(index, "unit_price"), {"amount": amount})
    return None


def line_amount(line: InvoiceLine, rule: Rounding, index: int | None = None) -> int:
    """金額 of one line: quantity x unit price, rounded to the yen by the company ``rule``.

    ``index`` (0-based) names the line in error fields (``lines[2].quantity``).
    """
    problems = _line_problems(line, index)
    if problems:
        raise Invalid(problems[0].key, problems=problems)
    amount = _raw_amount(line, rule)
    problem = _sign_problem(line, amount, index)
    if problem is not None:
        raise Invalid(problem.key, problems=[problem])
    return amount


def _tax(amount: int, rate: Fraction, rule: Rounding, entry: PriceEntry) -> int:
    if entry is PriceEntry.TAX_EXCLUSIVE:
        return tax_on_net(amount, rate, rule)
    return tax_in_gross(amount, rate, rule)


def compute_totals(lines: Sequence[InvoiceLine], rule: Rounding, price_entry: PriceEntry) -> InvoiceTotals:
    """Per-rate totals of a qualified invoice, tax rounded once per rate.

    Tax-exclusive entry: ``tax = round(net x rate)``, ``gross = net + tax``.
    Tax-inclusive entry: ``tax = round(gross x rate / (1 + rate))``, ``net = gross - tax``.

    A line may be entered the other way than the invoice (``price_includes_tax`` disagreeing with
    ``price_entry``). Its amount is never converted on its own (that would round per line, which the
    law forbids): per rate, the amounts of such lines are summed first and that sum is converted ONCE
    into the invoice's basis the way a document entered that way computes it (税込 sum → 税抜:
    ``sum - round(sum x rate / (1 + rate))``; 税抜 sum → 税込: ``sum + round(sum x rate)``), then added to
    the rate's consideration, on which the tax is computed once. When every line agrees with the
    invoice, nothing is converted. All line problems are collected and raised together.
    """
    if not lines:
        raise Invalid("sales.error.no_lines", field="lines")
    problems: list[Problem] = []
    amounts: list[int] = []
    inclusive = price_entry is PriceEntry.TAX_INCLUSIVE
    for i, line in enumerate(lines):
        found = _line_problems(line, i)
        if found:
            problems.extend(found)
            amounts.append(0)
            continue
        amount = _raw_amount(line, rule)
        sign = _sign_problem(line, amount, i)
        if sign is not None:
            problems.append(sign)
        amounts.append(amount)
    if problems:
        raise Invalid(problems[0].key, problems=problems)

    sums: dict[str, int] = {}
    others: dict[str, int] = {}  # per rate: lines entered the other way than the invoice
    per_line_tax_sum = 0
    other_entry = PriceEntry.TAX_EXCLUSIVE if inclusive else PriceEntry.TAX_INCLUSIVE
    for line, amount in zip(lines, amounts, strict=True):
        if line.price_includes_tax == inclusive:
            sums[line.tax_rate] = sums.get(line.tax_rate, 0) + amount
            per_line_tax_sum += _tax(amount, RATES[line.tax_rate], rule, price_entry)
        else:
            sums.setdefault(line.tax_rate, 0)
            others[line.tax_rate] = others.get(line.tax_rate, 0) + amount
            per_line_tax_sum += _tax(amount, RATES[line.tax_rate], rule, other_entry)
    for rate, other in others.items():
        converted = _tax(other, RATES[rate], rule, other_entry)
        sums[rate] += other + converted if inclusive else other - converted

    totals: list[RateTotal] = []
    for rate in RATE_ORDER:
        if rate not in sums:
            continue
        amount = sums[rate]
        tax = _tax(amount, RATES[rate], rule, price_entry)
        if inclusive:
            totals.append(RateTotal(rate, net=amount - tax, tax=tax, gross=amount))
        else:
            totals.append(RateTotal(rate, net=amount, tax=tax, gross=amount + tax))

    return InvoiceTotals(
        price_entry=price_entry,
        rounding=rule,
        line_amounts=tuple(amounts),
        reduced_marks=tuple(line.is_reduced_rate for line in lines),
        rates=tuple(totals),
        per_line_tax_sum=per_line_tax_sum,
    )

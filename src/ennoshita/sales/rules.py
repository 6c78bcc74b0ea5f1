"""Sales rules: the figures of a 締め請求 statement and 与信 (credit limit) exposure.

The qualified-invoice arithmetic every document shares (line amounts, tax once per rate per invoice) is in
:mod:`ennoshita.kernel.tax`; its names are re-exported here for the callers that import them from sales.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ennoshita.kernel.tax import RATE_ORDER as RATE_ORDER
from ennoshita.kernel.tax import RATES as RATES
from ennoshita.kernel.tax import REDUCED_RATES as REDUCED_RATES
from ennoshita.kernel.tax import InvoiceLine as InvoiceLine
from ennoshita.kernel.tax import InvoiceTotals as InvoiceTotals
from ennoshita.kernel.tax import PriceEntry as PriceEntry
from ennoshita.kernel.tax import RateTotal as RateTotal
from ennoshita.kernel.tax import TaxRate as TaxRate
from ennoshita.kernel.tax import compute_totals as compute_totals
from ennoshita.kernel.tax import line_amount as line_amount


def statement_balance(previous_billed: int, received: int, new_sales_gross: int) -> tuple[int, int]:
    """The figures of a 締め請求書: ``(繰越額, 今回請求額)``.

    繰越額 = 前回請求額 - 入金額 (negative when the customer paid more: a credit carried forward);
    今回請求額 = 繰越額 + 今回お買上額 (税込).
    """
    carried_over = previous_billed - received
    return carried_over, carried_over + new_sales_gross


# --- 与信 (credit limit) --------------------------------------------------------------------------------

CREDIT_LIMIT_WARNING = "sales.warning.credit_limit"


def order_backlog(order_gross: int, delivered_gross: int) -> int:
    """What an open order still commits the customer to: its total less what was delivered (never below 0,
    a delivery may round a yen differently from its order)."""
    return max(0, order_gross - delivered_gross)


@dataclass(frozen=True)
class CreditExposure:
    """与信残高 of a customer: what it owes (売掛金, the open amounts of its issued invoices) plus what it has
    ordered and not yet been invoiced for (the undelivered part of its open orders and its unbilled deliveries)."""

    open_receivables: int
    open_orders: int
    unbilled_deliveries: int

    @property
    def total(self) -> int:
        return self.open_receivables + self.open_orders + self.unbilled_deliveries


def credit_exposure(open_receivables: int, orders: Sequence[tuple[int, int]],
                    unbilled_deliveries: int) -> CreditExposure:
    """The exposure from its parts; ``orders`` is ``(order gross, gross delivered so far)`` per open order."""
    return CreditExposure(open_receivables, sum(order_backlog(g, d) for g, d in orders), unbilled_deliveries)


@dataclass(frozen=True)
class CreditWarning:
    """The customer's exposure is over its credit limit: a warning, never a refusal (営業 decides)."""

    limit: int
    exposure: int
    code: str = CREDIT_LIMIT_WARNING

    @property
    def excess(self) -> int:
        return self.exposure - self.limit


def credit_limit_warning(limit: int, exposure: int) -> CreditWarning | None:
    """A warning when ``exposure`` is over ``limit``; a limit of 0 (or less) means no limit. Reaching the limit
    exactly is still within it."""
    if limit <= 0 or exposure <= limit:
        return None
    return CreditWarning(limit, exposure)

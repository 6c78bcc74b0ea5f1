"""Pure rules of purchasing and payables: input-tax credit, three-way match, duplicate bills, transfer fees.

Input-tax credit (仕入税額控除) on a purchase:

* from a registered qualified-invoice issuer (適格請求書発行事業者): the whole tax;
* from a supplier that is not registered (免税事業者等): the transitional share of the tax for the
  transaction date (:func:`ennoshita.ledger.taxes.transitional_deduction_ratio`: 80% to 2026-09-30, 70% to
  2028-09-30, 50% to 2030-09-30, 30% to 2031-09-30, none after), rounded down to the yen
  (1円未満切り捨て, :attr:`Rounding.FLOOR`: the buyer never claims more than the law allows);
* the cap: once the tax-inclusive purchases from ONE non-registered supplier in a fiscal year (その年又は
  その事業年度) exceed the cap, the part beyond it gets no transitional deduction. The cap is dated by the
  first day of the 課税期間 (:func:`ennoshita.ledger.taxes.non_registered_annual_cap`, with its sources): none
  before 2024-10-01, ¥1,000,000,000 from 2024-10-01 (令和6年度改正), ¥100,000,000 from 2026-10-01 (令和8年度
  改正). Bills pass the cap of their fiscal year; ``cap=None`` is no cap;
* before the invoice system (2023-10-01) a purchase from a 免税事業者 was fully deductible.

  A purchase that crosses the cap is split in proportion to its gross (税込) amount::

      over      = min(gross, max(0, cumulative + gross - cap))    # the part beyond the cap
      eligible  = gross - over
      deductible = floor(tax x ratio x eligible / gross)          # one rounding, 切り捨て
      non_deductible = tax - deductible

  ``cumulative`` is the supplier's transitional purchases (税込) in the fiscal year BEFORE this one.

Three-way match (発注・検収・請求の照合): per line, billed quantity against received (検収) quantity and
received against ordered; billed unit price against the ordered one. A quantity must match exactly
(tolerance 0 by default); a price is within tolerance when the unit-price difference is within 1% of the
ordered price OR the amount it makes on the billed quantity is within ¥1,000 (both configurable).

Transfer fees (振込手数料): :class:`TransferFeeTable` is an EXAMPLE table (同一支店 / 同一銀行他支店 / 他行,
under ¥30,000 and ¥30,000 or more); it is not any bank's price list, configure the company's own.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from ennoshita.errors import Invalid, Problem
from ennoshita.ledger.taxes import INVOICE_ERA, NON_REGISTERED_CAPS, transitional_deduction_ratio
from ennoshita.money import Rounding, round_yen
from ennoshita.partners.terms import PaymentTerms

__all__ = [
    "NON_REGISTERED_ANNUAL_CAP", "CreditResult", "input_tax_credit",
    "PoLine", "ReceiptLine", "BillLine", "MatchTolerance", "LineDifference", "match_bill", "needs_approval",
    "duplicate_key", "FeeBearer", "TransferFeeTable", "DEFAULT_FEE_TABLE", "transfer_fee", "payable_after_fee",
    "fee_for_bill", "PaymentTerms", "payment_due_date", "order_status_after_receipts",
]

# --- input-tax credit ------------------------------------------------------------------------------

NON_REGISTERED_ANNUAL_CAP = NON_REGISTERED_CAPS[-1][1]  # the latest cap (一の免税事業者等, 税込, per 課税期間)
FULL = Fraction(1)


@dataclass(frozen=True)
class CreditResult:
    """The deductible and non-deductible parts of a purchase's tax, the ratio applied and why.

    ``reason``: ``registered`` (full credit), ``transitional`` (the dated share), ``transitional_partly_capped``
    (the purchase crosses the annual cap), ``over_cap`` (the supplier is past the cap), ``transitional_ended``
    (the date is outside the transitional period). ``over_cap_gross`` is the part of the gross beyond the cap.
    """

    deductible: int
    non_deductible: int
    ratio: Fraction
    reason: str
    over_cap_gross: int = 0


def _non_negative(value: int, field: str, problems: list[Problem]) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        problems.append(Problem("purchasing.error.not_negative", field))


def input_tax_credit(tax: int, supplier_registered: bool, day: dt.date, cumulative_non_registered_purchases: int,
                     this_purchase_gross: int, *, cap: int | None = NON_REGISTERED_ANNUAL_CAP) -> CreditResult:
    """The creditable input tax of one purchase (see the module docstring for the rules and formula).

    ``tax`` is the purchase's consumption tax, ``this_purchase_gross`` its tax-inclusive amount and
    ``cumulative_non_registered_purchases`` the tax-inclusive purchases from the same non-registered
    supplier earlier in the fiscal year. Amounts are non-negative yen (a return is booked as its own entry).
    """
    problems: list[Problem] = []
    _non_negative(tax, "tax", problems)
    _non_negative(cumulative_non_registered_purchases, "cumulative_non_registered_purchases", problems)
    _non_negative(this_purchase_gross, "this_purchase_gross", problems)
    if not problems and tax > 0 and this_purchase_gross == 0:
        problems.append(Problem("purchasing.error.gross_required", "this_purchase_gross"))
    if problems:
        raise Invalid(problems=problems)
    if supplier_registered:
        return CreditResult(tax, 0, FULL, "registered")
    if day < INVOICE_ERA:
        return CreditResult(tax, 0, FULL, "before_invoice_system")
    ratio = transitional_deduction_ratio(day)
    if ratio == 0:
        return CreditResult(0, tax, ratio, "transitional_ended")
    gross = this_purchase_gross
    over = 0 if cap is None else min(gross, max(0, cumulative_non_registered_purchases + gross - cap))
    eligible = gross - over
    share = Fraction(eligible, gross) if gross else FULL
    deductible = round_yen(tax * ratio * share, Rounding.FLOOR)
    if over == 0:
        reason = "transitional"
    elif eligible == 0:
        reason = "over_cap"
    else:
        reason = "transitional_partly_capped"
    return CreditResult(deductible, tax - deductible, ratio, reason, over)


# --- three-way match -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PoLine:
    """An ordered line (発注明細)."""

    line_id: str
    quantity: Decimal
    unit_price: Decimal


@dataclass(frozen=True)
class ReceiptLine:
    """A received quantity (検収) against a PO line; several receipts of one line add up."""

    line_id: str
    quantity: Decimal


@dataclass(frozen=True)
class BillLine:
    """A billed line (請求明細) against a PO line; several bill lines of one PO line add up in quantity."""

    line_id: str
    quantity: Decimal
    unit_price: Decimal


@dataclass(frozen=True)
class MatchTolerance:
    """Quantity: exact by default. Price: within ``price_ratio`` of the ordered unit price OR within
    ``price_amount`` yen on the billed quantity."""

    quantity: Decimal = Decimal(0)
    price_ratio: Fraction = Fraction(1, 100)
    price_amount: int = 1_000


DEFAULT_TOLERANCE = MatchTolerance()


@dataclass(frozen=True)
class LineDifference:
    """Ordered vs received vs billed for one line.

    ``quantity_difference`` = billed - received; ``price_difference`` = billed - ordered unit price;
    ``amount_difference`` = billed amount - received quantity x ordered price (what the bill asks beyond
    what the order and the receipt justify). ``issues`` names what is off: ``not_ordered``,
    ``over_received`` (received > ordered), ``over_billed_order`` (billed > ordered), ``quantity``
    (billed != received), ``price``.
    """

    line_id: str
    ordered_quantity: Decimal
    received_quantity: Decimal
    billed_quantity: Decimal
    ordered_unit_price: Decimal | None
    billed_unit_price: Decimal | None
    quantity_difference: Decimal
    price_difference: Decimal
    amount_difference: Decimal
    quantity_within: bool
    price_within: bool
    on_bill: bool
    issues: tuple[str, ...] = ()

    @property
    def needs_approval(self) -> bool:
        return not (self.quantity_within and self.price_within)


def _price_within(ordered: Decimal, billed: Decimal, quantity: Decimal, tolerance: MatchTolerance) -> bool:
    difference = Fraction(abs(billed - ordered))
    by_ratio = difference <= Fraction(abs(ordered)) * tolerance.price_ratio
    by_amount = difference * Fraction(abs(quantity)) <= tolerance.price_amount
    return by_ratio or by_amount


def match_bill(po_lines: Sequence[PoLine], receipt_lines: Sequence[ReceiptLine], bill_lines: Sequence[BillLine],
               tolerance: MatchTolerance = DEFAULT_TOLERANCE) -> list[LineDifference]:
    """One :class:`LineDifference` per PO line (in PO order), then per billed line that was never ordered.

    A PO line the bill does not mention is reported with ``on_bill=False`` and never needs approval (it
    may come on a later bill). A bill that repeats a line at two prices is compared at its weighted
    average unit price.
    """
    ordered: dict[str, PoLine] = {}
    for line in po_lines:
        if line.line_id in ordered:  # the same line twice: add the quantities, keep the first price
            first = ordered[line.line_id]
            ordered[line.line_id] = PoLine(line.line_id, first.quantity + line.quantity, first.unit_price)
        else:
            ordered[line.line_id] = line
    received: dict[str, Decimal] = {}
    for receipt in receipt_lines:
        received[receipt.line_id] = received.get(receipt.line_id, Decimal(0)) + receipt.quantity
    billed_qty: dict[str, Decimal] = {}
    billed_amount: dict[str, Decimal] = {}
    for bill in bill_lines:
        billed_qty[bill.line_id] = billed_qty.get(bill.line_id, Decimal(0)) + bill.quantity
        billed_amount[bill.line_id] = billed_amount.get(bill.line_id, Decimal(0)) + bill.quantity * bill.unit_price
    bill_ids = list(dict.fromkeys(bill.line_id for bill in bill_lines))
    line_ids = list(ordered) + [line_id for line_id in bill_ids if line_id not in ordered]

    result: list[LineDifference] = []
    for line_id in line_ids:
        po = ordered.get(line_id)
        ordered_quantity = po.quantity if po else Decimal(0)
        ordered_price = po.unit_price if po else None
        got = received.get(line_id, Decimal(0))
        on_bill = line_id in billed_qty
        qty = billed_qty.get(line_id, Decimal(0))
        amount = billed_amount.get(line_id, Decimal(0))
        billed_price: Decimal | None = None
        if on_bill:
            billed_price = amount / qty if qty else Decimal(0)
        issues: list[str] = []
        if po is None:
            issues.append("not_ordered")
        if po is not None and got - ordered_quantity > tolerance.quantity:
            issues.append("over_received")
        if po is not None and on_bill and qty - ordered_quantity > tolerance.quantity:
            issues.append("over_billed_order")
        if on_bill and abs(qty - got) > tolerance.quantity:
            issues.append("quantity")
        price_ok = True
        if on_bill and ordered_price is not None and billed_price is not None:
            price_ok = _price_within(ordered_price, billed_price, qty, tolerance)
        elif on_bill:
            price_ok = False
        if not price_ok:
            issues.append("price")
        quantity_ok = not ({"not_ordered", "over_received", "over_billed_order", "quantity"} & set(issues))
        price_difference = (billed_price - ordered_price) if (billed_price is not None and ordered_price
                                                              is not None) else Decimal(0)
        amount_difference = amount - got * (ordered_price or Decimal(0)) if on_bill else Decimal(0)
        result.append(LineDifference(
            line_id=line_id, ordered_quantity=ordered_quantity, received_quantity=got, billed_quantity=qty,
            ordered_unit_price=ordered_price, billed_unit_price=billed_price, quantity_difference=qty - got,
            price_difference=price_difference, amount_difference=amount_difference,
            quantity_within=quantity_ok or not on_bill,
            price_within=price_ok, on_bill=on_bill, issues=tuple(issues),
        ))
    return result


def needs_approval(differences: Sequence[LineDifference]) -> bool:
    """A bill needs approval when any line is over tolerance."""
    return any(d.needs_approval for d in differences)


# --- duplicate bills -------------------------------------------------------------------------------

_NUMBER_NOISE = re.compile(r"[\s\-‐‑‒–—―−ー_]")


def duplicate_key(supplier_id: int | str, bill_number: str, gross: int) -> str:
    """Key under which the same supplier's bill, entered twice, collides: ``'<supplier>|<NUMBER>|<gross>'``.

    The number is NFKC-normalised (full-width to ASCII), upper-cased, with spaces and hyphens removed:
    ``'ｉｎｖ－００１２'`` and ``'INV 0012'`` give the same key.
    """
    number = unicodedata.normalize("NFKC", bill_number).upper()
    number = _NUMBER_NOISE.sub("", number)
    supplier = unicodedata.normalize("NFKC", str(supplier_id)).strip()
    return f"{supplier}|{number}|{gross}"


# --- transfer fees ---------------------------------------------------------------------------------


class FeeBearer(enum.StrEnum):
    """Who pays the 振込手数料."""

    SUPPLIER = "supplier"  # 先方負担: deducted from the payment
    US = "us"  # 当方負担


@dataclass(frozen=True)
class TransferFeeTable:
    """振込手数料 by destination and amount bracket (``threshold``: amounts below it are "under").

    The default figures are an EXAMPLE, not a bank's real fees; configure the company's own table.
    """

    threshold: int = 30_000
    same_branch_under: int = 110
    same_branch_over: int = 330
    same_bank_under: int = 220
    same_bank_over: int = 440
    other_bank_under: int = 550
    other_bank_over: int = 770


DEFAULT_FEE_TABLE = TransferFeeTable()


def transfer_fee(amount: int, same_bank: bool, same_branch: bool,
                 fee_table: TransferFeeTable = DEFAULT_FEE_TABLE) -> int:
    """The fee of transferring ``amount`` yen (< threshold: the "under" fee, >= threshold: "over")."""
    problems: list[Problem] = []
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        problems.append(Problem("purchasing.error.positive_amount", "amount"))
    if same_branch and not same_bank:
        problems.append(Problem("purchasing.error.same_branch_other_bank", "same_branch"))
    if problems:
        raise Invalid(problems=problems)
    under, over = _fees(same_bank, same_branch, fee_table)
    return under if amount < fee_table.threshold else over


def _fees(same_bank: bool, same_branch: bool, fee_table: TransferFeeTable) -> tuple[int, int]:
    if same_branch:
        return fee_table.same_branch_under, fee_table.same_branch_over
    if same_bank:
        return fee_table.same_bank_under, fee_table.same_bank_over
    return fee_table.other_bank_under, fee_table.other_bank_over


def payable_after_fee(bill_amount: int, fee_bearer: FeeBearer, fee: int) -> tuple[int, int]:
    """``(pay_amount, fee_charged_to_supplier)``: 先方負担 pays ``bill - fee`` and charges the fee to the
    supplier; 当方負担 pays the bill in full and charges nothing."""
    problems: list[Problem] = []
    if isinstance(bill_amount, bool) or not isinstance(bill_amount, int) or bill_amount <= 0:
        problems.append(Problem("purchasing.error.positive_amount", "bill_amount"))
    if isinstance(fee, bool) or not isinstance(fee, int) or fee < 0:
        problems.append(Problem("purchasing.error.not_negative", "fee"))
    elif fee_bearer is FeeBearer.SUPPLIER and isinstance(bill_amount, int) and fee >= bill_amount > 0:
        problems.append(Problem("purchasing.error.fee_exceeds_bill", "fee"))
    if problems:
        raise Invalid(problems=problems)
    if fee_bearer is FeeBearer.SUPPLIER:
        return bill_amount - fee, fee
    return bill_amount, 0


def fee_for_bill(bill_amount: int, fee_bearer: FeeBearer, same_bank: bool, same_branch: bool,
                 fee_table: TransferFeeTable = DEFAULT_FEE_TABLE) -> int:
    """The fee to pass to :func:`payable_after_fee`.

    当方負担: the fee of the bill amount. 先方負担: the fee of the amount actually sent (bill - fee). Just
    above the threshold no fee is self-consistent (bill 30,600, other bank: 770 leaves 29,830, charged 550;
    550 leaves 30,050, charged 770); there we deduct the lower ("under") fee and bear the difference, so the
    supplier is never charged more than the bank could charge for what it receives.
    """
    fee = transfer_fee(bill_amount, same_bank, same_branch, fee_table)
    if fee_bearer is FeeBearer.US or bill_amount - fee <= 0:
        return fee
    if transfer_fee(bill_amount - fee, same_bank, same_branch, fee_table) == fee:
        return fee
    return _fees(same_bank, same_branch, fee_table)[0]


# --- payment due date ------------------------------------------------------------------------------


def payment_due_date(bill_date: dt.date, terms: PaymentTerms) -> dt.date:
    """支払期日 of a supplier's bill under its 締日/支払日 terms (the same rule as receivables:
    :class:`ennoshita.sales.terms.PaymentTerms`)."""
    return terms.due_date_for(bill_date)


# --- an order's state from what was received ---------------------------------------------------------


def order_status_after_receipts(lines: Sequence[tuple[Decimal, Decimal]]) -> str:
    """A sent order's state from its lines' (ordered, received) quantities: ``sent`` while nothing is received
    (again, after a 検収取消), ``received`` when every line is complete, ``partial`` in between."""
    if all(received <= 0 for _ordered, received in lines):
        return "sent"
    if all(received >= ordered for ordered, received in lines):
        return "received"
    return "partial"

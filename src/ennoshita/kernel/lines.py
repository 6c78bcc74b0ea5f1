"""Document lines as entered (品目 code or free text, quantity, unit price, rate), checked and resolved the same
way on every document (見積, 受注, 納品, 請求書, 発注書, 受領請求書), and their totals per tax rate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from ennoshita.errors import Invalid, Problem
from ennoshita.kernel.models import DESCRIPTION_LENGTH
from ennoshita.kernel.tax import RATES, InvoiceLine, InvoiceTotals, PriceEntry, TaxRate, compute_totals
from ennoshita.lengths import TOO_LONG
from ennoshita.money import MAX_YEN, Rounding, decimal_in_range, yen_in_range
from ennoshita.partners.models import Item

MAX_LINES = 500


def priced_as_discount(unit_price: str | Decimal | int) -> bool:
    """Whether a line is a 値引 line by its price as typed or stored (出精値引 -1,200): the line grids and the
    purchasing lines, which have no other way to say so, read a negative unit price as one."""
    if isinstance(unit_price, str):
        return unit_price.strip().startswith("-")
    return unit_price < 0


@dataclass(frozen=True)
class LineInput:
    """One line as a user or a client typed it. With an ``item_code`` the item fills what is left empty."""

    description: str = ""
    quantity: str | Decimal = "1"
    unit_price: str | Decimal = ""
    tax_rate: str = ""
    unit: str = ""
    item_code: str = ""
    is_discount: bool = False
    price_includes_tax: bool | None = None  # None: as the document's price entry says
    line_date: dt.date | None = None  # 取引年月日 of an invoice line (消費税法57条の4①二); None: the issue date
    tax_kind: str = ""  # a 0% line: export 免税 (消費税法7条) / exempt 非課税 (6条, the default) / out_of_scope 不課税
    # 用途区分 of a purchase order line (taxable / non_taxable / common; "": the company's default): purchasing only
    tax_purpose: str = ""
    # 簡易課税の事業区分 1..6 of a sales line (10% / 8%); None: the company's ``simplified_type``: sales only
    business_type: int | None = None


@dataclass(frozen=True)
class ResolvedLine:
    item_id: int | None
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    tax_rate: str
    amount: int
    is_discount: bool = False
    price_includes_tax: bool | None = None  # None: as the document's price entry says
    tax_kind: str | None = None  # 0% lines: export / exempt / out_of_scope (None: exempt 非課税)
    business_type: int | None = None  # 簡易課税の事業区分 1..6 of a 10% / 8% sales line (None: the company's)

    def row(self, line_no: int) -> dict[str, object]:
        """The columns every document line has (purchasing's too)."""
        return {"line_no": line_no, "item_id": self.item_id, "description": self.description,
                "quantity": self.quantity, "unit": self.unit, "unit_price": self.unit_price,
                "tax_rate": self.tax_rate, "amount": self.amount}

    def sales_row(self, line_no: int) -> dict[str, object]:
        """A sales document line's columns: those of :meth:`row` and the 0% kind."""
        return {**self.row(line_no), "tax_kind": self.tax_kind, "business_type": self.business_type}


def parse_decimal(text: str | Decimal | int, field_name: str, problems: list[Problem],
                  places: int = 2) -> Decimal:
    try:
        value = Decimal(str(text).replace(",", "").strip() or "0")
    except InvalidOperation:
        problems.append(Problem("sales.error.number", field_name, {"value": str(text)[:40]}))
        return Decimal(0)
    if not decimal_in_range(value):  # before any arithmetic: 1E+1000000 or NaN never reach quantize
        problems.append(Problem("error.amount_range", field_name, {"max": f"{MAX_YEN:,}"}))
        return Decimal(0)
    if value != value.quantize(Decimal(1).scaleb(-places)):
        problems.append(Problem("sales.error.decimals", field_name, {"max": places}))
    return value


def price_entry_of(text: str) -> PriceEntry:
    try:
        return PriceEntry(text)
    except ValueError:
        raise Invalid("sales.error.price_entry", field="price_entry", value=text) from None


def line_problems(session: Session, lines: Sequence[LineInput], price_entry: str, rounding: Rounding) -> list[Problem]:
    """Every problem :func:`resolve_lines` finds in the lines, returned instead of raised (read-only): what a
    form reports beside the problems of its header, so that one submit shows them all (issue 13 item 7)."""
    try:
        resolve_lines(session, lines, price_entry_of(price_entry), rounding)
    except Invalid as exc:
        return exc.problems or [Problem(exc.key, exc.field, exc.params)]
    return []


def resolve_lines(session: Session, lines: Sequence[LineInput], price_entry: PriceEntry,
                  rounding: Rounding) -> tuple[list[ResolvedLine], InvoiceTotals]:
    """Fill lines from their items, check every line and compute the per-rate totals (tax once per rate).
    Raises Invalid naming every bad line (``lines[2].quantity``)."""
    if not lines:
        raise Invalid("sales.error.no_lines", field="lines")
    if len(lines) > MAX_LINES:
        raise Invalid("sales.error.too_many_lines", field="lines", max=MAX_LINES)
    codes = {ln.item_code.strip() for ln in lines if ln.item_code.strip()}
    items = {i.code: i for i in session.scalars(select(Item).where(Item.code.in_(codes)))} if codes else {}
    problems: list[Problem] = []
    drafts: list[tuple[int | None, str, Decimal, str, Decimal, str, bool, bool | None]] = []
    kinds: list[str | None] = []
    btypes: list[int | None] = []
    for i, ln in enumerate(lines):
        where = f"lines[{i}]"
        item = items.get(ln.item_code.strip()) if ln.item_code.strip() else None
        if ln.item_code.strip() and item is None:
            problems.append(Problem("sales.error.unknown_item", f"{where}.item_code", {"code": ln.item_code}))
        description = ln.description.strip() or (item.name if item else "")
        if not description:
            problems.append(Problem("sales.error.line_description", f"{where}.description"))
        if len(description) > DESCRIPTION_LENGTH:
            problems.append(Problem(TOO_LONG, f"{where}.description",
                                    {"max": DESCRIPTION_LENGTH, "length": len(description)}))
        quantity = parse_decimal(ln.quantity, f"{where}.quantity", problems, places=3)
        price_text = ln.unit_price if str(ln.unit_price).strip() else (item.unit_price if item else "")
        if not str(price_text).strip():
            problems.append(Problem("error.required", f"{where}.unit_price"))
            price_text = "0"
        price = parse_decimal(price_text, f"{where}.unit_price", problems)
        rate = ln.tax_rate.strip() or (item.tax_rate if item else "10")
        if rate not in RATES:
            problems.append(Problem("sales.error.tax_rate", f"{where}.tax_rate", {"rate": rate}))
        unit = ln.unit.strip() or (item.unit if item else "")
        kind = ln.tax_kind.strip() or None
        if kind is not None and (kind not in TAX_KINDS or rate != "0"):
            problems.append(Problem("sales.error.tax_kind", f"{where}.tax_kind", {"kind": kind}))
        kinds.append(kind if rate == "0" else None)
        btype = ln.business_type or None
        if btype is not None and (btype not in BUSINESS_TYPE_CODES or rate == "0"):
            problems.append(Problem("sales.error.business_type", f"{where}.business_type", {"value": btype}))
        btypes.append(btype)
        drafts.append((item.id if item else None, description, quantity, unit, price, rate, ln.is_discount,
                       ln.price_includes_tax))
    if problems:
        raise Invalid(problems=problems)
    inclusive = price_entry is PriceEntry.TAX_INCLUSIVE
    rule_lines = [InvoiceLine(d[1], d[2], d[4], _rate(d[5]), inclusive if d[7] is None else d[7], d[6])
                  for d in drafts]
    totals = compute_totals(rule_lines, rounding, price_entry)
    bounds = [Problem("error.amount_range", f"lines[{i}].unit_price", {"max": f"{MAX_YEN:,}"})
              for i, amount in enumerate(totals.line_amounts) if not yen_in_range(amount)]
    if not bounds and not yen_in_range(totals.net + sum(r.tax for r in totals.rates)):
        bounds.append(Problem("error.total_range", "lines"))
    if bounds:
        raise Invalid(problems=bounds)
    resolved = [ResolvedLine(d[0], d[1], d[2], d[3], d[4], d[5], amount, d[6], d[7], kind, btype)
                for d, amount, kind, btype in zip(drafts, totals.line_amounts, kinds, btypes, strict=True)]
    return resolved, totals


BUSINESS_TYPE_CODES = (1, 2, 3, 4, 5, 6)  # 簡易課税の事業区分 (ennoshita.ledger.taxes.BUSINESS_TYPES)
TAX_KINDS = ("export", "exempt", "out_of_scope")  # 免税 (輸出, 消費税法7条) / 非課税 (6条) / 不課税


def _rate(text: str) -> TaxRate:
    if text == "10":
        return "10"
    if text == "8":
        return "8"
    return "0"


def totals_of(lines: Sequence[ResolvedLine], price_entry: PriceEntry, rounding: Rounding) -> InvoiceTotals:
    """Per-rate totals of lines already resolved (a consolidated invoice over several deliveries)."""
    inclusive = price_entry is PriceEntry.TAX_INCLUSIVE
    return compute_totals([InvoiceLine(ln.description, ln.quantity, ln.unit_price, _rate(ln.tax_rate),
                                       inclusive if ln.price_includes_tax is None else ln.price_includes_tax,
                                       ln.amount < 0) for ln in lines], rounding, price_entry)

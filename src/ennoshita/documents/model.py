"""Business documents (見積書, 注文請書, 納品書, 請求書, 返還請求書, 発注書) as plain frozen dataclasses.

The renderer never computes money: every amount (line amounts, per-rate totals, the grand total and the
締め請求 statement) arrives already calculated as ``int`` yen, so the printed document is exactly what the
books say. Quantities and unit prices are ``Decimal``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

DocumentKind = Literal["quote", "order_confirmation", "delivery_note", "invoice", "credit_note", "purchase_order"]
TaxRate = Literal["10", "8", "0"]
PriceEntry = Literal["exclusive", "inclusive"]


@dataclass(frozen=True)
class Party:
    """A company or person on a document: the issuer or the recipient."""

    name: str
    honorific: str = "御中"  # 御中 for a company, 様 for a person
    postal_code: str = ""
    address: str = ""
    phone: str = ""
    registration_number: str = ""  # 適格請求書発行事業者登録番号, "T" + 13 digits
    representative: str = ""


@dataclass(frozen=True)
class DocumentLine:
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    amount: int
    tax_rate: str  # "10" | "8" | "0"
    reduced: bool  # 軽減税率対象 (printed with ※)
    line_date: dt.date | None = None
    # the price was entered with tax (True, 税込) or without (False, 税抜); None: as the document's price_entry.
    # A line entered the other way than its document is printed with 「(税込)」 / 「(税抜)」 and a footnote.
    price_includes_tax: bool | None = None

    def entered_otherwise(self, price_entry: str) -> bool:
        """Whether this line's price was entered the other way than the document's (a mixed document)."""
        return self.price_includes_tax is not None and self.price_includes_tax != (price_entry == "inclusive")


@dataclass(frozen=True)
class RateSummary:
    """税率ごとに区分した合計: rate "10" / "8" / "0" (非課税・対象外)."""

    rate: str
    net: int
    tax: int
    gross: int


@dataclass(frozen=True)
class Statement:
    """The 締め請求 summary row: 前回御請求額 − 御入金額 = 繰越金額; + 今回お買上額 + 消費税額 = 今回御請求額."""

    previous_billed: int
    received: int
    carried_over: int
    current_sales: int
    current_tax: int
    billed: int


@dataclass(frozen=True)
class BusinessDocument:
    kind: DocumentKind
    number: str
    issue_date: dt.date
    issuer: Party
    recipient: Party
    subject: str
    lines: tuple[DocumentLine, ...]
    rate_totals: tuple[RateSummary, ...]
    total_net: int
    total_tax: int
    total_gross: int
    price_entry: PriceEntry = "exclusive"
    valid_until: dt.date | None = None
    due_date: dt.date | None = None
    delivery_date: dt.date | None = None
    delivery_place: str = ""
    payment_terms: str = ""
    bank_accounts: tuple[str, ...] = ()  # 振込先, one account per line
    notes: str = ""
    original_number: str = ""  # credit note: the invoice it corrects
    original_date: dt.date | None = None
    # credit note: 対価の返還等の基となった課税資産の譲渡等を行った年月日 (消費税法57条の4③二), the first and
    # last 取引年月日 of the invoice it corrects
    original_sale_from: dt.date | None = None
    original_sale_to: dt.date | None = None
    statement: Statement | None = None
    period_from: dt.date | None = None
    period_to: dt.date | None = None
    seal_png: bytes | None = None

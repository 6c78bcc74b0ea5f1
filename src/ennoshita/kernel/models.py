"""Columns every document with lines shares (見積, 受注, 納品, 請求書; 発注 and 仕入請求書 lines):
quantities and prices, the line columns, and the totals of a document."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import BigInteger, Integer, Numeric, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

Qty = Numeric(14, 3)
Price = Numeric(14, 2)
DESCRIPTION_LENGTH = 200  # 品名 of a line, on every document


class PricedLineColumns:
    """Columns every priced line has: 品名, quantity, unit price, rate and amount (a supplier bill's lines too).
    ``sort_order`` keeps the line columns in one order, after the table's own, whichever mixin a table takes."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=1)
    line_no: Mapped[int] = mapped_column(Integer, sort_order=2)
    description: Mapped[str] = mapped_column(String(DESCRIPTION_LENGTH), sort_order=4)
    quantity: Mapped[Decimal] = mapped_column(Qty, sort_order=5)
    unit_price: Mapped[Decimal] = mapped_column(Price, sort_order=7)
    tax_rate: Mapped[str] = mapped_column(String(2), sort_order=8)
    amount: Mapped[int] = mapped_column(BigInteger, sort_order=9)


class ItemLineColumns(PricedLineColumns):
    """A priced line of an item with its unit (発注 lines; every sales line)."""

    item_id: Mapped[int | None] = mapped_column(Integer, sort_order=3)
    unit: Mapped[str] = mapped_column(String(10), default="", sort_order=6)


class LineColumns(ItemLineColumns):
    """Columns every sales document line has (見積, 受注, 納品, 請求書)."""

    # a 0% line: export (免税, 消費税法7条) / exempt (非課税, 6条) / out_of_scope (不課税); None: 非課税 for "0"
    tax_kind: Mapped[str | None] = mapped_column(String(12), sort_order=10)
    # 簡易課税の事業区分 1..6 of a 10% / 8% line (消費税法施行令57条); None: the company's simplified_type
    business_type: Mapped[int | None] = mapped_column(SmallInteger, sort_order=11)


class DocumentTotals:
    """Totals of a document: its price entry (税抜 / 税込) and net, tax and gross in yen."""

    price_entry: Mapped[str] = mapped_column(String(10), default="exclusive")
    net: Mapped[int] = mapped_column(BigInteger, default=0)
    tax: Mapped[int] = mapped_column(BigInteger, default=0)
    gross: Mapped[int] = mapped_column(BigInteger, default=0)

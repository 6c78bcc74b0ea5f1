"""Columns every document with lines shares (見積, 受注, 納品, 請求書; purchasing's lines have the same shapes):
quantities and prices, the line columns, and the totals of a document."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import BigInteger, Integer, Numeric, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

Qty = Numeric(14, 3)
Price = Numeric(14, 2)
DESCRIPTION_LENGTH = 200  # 品名 of a line, on every document


class LineColumns:
    """Columns every document line has."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    line_no: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(DESCRIPTION_LENGTH))
    quantity: Mapped[Decimal] = mapped_column(Qty)
    unit: Mapped[str] = mapped_column(String(10), default="")
    unit_price: Mapped[Decimal] = mapped_column(Price)
    tax_rate: Mapped[str] = mapped_column(String(2))
    amount: Mapped[int] = mapped_column(BigInteger)
    # a 0% line: export (免税, 消費税法7条) / exempt (非課税, 6条) / out_of_scope (不課税); None: 非課税 for "0"
    tax_kind: Mapped[str | None] = mapped_column(String(12))
    # 簡易課税の事業区分 1..6 of a 10% / 8% line (消費税法施行令57条); None: the company's simplified_type
    business_type: Mapped[int | None] = mapped_column(SmallInteger)


class DocumentTotals:
    """Totals of a document: its price entry (税抜 / 税込) and net, tax and gross in yen."""

    price_entry: Mapped[str] = mapped_column(String(10), default="exclusive")
    net: Mapped[int] = mapped_column(BigInteger, default=0)
    tax: Mapped[int] = mapped_column(BigInteger, default=0)
    gross: Mapped[int] = mapped_column(BigInteger, default=0)

"""取引先 (partners) and 品目 (items): one register for customers and suppliers, used by sales and purchasing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ennoshita.db import Base
from ennoshita.kernel.models import Price


class Partner(Base):
    """取引先: one register for customers and suppliers."""

    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    name_kana: Mapped[str] = mapped_column(String(200), default="")
    search_kana: Mapped[str] = mapped_column(String(200), default="", index=True)  # normalised (bank names)
    honorific: Mapped[str] = mapped_column(String(4), default="御中")
    corporate_number: Mapped[str] = mapped_column(String(13), default="")
    registration_number: Mapped[str] = mapped_column(String(14), default="", index=True)
    is_qualified_issuer: Mapped[bool] = mapped_column(Boolean, default=False)
    is_customer: Mapped[bool] = mapped_column(Boolean, default=True)
    is_supplier: Mapped[bool] = mapped_column(Boolean, default=False)
    postal_code: Mapped[str] = mapped_column(String(8), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    billing_address: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    closing_day: Mapped[int] = mapped_column(Integer, default=31)  # 5/10/15/20/25/31(末日) or 0 (都度)
    months_after: Mapped[int] = mapped_column(Integer, default=1)
    pay_day: Mapped[int] = mapped_column(Integer, default=31)
    holiday_shift: Mapped[str] = mapped_column(String(10), default="next")  # previous / next
    fee_bearer: Mapped[str] = mapped_column(String(10), default="payer")  # payer 当方負担 / payee 先方負担
    bank_code: Mapped[str] = mapped_column(String(4), default="")
    branch_code: Mapped[str] = mapped_column(String(3), default="")
    account_type: Mapped[str] = mapped_column(String(10), default="")  # ordinary / checking / savings
    account_number: Mapped[str] = mapped_column(String(7), default="")
    account_holder_kana: Mapped[str] = mapped_column(String(60), default="")
    credit_limit: Mapped[int] = mapped_column(BigInteger, default=0)  # 0 = none
    notes: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    # purchasing (0016): 源泉徴収 category of an individual paid 報酬・料金 ("" none; withholding.rules.CATEGORIES),
    # 中小受託事業者 under 取適法 and the basis (資本金 / 従業員数) it was judged on.
    withholding_category: Mapped[str] = mapped_column(String(20), default="", server_default="")
    small_subcontractor: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    small_subcontractor_basis: Mapped[str] = mapped_column(String(200), default="", server_default="")


class PartnerContact(Base):
    """担当者 of a partner."""

    __tablename__ = "partner_contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    department: Mapped[str] = mapped_column(String(60), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    is_billing: Mapped[bool] = mapped_column(Boolean, default=False)


class Item(Base):
    """品目."""

    __tablename__ = "items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    unit: Mapped[str] = mapped_column(String(10), default="個")
    unit_price: Mapped[Decimal] = mapped_column(Price, default=Decimal(0))
    tax_rate: Mapped[str] = mapped_column(String(2), default="10")  # "10" / "8" (軽減) / "0" (非課税)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

"""源泉所得税 withheld (one row per payment that withheld tax, from any source: supplier bills now, payroll
later) and its 納付 (remittances to the tax office).

A row is accrued when the source document is posted (the bill: 預り金 credited); ``paid_date`` is set when
the payee is actually paid (the payment run marked 支払済), which decides the month, hence the 納期限;
``remittance_id`` when the tax was paid to the tax office.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ennoshita.db import Base


class WithholdingRemittance(Base):
    """源泉所得税の納付: what was paid for one 納期限, with its posting (預り金 / 普通預金). The items a
    cancelled 納付 covered are listed in its audit record (their ``remittance_id`` is cleared)."""

    __tablename__ = "withholding_remittances"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    due_date: Mapped[dt.date] = mapped_column(Date, index=True)
    paid_date: Mapped[dt.date] = mapped_column(Date)
    total: Mapped[int] = mapped_column(BigInteger)
    journal_entry_id: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    # paid → cancelled (納付の取消: the entry reversed, the items unpaid again; the row stays)
    status: Mapped[str] = mapped_column(String(10), default="paid", server_default="paid")
    reversal_entry_id: Mapped[int | None] = mapped_column(Integer)
    cancelled_by: Mapped[int | None] = mapped_column(Integer)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class WithholdingItem(Base):
    """One payment's 源泉所得税: who, which category (報酬 category or 給与), 支給額 and 税額."""

    __tablename__ = "withholding_items"
    __table_args__ = (Index("ix_withholding_items_payee_year", "payee_id", "accrual_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_kind: Mapped[str] = mapped_column(String(20))  # supplier_bill / salary
    source_id: Mapped[int] = mapped_column(Integer)
    source_number: Mapped[str] = mapped_column(String(30), default="")
    payee_kind: Mapped[str] = mapped_column(String(20), default="partner")  # partner / employee
    payee_id: Mapped[int] = mapped_column(Integer)
    payee_name: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(BigInteger)  # 支給額 (the base the tax was computed on)
    tax: Mapped[int] = mapped_column(BigInteger)
    accrual_date: Mapped[dt.date] = mapped_column(Date, index=True)  # 支払確定日 (the bill date)
    paid_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    due_date: Mapped[dt.date | None] = mapped_column(Date, index=True)  # 納期限, known once paid
    remittance_id: Mapped[int | None] = mapped_column(ForeignKey("withholding_remittances.id"), index=True)

"""経費精算 tables: claims, their lines, each employee's 振込先口座, and the claim number sequence.

A receipt image lives in the shared attachments table (owner ``expense_claim``) with its 電子帳簿保存法
search fields (取引年月日, 金額, 取引先); a line points at it by ``attachment_id``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ennoshita.db import Base


class ExpenseClaim(Base):
    """draft → pending_approval → approved (posted) ; sent_back / withdrawn return to draft; rejected ends.
    ``payment_status``: unpaid → in_run → paid."""

    __tablename__ = "expense_claims"
    __table_args__ = (
        Index("ix_expense_claims_employee", "employee_id", "id"),
        Index("ix_expense_claims_status", "status", "id"),
        Index("ix_expense_claims_payment", "payment_status", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    employee_id: Mapped[int] = mapped_column(Integer)
    department: Mapped[str] = mapped_column(String(60), default="")
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    total: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    journal_entry_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    payment_status: Mapped[str] = mapped_column(String(10), default="unpaid")
    payment_run_id: Mapped[int | None] = mapped_column(Integer, index=True)
    paid_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ExpenseLine(Base):
    """One expense: a receipt (領収書), a public-transport fare (交通費) or a private-car trip (走行距離)."""

    __tablename__ = "expense_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("expense_claims.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))  # receipt / transport / mileage
    expense_date: Mapped[dt.date] = mapped_column(Date)
    payee: Mapped[str] = mapped_column(String(200), default="")
    account_code: Mapped[str] = mapped_column(String(10))
    tax_rate: Mapped[str] = mapped_column(String(4))  # 10 / 8 / 0 (非課税) / none (対象外)
    tax_category: Mapped[str] = mapped_column(String(30))  # the ledger's 税区分, registration considered
    registration_number: Mapped[str | None] = mapped_column(String(14))
    amount: Mapped[int] = mapped_column(BigInteger)  # tax included
    purpose: Mapped[str] = mapped_column(Text, default="")
    route_from: Mapped[str] = mapped_column(String(100), default="")
    route_to: Mapped[str] = mapped_column(String(100), default="")
    round_trip: Mapped[bool] = mapped_column(Boolean, default=False)
    distance_km: Mapped[Decimal | None] = mapped_column(Numeric(8, 1))
    rate_per_km: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    attachment_id: Mapped[int | None] = mapped_column(Integer)
    # why the input tax is credited in full without a qualified invoice (or international: no tax), 0016
    credit_basis: Mapped[str] = mapped_column(String(30), default="", server_default="")
    # 0025: 用途区分 of the 課税仕入 (taxable / non_taxable / common; None: the company's default when posted)
    tax_purpose: Mapped[str | None] = mapped_column(String(12))


class EmployeeBankAccount(Base):
    """振込先口座 of an employee (経費精算の支払先)."""

    __tablename__ = "employee_bank_accounts"

    user_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    bank_code: Mapped[str] = mapped_column(String(4))
    branch_code: Mapped[str] = mapped_column(String(3))
    account_type: Mapped[str] = mapped_column(String(10))  # ordinary / checking / savings
    account_number: Mapped[str] = mapped_column(String(7))
    holder_kana: Mapped[str] = mapped_column(String(60))
    updated_by: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ExpenseSequence(Base):
    """The last claim number per fiscal year: gapless, never reused."""

    __tablename__ = "expense_sequences"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)

"""Purchasing and payables tables: 発注 (purchase orders) with 検収 (goods receipts), 仕入請求書 (supplier
bills) with their three-way match, the payables sub-ledger (買掛金台帳) and 支払 (payment runs) with the
全銀 files they produced.

Posted bills and their lines never change (database triggers); what changes over a bill's life (open, in a
payment run, paid) lives in ``payables``, one row per posted bill. An exported 全銀 file is kept byte for byte
and never changes either: voiding it is a row of ``payment_file_voids``. Document numbers are gapless per
kind and fiscal year (``purchasing_sequences``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from ennoshita.db import Base
from ennoshita.kernel.models import ItemLineColumns as _ItemLineColumns
from ennoshita.kernel.models import Price as Price
from ennoshita.kernel.models import PricedLineColumns as _PricedLineColumns
from ennoshita.kernel.models import Qty as Qty


class PurchasingSequence(Base):
    """The last number used per document kind and fiscal year: gapless, never reused."""

    __tablename__ = "purchasing_sequences"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class PurchaseOrder(Base):
    """発注書. draft → pending_approval → approved → sent → partial → received (or rejected / cancelled)."""

    __tablename__ = "purchase_orders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    order_date: Mapped[dt.date] = mapped_column(Date, index=True)
    delivery_date: Mapped[dt.date | None] = mapped_column(Date)
    delivery_place: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(String(200), default="")
    department: Mapped[str | None] = mapped_column(String(60))
    price_entry: Mapped[str] = mapped_column(String(10), default="exclusive")
    net: Mapped[int] = mapped_column(BigInteger, default=0)
    tax: Mapped[int] = mapped_column(BigInteger, default=0)
    gross: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    request_id: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class PurchaseOrderLine(_ItemLineColumns, Base):
    __tablename__ = "purchase_order_lines"

    order_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id"), index=True)
    received_quantity: Mapped[Decimal] = mapped_column(Qty, default=Decimal(0))
    # 0030: 用途区分 (taxable / non_taxable / common; None: the company's default when posted), carried to the 検収
    # posting, the month-end accrual and the bill's lines that name this line
    tax_purpose: Mapped[str | None] = mapped_column(String(12))


class GoodsReceipt(Base):
    """検収: what arrived of a purchase order on one day."""

    __tablename__ = "goods_receipts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id"), index=True)
    receipt_date: Mapped[dt.date] = mapped_column(Date, index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    # 0022 (検収基準): the purchase as posted on the receipt date, and the bill that settled it
    net: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    tax: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    gross: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    deductible_tax: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    credit_reason: Mapped[str] = mapped_column(String(40), default="", server_default="")
    journal_entry_id: Mapped[int | None] = mapped_column(Integer)
    bill_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # 0042: posted / cancelled (検収取消: its entry reversed, its quantities open on the order again)
    status: Mapped[str] = mapped_column(String(12), default="posted", server_default="posted")


class GoodsReceiptLine(Base):
    __tablename__ = "goods_receipt_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    receipt_id: Mapped[int] = mapped_column(ForeignKey("goods_receipts.id"), index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("purchase_order_lines.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Qty)


class SupplierBill(Base):
    """仕入請求書 as received. pending_approval → posted (or rejected / sent_back) → cancelled (受領請求書の取消);
    immutable once posted, but for that one change of status."""

    __tablename__ = "supplier_bills"
    __table_args__ = (Index("ix_supplier_bills_supplier_date", "supplier_id", "bill_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # ours: BILL-2026-000001
    supplier_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    bill_number: Mapped[str] = mapped_column(String(60))  # the supplier's
    duplicate_key: Mapped[str] = mapped_column(String(120), index=True)
    bill_date: Mapped[dt.date] = mapped_column(Date, index=True)
    due_date: Mapped[dt.date] = mapped_column(Date)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("purchase_orders.id"), index=True)
    department: Mapped[str | None] = mapped_column(String(60))
    supplier_registered: Mapped[bool] = mapped_column(Boolean)
    supplier_registration_number: Mapped[str] = mapped_column(String(14), default="")
    net: Mapped[int] = mapped_column(BigInteger)
    tax: Mapped[int] = mapped_column(BigInteger)
    gross: Mapped[int] = mapped_column(BigInteger)
    deductible_tax: Mapped[int] = mapped_column(BigInteger)
    non_deductible_tax: Mapped[int] = mapped_column(BigInteger)
    credit_reason: Mapped[str] = mapped_column(String(40))
    credit_ratio: Mapped[str] = mapped_column(String(12))  # "7/10"
    credit_breakdown: Mapped[dict[str, list[int]]] = mapped_column(JSON, default=dict)  # rate: [tax, deductible]
    cumulative_before: Mapped[int] = mapped_column(BigInteger, default=0)
    match_status: Mapped[str] = mapped_column(String(20), default="none")  # none / matched / over_tolerance
    match_differences: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), index=True)
    attachment_id: Mapped[int | None] = mapped_column(Integer)
    journal_entry_id: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    posted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # 0016: 源泉徴収 (category, base = the fee without the tax shown separately, tax), the 検収 date the
    # purchase is dated by (the order's last receipt; None: the bill date), tax entered as printed per rate
    withholding_category: Mapped[str] = mapped_column(String(20), default="", server_default="")
    withholding_base: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    withholding_tax: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    receipt_date: Mapped[dt.date | None] = mapped_column(Date)
    printed_tax: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")


class SupplierBillLine(_PricedLineColumns, Base):
    __tablename__ = "supplier_bill_lines"

    bill_id: Mapped[int] = mapped_column(ForeignKey("supplier_bills.id"), index=True)
    account_code: Mapped[str] = mapped_column(String(10))
    order_line_id: Mapped[int | None] = mapped_column(Integer)
    # 0025: 用途区分 (taxable / non_taxable / common; None: the company's default when posted)
    tax_purpose: Mapped[str | None] = mapped_column(String(12))


class Payable(Base):
    """買掛金台帳: one row per posted bill with what is still open. The sum of ``open_amount`` per supplier
    equals the ledger's 買掛金 balance of the supplier's 補助科目."""

    __tablename__ = "payables"
    __table_args__ = (Index("ix_payables_open", "supplier_id", "status", "due_date"),)

    bill_id: Mapped[int] = mapped_column(ForeignKey("supplier_bills.id"), primary_key=True, autoincrement=False)
    supplier_id: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[dt.date] = mapped_column(Date, index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    paid_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    open_amount: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(12), default="open")  # open / in_run / paid
    payment_run_id: Mapped[int | None] = mapped_column(Integer, index=True)


class PaymentRun(Base):
    """支払: pending_approval → approved → exported → paid (or rejected / sent_back)."""

    __tablename__ = "payment_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    payment_date: Mapped[dt.date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    payer_id: Mapped[int | None] = mapped_column(Integer)
    department: Mapped[str | None] = mapped_column(String(60))
    bills_total: Mapped[int] = mapped_column(BigInteger)
    transfer_total: Mapped[int] = mapped_column(BigInteger)
    fee_total: Mapped[int] = mapped_column(BigInteger)
    journal_entry_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    paid_by: Mapped[int | None] = mapped_column(Integer)
    paid_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class PaymentTransfer(Base):
    """One transfer of a run: a supplier, its bank account as of the run, the bills' total, the fee."""

    __tablename__ = "payment_transfers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("payment_runs.id"), index=True)
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))  # None: another payee kind
    # supplier, or another source's payee (expense_claim)
    payee_kind: Mapped[str] = mapped_column(String(20), default="supplier", server_default="supplier")
    payee_ref: Mapped[int | None] = mapped_column(Integer)  # the source's payee (an employee's user id)
    payee_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    payee_sub_account: Mapped[str | None] = mapped_column(String(20))
    liability_account: Mapped[str | None] = mapped_column(String(10))
    bank_code: Mapped[str] = mapped_column(String(4))
    branch_code: Mapped[str] = mapped_column(String(3))
    account_type: Mapped[str] = mapped_column(String(1))  # 全銀 預金種目
    account_number: Mapped[str] = mapped_column(String(7))
    recipient_name: Mapped[str] = mapped_column(String(30))  # 全銀 kana
    bills_amount: Mapped[int] = mapped_column(BigInteger)
    fee: Mapped[int] = mapped_column(BigInteger)
    fee_bearer: Mapped[str] = mapped_column(String(10))  # payer (当方) / payee (先方)
    transfer_amount: Mapped[int] = mapped_column(BigInteger)


class PaymentRunBill(Base):
    __tablename__ = "payment_run_bills"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("payment_runs.id"), index=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("payment_transfers.id"), index=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("supplier_bills.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)


class PaymentFile(Base):
    """A 全銀 file exactly as exported (immutable); a voided one has a row in ``payment_file_voids``."""

    __tablename__ = "payment_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("payment_runs.id"), index=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    line_ending: Mapped[str] = mapped_column(String(8))
    record_count: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(BigInteger)
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class PaymentFileVoid(Base):
    __tablename__ = "payment_file_voids"

    file_id: Mapped[int] = mapped_column(ForeignKey("payment_files.id"), primary_key=True, autoincrement=False)
    reason: Mapped[str] = mapped_column(Text, default="")
    voided_by: Mapped[int | None] = mapped_column(Integer)
    voided_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class PurchasingCancellation(Base):
    """取消 of a posted purchasing document (``kind``: goods_receipt / supplier_bill / payment_run): the reason
    and the entries that reversed its postings. Immutable."""

    __tablename__ = "purchasing_cancellations"
    __table_args__ = (Index("ix_purchasing_cancellations_document", "kind", "document_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    document_id: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text)
    reversal_entry_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    cancelled_by: Mapped[int | None] = mapped_column(Integer)
    cancelled_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

"""Sales tables: the document chain 見積 → 受注 → 納品 → 請求 (partners and items are in
:mod:`ennoshita.partners.models`, re-exported here; the line and total columns in :mod:`ennoshita.kernel.models`),
the receivables sub-ledger (売掛金台帳) and bank deposits with their 消込 allocations.

Issued invoices and their lines are immutable (database triggers); what changes over an invoice's life
(paid, open, replaced, credited) lives in ``receivables``, one row per invoice. Document numbers are
gapless per kind and fiscal year (``sales_sequences``), taken in the issuing transaction.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ennoshita.db import Base
from ennoshita.kernel.models import DocumentTotals as _Totals
from ennoshita.kernel.models import LineColumns as _LineColumns
from ennoshita.kernel.models import Price as Price
from ennoshita.kernel.models import Qty as Qty
from ennoshita.partners.models import Item as Item
from ennoshita.partners.models import Partner as Partner
from ennoshita.partners.models import PartnerContact as PartnerContact


class SalesSequence(Base):
    """The last number used per document kind and fiscal year: gapless, never reused."""

    __tablename__ = "sales_sequences"

    kind: Mapped[str] = mapped_column(String(12), primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Quote(_Totals, Base):
    """見積書. A revision is a new row with the same number and ``revision + 1``; the old one is kept
    (status superseded)."""

    __tablename__ = "quotes"
    __table_args__ = (UniqueConstraint("number", "revision"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    issue_date: Mapped[dt.date] = mapped_column(Date, index=True)
    valid_until: Mapped[dt.date] = mapped_column(Date)
    subject: Mapped[str] = mapped_column(String(200))
    delivery_terms: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    request_id: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class QuoteLine(_LineColumns, Base):
    __tablename__ = "quote_lines"

    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id"), index=True)


class SalesOrder(_Totals, Base):
    """受注. Deliveries draw down its lines; it is delivered when every line is."""

    __tablename__ = "sales_orders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    quote_id: Mapped[int | None] = mapped_column(ForeignKey("quotes.id"))
    order_date: Mapped[dt.date] = mapped_column(Date, index=True)
    customer_po: Mapped[str] = mapped_column(String(60), default="")
    delivery_due: Mapped[dt.date | None] = mapped_column(Date)
    delivery_place: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(String(200))
    billing: Mapped[str] = mapped_column(String(12), default="closing")  # closing 締め請求 / delivery 都度
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    request_id: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class SalesOrderLine(_LineColumns, Base):
    __tablename__ = "sales_order_lines"

    order_id: Mapped[int] = mapped_column(ForeignKey("sales_orders.id"), index=True)
    delivered_quantity: Mapped[Decimal] = mapped_column(Qty, default=Decimal(0))


class Delivery(_Totals, Base):
    """納品. Unbilled until an invoice takes it (``invoice_id``)."""

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_unbilled", "partner_id", "delivery_date", "invoice_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("sales_orders.id"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    delivery_date: Mapped[dt.date] = mapped_column(Date, index=True)
    delivery_place: Mapped[str] = mapped_column(String(200), default="")
    invoice_id: Mapped[int | None] = mapped_column(Integer, index=True)
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    # 出荷基準: the sale posted on the delivery date (the invoice then posts only what its own tax computation
    # adds or takes away); None when the company books sales on the invoice
    journal_entry_id: Mapped[int | None] = mapped_column(Integer)


class DeliveryLine(_LineColumns, Base):
    __tablename__ = "delivery_lines"

    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id"), index=True)
    order_line_id: Mapped[int | None] = mapped_column(Integer)


class Invoice(Base):
    """適格請求書 or 適格返還請求書 (credit note). A draft (``status`` draft, no number, no posting) may be
    changed or deleted; once issued (number taken, posted, receivable opened) it is immutable (database
    trigger)."""

    __tablename__ = "invoices"
    __table_args__ = (
        Index("ix_invoices_partner_date", "partner_id", "issue_date"),
        # the list's order (issue_date desc, id desc): page ids come from this index alone
        Index("ix_invoices_list", "issue_date", "id"),
        # the list's text search (number / subject LIKE '%…%'): a trigram GIN index on PostgreSQL (0009);
        # on SQLite a plain index over both columns, which the search scans instead of the table
        Index("ix_invoices_text", "number", "subject", postgresql_using="gin",
              postgresql_ops={"number": "gin_trgm_ops", "subject": "gin_trgm_ops"}),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str | None] = mapped_column(String(20), unique=True)  # None while a draft
    status: Mapped[str] = mapped_column(String(10), default="issued", server_default="issued")  # draft / issued
    kind: Mapped[str] = mapped_column(String(12), default="invoice")  # invoice / credit_note
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    issue_date: Mapped[dt.date] = mapped_column(Date)
    period_from: Mapped[dt.date | None] = mapped_column(Date)
    period_to: Mapped[dt.date | None] = mapped_column(Date)
    due_date: Mapped[dt.date] = mapped_column(Date)
    billing: Mapped[str] = mapped_column(String(12), default="delivery")  # closing / delivery / manual
    subject: Mapped[str] = mapped_column(String(200), default="")
    recipient_name: Mapped[str] = mapped_column(String(120))
    issuer_name: Mapped[str] = mapped_column(String(120))
    issuer_registration_number: Mapped[str] = mapped_column(String(14))
    price_entry: Mapped[str] = mapped_column(String(10), default="exclusive")
    rounding: Mapped[str] = mapped_column(String(10))
    net_10: Mapped[int] = mapped_column(BigInteger, default=0)
    tax_10: Mapped[int] = mapped_column(BigInteger, default=0)
    net_8: Mapped[int] = mapped_column(BigInteger, default=0)
    tax_8: Mapped[int] = mapped_column(BigInteger, default=0)
    net_0: Mapped[int] = mapped_column(BigInteger, default=0)
    net: Mapped[int] = mapped_column(BigInteger)
    tax: Mapped[int] = mapped_column(BigInteger)
    gross: Mapped[int] = mapped_column(BigInteger)  # positive on a credit note too: its kind says it is returned
    previous_billed: Mapped[int | None] = mapped_column(BigInteger)
    received: Mapped[int | None] = mapped_column(BigInteger)
    carried_over: Mapped[int | None] = mapped_column(BigInteger)
    billed: Mapped[int] = mapped_column(BigInteger)  # 今回御請求額
    original_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))  # credit note / replacement
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))
    notes: Mapped[str] = mapped_column(Text, default="")
    journal_entry_id: Mapped[int | None] = mapped_column(Integer)
    issued_by: Mapped[int | None] = mapped_column(Integer)
    issued_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))  # None while a draft
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class InvoiceLine(_LineColumns, Base):
    __tablename__ = "invoice_lines"

    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    line_date: Mapped[dt.date | None] = mapped_column(Date)
    delivery_id: Mapped[int | None] = mapped_column(Integer)
    # the line's price was entered with tax (税込) or without; None: as the invoice's price_entry says
    price_includes_tax: Mapped[bool | None] = mapped_column(Boolean)


class Receivable(Base):
    """売掛金台帳: one row per invoice with what is still open. The sum of ``open_amount`` equals the
    ledger's 売掛金 balance (a check the accounting screen shows)."""

    __tablename__ = "receivables"
    __table_args__ = (
        Index("ix_receivables_open", "partner_id", "status", "due_date"),
        # 売掛金年齢表 / 延滞一覧: the open ones by due date, covering their sums (migration 0013)
        Index("ix_receivables_aging", "status", "due_date", "partner_id", "open_amount", "invoice_id"),
    )

    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), primary_key=True, autoincrement=False)
    partner_id: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)
    paid_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    open_amount: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(12), default="open")  # open / paid / credited / replaced


class BankDeposit(Base):
    """入金明細 imported from a bank CSV; matched (消込) to invoices by allocations."""

    __tablename__ = "bank_deposits"
    __table_args__ = (UniqueConstraint("fingerprint"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch: Mapped[str] = mapped_column(String(40), index=True)
    fingerprint: Mapped[str] = mapped_column(String(64))  # date|amount|payer|occurrence: a re-import is refused
    value_date: Mapped[dt.date] = mapped_column(Date, index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    payer_name: Mapped[str] = mapped_column(String(120))
    payer_kana: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[str] = mapped_column(String(12), default="unmatched", index=True)  # unmatched / matched
    partner_id: Mapped[int | None] = mapped_column(Integer)
    journal_entry_id: Mapped[int | None] = mapped_column(Integer)
    matched_by: Mapped[int | None] = mapped_column(Integer)
    matched_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    fee_treatment: Mapped[str | None] = mapped_column(String(20))  # the fee's booking on this match (0015)
    booked_account: Mapped[str | None] = mapped_column(String(10))  # status booked: the account (仮受金 …)
    memo: Mapped[str] = mapped_column(String(200), default="", server_default="")


class ReceiptAllocation(Base):
    """One deposit paying (part of) one invoice; ``fee`` is the transfer fee the customer deducted."""

    __tablename__ = "receipt_allocations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deposit_id: Mapped[int] = mapped_column(ForeignKey("bank_deposits.id"), index=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    fee: Mapped[int] = mapped_column(BigInteger, default=0)


class CustomerCredit(Base):
    """得意先の預り残高 (前受金): what the company owes a customer: a credit note beyond what its invoice still
    owed, an overpayment; applied to later invoices or refunded. One signed row per movement (+ owed to the
    customer, − applied or refunded); the balance is their sum and equals the ledger's 前受金 on the customer's
    補助科目."""

    __tablename__ = "customer_credits"
    __table_args__ = (Index("ix_customer_credits_partner", "partner_id", "id"),
                      Index("ix_customer_credits_run", "payment_run_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    entry_date: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(12))  # credit_note / overpayment / applied / refund
    amount: Mapped[int] = mapped_column(BigInteger)
    invoice_id: Mapped[int | None] = mapped_column(Integer)
    deposit_id: Mapped[int | None] = mapped_column(Integer)
    journal_entry_id: Mapped[int | None] = mapped_column(Integer)
    memo: Mapped[str] = mapped_column(String(200), default="", server_default="")
    payment_run_id: Mapped[int | None] = mapped_column(Integer)  # refund_run / refund through a 支払 run (0023)
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

"""Ledger tables: accounts, sub-accounts, departments, journal entries and their lines, maintained balances,
fiscal years, month locks, numbering, recurring entries.

Posted lines are immutable (database triggers refuse UPDATE and DELETE) and carry their entry's date and
period so that ledgers read one index range. ``ledger_balances`` keeps debit and credit totals per account,
sub-account, department and month, updated in the same transaction as each posting, so reports never scan
postings.
"""

from __future__ import annotations

import datetime as dt

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
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement

from ennoshita.db import Base

BigId = BigInteger().with_variant(Integer, "sqlite")


class Account(Base):
    """勘定科目."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    name_kana: Mapped[str] = mapped_column(String(120), default="")
    name_en: Mapped[str] = mapped_column(String(120), default="")
    category: Mapped[str] = mapped_column(String(10))  # asset liability equity revenue expense
    section: Mapped[str] = mapped_column(String(40))  # statement section (流動資産 ...)
    normal_side: Mapped[str] = mapped_column(String(6))  # debit / credit
    default_tax_category: Mapped[str | None] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    @classmethod
    def name_in(cls, lang: str) -> ColumnElement[str]:
        """:func:`ennoshita.ledger.chart.account_name` as a column to select: the English name on an English
        screen or file, the Japanese name otherwise and for an account a user added without one."""
        if lang == "en":
            return func.coalesce(func.nullif(cls.name_en, ""), cls.name)
        return cls.name  # type: ignore[return-value]


class SubAccount(Base):
    """補助科目: a bank account under 普通預金, a partner under 売掛金/買掛金, ..."""

    __tablename__ = "sub_accounts"
    __table_args__ = (UniqueConstraint("account_id", "code"), UniqueConstraint("account_id", "name"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    name_kana: Mapped[str] = mapped_column(String(200), default="")
    partner_id: Mapped[int | None] = mapped_column(Integer, index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Department(Base):
    """部門."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class FiscalYear(Base):
    __tablename__ = "fiscal_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    closing_entry_id: Mapped[int | None] = mapped_column(BigId)
    # 0025: the year's 消費税 calculation, fixed when the year is closed (None: the company's current choice).
    # 割戻し (proportional) / 積上げ (stacked) for sales and purchases, 個別対応 / 一括比例 for the credit
    output_calc: Mapped[str | None] = mapped_column(String(12))
    input_calc: Mapped[str | None] = mapped_column(String(12))
    credit_method: Mapped[str | None] = mapped_column(String(12))
    # 0037: the 確定消費税額 (国税) as filed, when it differs from the books' return (a 修正申告, a 更正): the next
    # year's 中間申告 follow it (ledger.ctax_interim). None: the return as computed
    filed_national_tax: Mapped[int | None] = mapped_column(BigInteger)


class PeriodLock(Base):
    """月次締め: a month (YYYYMM) locked against posting."""

    __tablename__ = "period_locks"

    period: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    locked_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    locked_by: Mapped[int | None] = mapped_column(Integer)


class EntrySequence(Base):
    """The last entry number used in a fiscal year: numbers are gapless and never reused."""

    __tablename__ = "entry_sequences"

    fiscal_year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class JournalEntry(Base):
    """仕訳. A draft keeps its lines as JSON; posting writes immutable lines and a number."""

    __tablename__ = "journal_entries"
    __table_args__ = (
        UniqueConstraint("fiscal_year", "number"),
        Index("ix_journal_entries_date", "entry_date", "id"),
        Index("ix_journal_entries_total", "total"),
        Index("ix_journal_entries_source", "source", "source_ref"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int | None] = mapped_column(Integer)
    entry_date: Mapped[dt.date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(String(200), default="")
    counterparty: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10))  # draft / pending (承認待ち) / posted
    source: Mapped[str] = mapped_column(String(20), default="manual")
    source_ref: Mapped[str | None] = mapped_column(String(60))
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"))
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"))
    total: Mapped[int] = mapped_column(BigInteger, default=0)
    draft_lines: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    posted_by: Mapped[int | None] = mapped_column(Integer)
    posted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class JournalLine(Base):
    """A posted line. Never updated or deleted."""

    __tablename__ = "journal_lines"
    __table_args__ = (
        Index("ix_journal_lines_account", "account_id", "entry_date", "entry_id"),
        # Most lines have no sub-account or department: partial indexes keep imports fast.
        Index("ix_journal_lines_sub", "sub_account_id", "entry_date", "entry_id",
              sqlite_where=text("sub_account_id IS NOT NULL"), postgresql_where=text("sub_account_id IS NOT NULL")),
        Index("ix_journal_lines_dept", "department_id", "entry_date", "entry_id",
              sqlite_where=text("department_id IS NOT NULL"), postgresql_where=text("department_id IS NOT NULL")),
        Index("ix_journal_lines_entry", "entry_id", "line_no"),
        Index("ix_journal_lines_date", "entry_date"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id"))
    line_no: Mapped[int] = mapped_column(Integer)
    entry_date: Mapped[dt.date] = mapped_column(Date)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    sub_account_id: Mapped[int | None] = mapped_column(ForeignKey("sub_accounts.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    tax_category: Mapped[str | None] = mapped_column(String(40))
    debit: Mapped[int] = mapped_column(BigInteger, default=0)
    credit: Mapped[int] = mapped_column(BigInteger, default=0)
    memo: Mapped[str] = mapped_column(String(200), default="")
    # Row of the imported voucher this line came from (弥生 pairs a debit and a credit per row), so that an
    # export gives the same rows back.
    source_row: Mapped[int | None] = mapped_column(Integer)


class Balance(Base):
    """Debit and credit totals per account x sub-account x department x month (0 = none).

    ``is_closing`` separates the year-end closing entry so the income statement of a closed year still
    shows its figures while the balance sheet includes the transfer to 繰越利益剰余金.
    """

    __tablename__ = "ledger_balances"

    account_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    sub_account_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    department_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    period: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    is_closing: Mapped[bool] = mapped_column(Boolean, primary_key=True, default=False)
    debit: Mapped[int] = mapped_column(BigInteger, default=0)
    credit: Mapped[int] = mapped_column(BigInteger, default=0)
    line_count: Mapped[int] = mapped_column(Integer, default=0)  # lines posted: a ledger's page count, unscanned

    __table_args__ = (Index("ix_ledger_balances_period", "period", "account_id"),)


class TaxBalance(Base):
    """Totals per month, tax category and account, for the 消費税集計表 without scanning lines."""

    __tablename__ = "ledger_tax_balances"

    period: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    tax_category: Mapped[str] = mapped_column(String(40), primary_key=True)
    account_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    debit: Mapped[int] = mapped_column(BigInteger, default=0)
    credit: Mapped[int] = mapped_column(BigInteger, default=0)


class RecurringEntry(Base):
    """A scheduled entry (家賃, リース料): posted on its day every N months until its end date."""

    __tablename__ = "recurring_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(String(200), default="")
    counterparty: Mapped[str] = mapped_column(String(200), default="")
    every_months: Mapped[int] = mapped_column(Integer, default=1)
    day_of_month: Mapped[int] = mapped_column(Integer)  # 31 = 末日
    next_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    lines_json: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[int | None] = mapped_column(Integer)


class ConsumptionTaxSettings(Base):
    """How the company computes its 消費税 return (one row, id 1; absent: the defaults). See
    :mod:`ennoshita.ledger.ctax_rules` for each choice and its legal basis."""

    __tablename__ = "consumption_tax_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    method: Mapped[str] = mapped_column(String(20), default="general")  # general / simplified / twenty_percent
    output_calc: Mapped[str] = mapped_column(String(12), default="proportional")  # 割戻し / stacked 積上げ
    input_calc: Mapped[str] = mapped_column(String(12), default="stacked")  # 積上げ / proportional 割戻し
    credit_method: Mapped[str] = mapped_column(String(12), default="individual")  # 個別対応 / lump_sum 一括比例
    simplified_type: Mapped[int] = mapped_column(Integer, default=5)  # 簡易課税の事業区分 第1種..第6種
    # 0025: 用途区分 an untagged 課税仕入 is posted with (taxable / non_taxable / common)
    default_purpose: Mapped[str] = mapped_column(String(12), default="common", server_default="common")

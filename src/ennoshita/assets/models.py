"""総務 tables: the 固定資産台帳 (fixed assets), depreciation runs with their per-asset lines, and 備品 (equipment)
with its loans to employees.

An employee on a loan is, for now, an identity user (``user_id``) or a plain name/number; ``hr_employee_id`` is the
seam where the HR employee (and its 退社 checklist) links in once the HR domain exists.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from ennoshita.db import Base


class FixedAsset(Base):
    """One asset of the register. ``status``: active → disposed (除却/売却). Money is yen."""

    __tablename__ = "fixed_assets"
    __table_args__ = (
        Index("ix_fixed_assets_status", "status", "acquired_on"),
        Index("ix_fixed_assets_municipality", "municipality", "acquired_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind_code: Mapped[str] = mapped_column(String(30))  # tables.KINDS, or "other"
    family: Mapped[str] = mapped_column(String(20))
    account_code: Mapped[str] = mapped_column(String(10))
    declared_class: Mapped[int | None] = mapped_column(Integer)  # 償却資産申告 資産の種類 (None: not declared)
    life: Mapped[int] = mapped_column(Integer)  # 耐用年数 (0 for 一括償却資産 / expensed)
    method: Mapped[str] = mapped_column(String(20))  # rules.METHODS
    acquired_on: Mapped[dt.date] = mapped_column(Date)  # 取得日 = 事業供用日
    cost: Mapped[int] = mapped_column(BigInteger)  # 取得価額
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    department: Mapped[str] = mapped_column(String(60), default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    municipality: Mapped[str] = mapped_column(String(60), default="")  # 所在の市区町村 (償却資産申告)
    supplier_bill_id: Mapped[int | None] = mapped_column(Integer)
    supplier: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="active")
    accumulated: Mapped[int] = mapped_column(BigInteger, default=0)  # 償却累計額 posted
    last_run_month: Mapped[dt.date | None] = mapped_column(Date)  # last month depreciated (1st of the month)
    acquisition_entry_id: Mapped[int | None] = mapped_column(Integer)
    disposed_on: Mapped[dt.date | None] = mapped_column(Date)
    disposal_kind: Mapped[str | None] = mapped_column(String(10))  # sale / retire
    proceeds: Mapped[int | None] = mapped_column(BigInteger)
    disposal_gain: Mapped[int | None] = mapped_column(BigInteger)
    disposal_entry_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class DepreciationRun(Base):
    """One posted run: a month (``period_start`` = ``period_end``'s month) or a fiscal year. ``status``: posted →
    cancelled (減価償却の取消: its entry reversed, the register put back; the row stays, and the period may be run
    again: one standing run per period)."""

    __tablename__ = "depreciation_runs"
    __table_args__ = (
        Index("ux_depreciation_runs_standing", "period_start", unique=True,
              sqlite_where=text("status = 'posted'"), postgresql_where=text("status = 'posted'")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # monthly / yearly
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    style: Mapped[str] = mapped_column(String(10))  # indirect (累計額) / direct
    total: Mapped[int] = mapped_column(BigInteger)
    asset_count: Mapped[int] = mapped_column(Integer)
    journal_entry_id: Mapped[int | None] = mapped_column(Integer)
    posted_by: Mapped[int | None] = mapped_column(Integer)
    posted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(10), default="posted", server_default="posted")
    reversal_entry_id: Mapped[int | None] = mapped_column(Integer)
    cancelled_by: Mapped[int | None] = mapped_column(Integer)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class DepreciationRunAsset(Base):
    """Every asset a run moved on, with its last depreciated month before the run (``prev_month``): what the
    run's 取消 puts back (the 償却累計額 comes back by the run's own lines)."""

    __tablename__ = "depreciation_run_assets"

    run_id: Mapped[int] = mapped_column(ForeignKey("depreciation_runs.id"), primary_key=True)
    asset_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    prev_month: Mapped[dt.date | None] = mapped_column(Date)


class DepreciationLine(Base):
    __tablename__ = "depreciation_lines"
    __table_args__ = (Index("ix_depreciation_lines_asset", "asset_id", "run_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("depreciation_runs.id"), index=True)
    asset_id: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(BigInteger)


class EquipmentItem(Base):
    """備品: a PC, phone, key or card the company lends; may point at its fixed asset."""

    __tablename__ = "equipment_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tag: Mapped[str] = mapped_column(String(30), unique=True)  # 管理番号
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))  # pc / phone / key / card / other
    serial: Mapped[str] = mapped_column(String(100), default="")
    fixed_asset_id: Mapped[int | None] = mapped_column(Integer)
    location: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10), default="in_stock")  # in_stock / lent / lost / retired
    last_checked_on: Mapped[dt.date | None] = mapped_column(Date)  # 棚卸
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class EquipmentLoan(Base):
    """A loan of one item to one employee; open while ``returned_on`` is empty."""

    __tablename__ = "equipment_loans"
    __table_args__ = (Index("ix_equipment_loans_open", "returned_on", "item_id"),
                      Index("ix_equipment_loans_user", "user_id", "returned_on"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("equipment_items.id"))
    user_id: Mapped[int | None] = mapped_column(Integer)  # an identity user, when the employee has a login
    employee_name: Mapped[str] = mapped_column(String(100), default="")
    employee_number: Mapped[str] = mapped_column(String(30), default="")
    hr_employee_id: Mapped[int | None] = mapped_column(Integer)  # seam: the HR employee (退社 checklist), later
    lent_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    returned_on: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    on_leaving: Mapped[bool] = mapped_column(Boolean, default=False)  # returned because the employee left

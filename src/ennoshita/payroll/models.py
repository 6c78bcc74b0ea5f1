"""給与 tables: the company's pay rule, each employee's pay setup, pay runs (monthly and bonus) and their payslips.

A run moves draft → computed → checked (人事 checked it) → fixed (approved by someone other than the preparer,
through the 稟議 route ``payroll_run`` when the company has one). A fixed run and its slips never change; a
correction is a new run with ``corrects_id`` pointing at the run it corrects.
"""

from __future__ import annotations

import datetime as dt
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
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from ennoshita.db import Base

RUN_TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"computed"}),
    "computed": frozenset({"computed", "checked"}),
    "checked": frozenset({"computed", "fixed", "pending_approval"}),
    "pending_approval": frozenset({"fixed", "computed"}),
    "fixed": frozenset(),
}


class PayrollSettings(Base):
    """The company's pay rule (one row, id 1): 締日, 支払日, withholding method, premium timing."""

    __tablename__ = "payroll_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    closing_day: Mapped[int] = mapped_column(Integer, default=31)  # 31 = 月末締め
    pay_month_offset: Mapped[int] = mapped_column(Integer, default=1)  # 1 = 翌月払い
    pay_day: Mapped[int] = mapped_column(Integer, default=25)
    withholding_method: Mapped[str] = mapped_column(String(10), default="computer")  # computer / table
    insurance_in_arrears: Mapped[bool] = mapped_column(Boolean, default=True)  # 翌月徴収
    monthly_hours: Mapped[int] = mapped_column(Integer, default=160)  # 月平均所定労働時間 (割増の基礎)
    prefecture: Mapped[int] = mapped_column(Integer, default=13)  # 協会けんぽ 支部 of the office
    employment_business_type: Mapped[str] = mapped_column(String(20), default="general")
    # 源泉所得税の納期の特例 (所得税法 216条): January-June paid by 10 July, July-December by 20 January
    special_payment_deadline: Mapped[bool] = mapped_column(Boolean, default=False)


class PayProfile(Base):
    """An employee's pay setup (給与設定)."""

    __tablename__ = "payroll_profiles"

    employee_id: Mapped[int] = mapped_column(ForeignKey("hr_employees.id"), primary_key=True)
    pay_type: Mapped[str] = mapped_column(String(10), default="monthly")  # monthly / daily / hourly
    base_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    # [{"name": "役職手当", "amount": 20000, "taxable": true, "social": true, "overtime_base": true}]
    allowances: Mapped[list[Any]] = mapped_column(JSON, default=list)
    commute_allowance: Mapped[int] = mapped_column(BigInteger, default=0)
    commute_nontaxable_limit: Mapped[int] = mapped_column(BigInteger, default=150_000)  # own limit; can only lower
    # 通勤手段 for the 非課税限度額 (所得税法施行令 20条の2): transit (交通機関) / vehicle (交通用具, by distance)
    commute_means: Mapped[str] = mapped_column(String(10), default="transit", server_default="transit")
    commute_distance: Mapped[str] = mapped_column(String(10), default="", server_default="")  # 片道 km, "12.5"
    has_declaration: Mapped[bool] = mapped_column(Boolean, default=False)  # 扶養控除等申告書 (甲欄) filed
    dependents: Mapped[int] = mapped_column(Integer, default=0)  # 扶養親族等の数 for withholding
    # 申告書 detail for 年末調整: [{"name", "relation", "birth_date", "income", "disability", "lives_with"}]
    declaration: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    health_insurer: Mapped[str] = mapped_column(String(10), default="kyokai")  # kyokai / union
    union_health_rate: Mapped[str] = mapped_column(String(12), default="")  # 組合: "9.5" (%)
    union_care_rate: Mapped[str] = mapped_column(String(12), default="")
    health_union_id: Mapped[int | None] = mapped_column(ForeignKey("payroll_health_unions.id"))  # 組合健保
    prefecture: Mapped[int] = mapped_column(Integer, default=13)
    health_member: Mapped[bool] = mapped_column(Boolean, default=True)
    pension_member: Mapped[bool] = mapped_column(Boolean, default=True)
    standard_remuneration: Mapped[int] = mapped_column(BigInteger, default=0)  # 報酬月額 at 資格取得 / last 決定
    employment_insured: Mapped[bool] = mapped_column(Boolean, default=True)
    employment_business_type: Mapped[str] = mapped_column(String(20), default="general")
    resident_tax_mode: Mapped[str] = mapped_column(String(10), default="none")  # special (特別徴収) / none
    resident_tax: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {"2026-06": 8700, ...}
    resident_municipality: Mapped[str] = mapped_column(String(60), default="")  # 特別徴収 納入先 (市区町村)
    # 退職時の住民税 (地方税法 321条の5②): "" = the law's default, "lump_sum" = 一括徴収 on request (June-December
    # leavers), "ordinary" = 普通徴収 (June-December leavers only; January-April leavers are always 一括徴収)
    resident_leaver_choice: Mapped[str] = mapped_column(String(10), default="", server_default="")
    # 給与振込口座 for an employee without a login (人事 keeps the account on the login; this is the fallback)
    bank_code: Mapped[str] = mapped_column(String(4), default="")
    branch_code: Mapped[str] = mapped_column(String(3), default="")
    account_type: Mapped[str] = mapped_column(String(10), default="")
    account_number: Mapped[str] = mapped_column(String(7), default="")
    holder_kana: Mapped[str] = mapped_column(String(60), default="")
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class PayRun(Base):
    __tablename__ = "payroll_runs"
    __table_args__ = (Index("ix_payroll_runs_period", "kind", "period_end"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # monthly / bonus
    title: Mapped[str] = mapped_column(String(100), default="")
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    pay_date: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("payroll_runs.id"))
    bonus_amounts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {employee_id: amount}
    # a 訂正's changed items: {employee_id: {"base_amount": yen, "commute_allowance": yen, "dependents": n}}, applied
    # over the employee's pay setup in this run only (payroll.corrections)
    corrections: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    year_end: Mapped[bool] = mapped_column(Boolean, default=False)  # 年末調整 settled in this (December) run
    prepared_by: Mapped[int | None] = mapped_column(Integer)
    checked_by: Mapped[int | None] = mapped_column(Integer)
    approved_by: Mapped[int | None] = mapped_column(Integer)
    employee_count: Mapped[int] = mapped_column(Integer, default=0)
    gross_total: Mapped[int] = mapped_column(BigInteger, default=0)
    deduction_total: Mapped[int] = mapped_column(BigInteger, default=0)
    net_total: Mapped[int] = mapped_column(BigInteger, default=0)
    employer_total: Mapped[int] = mapped_column(BigInteger, default=0)
    journal_entry_id: Mapped[int | None] = mapped_column(Integer)
    zengin_sha256: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    fixed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # 支払済 (0035): the net pay left the bank on ``paid_date``; ``paid_amount`` is what this run paid (a correction
    # pays only the difference to what its original paid), posted 未払金 / 普通預金 in ``paid_entry_id``
    paid_date: Mapped[dt.date | None] = mapped_column(Date)
    paid_amount: Mapped[int | None] = mapped_column(BigInteger)
    paid_by: Mapped[int | None] = mapped_column(Integer)
    paid_entry_id: Mapped[int | None] = mapped_column(Integer)


class Payslip(Base):
    """One employee's figures in one run (給与明細). Money in integer yen."""

    __tablename__ = "payroll_slips"
    __table_args__ = (Index("ix_payroll_slips_employee", "employee_id", "run_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("payroll_runs.id"), index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("hr_employees.id"))
    employee_number: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    department: Mapped[str] = mapped_column(String(100), default="")
    is_officer: Mapped[bool] = mapped_column(Boolean, default=False)
    tax_column: Mapped[str] = mapped_column(String(4), default="kou")  # kou / otsu
    dependents: Mapped[int] = mapped_column(Integer, default=0)
    # [{"code": "base", "label": "基本給", "amount": 300000}, ...] earnings and deductions in display order
    earnings: Mapped[list[Any]] = mapped_column(JSON, default=list)
    deductions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    attendance: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    year_end: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # 年末調整 figures (源泉徴収票)
    gross: Mapped[int] = mapped_column(BigInteger, default=0)  # 総支給額
    nontaxable: Mapped[int] = mapped_column(BigInteger, default=0)
    health_basis: Mapped[int] = mapped_column(BigInteger, default=0)
    pension_basis: Mapped[int] = mapped_column(BigInteger, default=0)
    health: Mapped[int] = mapped_column(BigInteger, default=0)
    care: Mapped[int] = mapped_column(BigInteger, default=0)
    support: Mapped[int] = mapped_column(BigInteger, default=0)
    pension: Mapped[int] = mapped_column(BigInteger, default=0)
    employment: Mapped[int] = mapped_column(BigInteger, default=0)
    social_total: Mapped[int] = mapped_column(BigInteger, default=0)
    taxable_after_insurance: Mapped[int] = mapped_column(BigInteger, default=0)
    income_tax: Mapped[int] = mapped_column(BigInteger, default=0)
    resident_tax: Mapped[int] = mapped_column(BigInteger, default=0)
    resident_municipality: Mapped[str] = mapped_column(String(60), default="")
    other_deductions: Mapped[int] = mapped_column(BigInteger, default=0)
    deduction_total: Mapped[int] = mapped_column(BigInteger, default=0)
    net: Mapped[int] = mapped_column(BigInteger, default=0)  # 差引支給額
    employer_health: Mapped[int] = mapped_column(BigInteger, default=0)
    employer_pension: Mapped[int] = mapped_column(BigInteger, default=0)
    employer_child: Mapped[int] = mapped_column(BigInteger, default=0)
    employer_employment: Mapped[int] = mapped_column(BigInteger, default=0)
    bank_code: Mapped[str] = mapped_column(String(4), default="")
    branch_code: Mapped[str] = mapped_column(String(3), default="")
    account_type: Mapped[str] = mapped_column(String(10), default="")
    account_number: Mapped[str] = mapped_column(String(7), default="")
    holder_kana: Mapped[str] = mapped_column(String(60), default="")


class FixedWage(Base):
    """One row of an employee's fixed-wage history (固定的賃金: 基本給 or 時給/日給, fixed allowances, 通勤手当) from
    its 適用開始 date. A change is a new row; the old one is kept, so a change can be found for the 月額変更届."""

    __tablename__ = "payroll_fixed_wages"
    __table_args__ = (UniqueConstraint("employee_id", "effective_from", name="uq_payroll_fixed_wages_from"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("hr_employees.id"), index=True)
    effective_from: Mapped[dt.date] = mapped_column(Date)
    pay_type: Mapped[str] = mapped_column(String(10), default="monthly")
    base_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    allowances: Mapped[list[Any]] = mapped_column(JSON, default=list)
    commute_allowance: Mapped[int] = mapped_column(BigInteger, default=0)
    recorded_by: Mapped[int | None] = mapped_column(Integer)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class HealthUnion(Base):
    """A 健康保険組合 (組合健保) with its own rates (``UnionRate``)."""

    __tablename__ = "payroll_health_unions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    insurer_number: Mapped[str] = mapped_column(String(8), default="")  # 保険者番号
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class UnionRate(Base):
    """A 健康保険組合's 健康保険/介護保険 rates from a date, with the employee's share of each (組合 rules may give
    the employee less than half). Rates are percent strings ("9.5"), read as Decimal."""

    __tablename__ = "payroll_union_rates"
    __table_args__ = (UniqueConstraint("union_id", "effective_from", name="uq_payroll_union_rates_from"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    union_id: Mapped[int] = mapped_column(ForeignKey("payroll_health_unions.id"), index=True)
    effective_from: Mapped[dt.date] = mapped_column(Date)
    health_rate: Mapped[str] = mapped_column(String(12))
    health_employee_rate: Mapped[str] = mapped_column(String(12))
    care_rate: Mapped[str] = mapped_column(String(12))
    care_employee_rate: Mapped[str] = mapped_column(String(12))
    recorded_by: Mapped[int | None] = mapped_column(Integer)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class PayrollRemittance(Base):
    """納付済 of what the fixed runs of one period withheld (or owe as employer), per kind, posted against 普通預金 on
    ``paid_date``: per pay month ``income_tax`` (源泉所得税, 預り金), ``resident_tax`` (住民税 特別徴収, 預り金) and
    ``social_insurance`` (健康保険・介護・支援金・厚生年金 to the 年金事務所, the employee's share in 預り金 and the
    employer's in 未払費用); per 労働保険年度 (``month`` "2026": pay dates April 2026 to March 2027)
    ``labour_insurance`` (労働保険料 雇用保険分, paid at the 年度更新: 預り金 and 未払費用 likewise)."""

    __tablename__ = "payroll_remittances"
    __table_args__ = (UniqueConstraint("month", "kind", name="uq_payroll_remittances_month_kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[str] = mapped_column(String(7))  # pay month "2026-11", or 労働保険年度 "2026"
    kind: Mapped[str] = mapped_column(String(20))
    due_date: Mapped[dt.date] = mapped_column(Date)
    paid_date: Mapped[dt.date] = mapped_column(Date)
    withheld: Mapped[int] = mapped_column(BigInteger)  # from 預り金
    employer: Mapped[int] = mapped_column(BigInteger, default=0)  # from 未払費用
    # a 社会保険料 納付 recorded before 0036 cleared that month's 雇用保険料 too: the 労働保険料 leaves the month out
    includes_employment: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    journal_entry_id: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

"""人事 tables: the employee register with effective-dated assignments, attendance (days, punches, breaks,
correction/overtime requests), monthly timesheets that 人事 closes, 年次有給休暇 grants and leave taken,
the 36協定, and the 入社/退社 checklists.

Every duration is an integer number of minutes. Leave is counted in days (Numeric, halves allowed) plus
whole hours for 時間単位年休 (``hours`` with the ``hours_per_day`` that converts them, fixed when taken).

Payroll reads: ``Employee`` (+ the 振込先口座 of its linked user, ``expenses.models.EmployeeBankAccount``),
``Assignment`` (department, position, employment type, weekly days/hours at a date) and the closed
``Timesheet`` of a month (scheduled, actual, 法定時間外, 60h超, 法定休日, 深夜 minutes; workdays, leave).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ennoshita.db import Base

EMPLOYMENT_TYPES = ("regular", "contract", "part_time", "officer")  # 正社員 契約社員 パート・アルバイト 役員
DAY_KINDS = ("workday", "company_holiday", "legal_holiday")  # 所定労働日 / 所定休日 / 法定休日


class Employee(Base):
    """社員名簿. Personal data (birth date, address, contact, emergency contact) is read only by hr/admin."""

    __tablename__ = "hr_employees"
    __table_args__ = (Index("ix_hr_employees_active", "leave_date", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_number: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_kana: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[dt.date] = mapped_column(Date)
    gender: Mapped[str] = mapped_column(String(1), default="")  # M / F / "" (資格取得届 needs it)
    hire_date: Mapped[dt.date] = mapped_column(Date)
    leave_date: Mapped[dt.date | None] = mapped_column(Date)  # last day employed (退職日)
    leave_reason: Mapped[str] = mapped_column(String(200), default="")
    user_id: Mapped[int | None] = mapped_column(Integer, unique=True)  # login account, self-service, 振込先口座
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    postal_code: Mapped[str] = mapped_column(String(10), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    emergency_name: Mapped[str] = mapped_column(String(100), default="")
    emergency_relation: Mapped[str] = mapped_column(String(30), default="")
    emergency_phone: Mapped[str] = mapped_column(String(30), default="")
    basic_pension_number: Mapped[str] = mapped_column(String(12), default="")  # 基礎年金番号
    employment_insurance_number: Mapped[str] = mapped_column(String(13), default="")  # 雇用保険被保険者番号
    monthly_wage: Mapped[int] = mapped_column(Integer, default=0)  # 報酬月額 at hire (資格取得届), yen
    # 導入日: the day from which ennoshita holds this employee's attendance and leave, for someone registered
    # after their hire (set with the 導入時残高; None: the records run from the hire, see hr.rules.assess_period)
    records_from: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class Assignment(Base):
    """所属・役職・雇用条件 from ``effective_from`` until the next row: a transfer on 2027-04-01 is a new row
    and leaves 2026 as it was. ``work_weekdays``: ISO weekdays of the scheduled days ("12345" = Mon-Fri)."""

    __tablename__ = "hr_assignments"
    __table_args__ = (UniqueConstraint("employee_id", "effective_from"),
                      Index("ix_hr_assignments_department", "department", "effective_from"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("hr_employees.id"))
    effective_from: Mapped[dt.date] = mapped_column(Date)
    department: Mapped[str] = mapped_column(String(60))
    position: Mapped[str] = mapped_column(String(60), default="")
    employment_type: Mapped[str] = mapped_column(String(12))
    weekly_days: Mapped[int] = mapped_column(Integer)
    weekly_minutes: Mapped[int] = mapped_column(Integer)
    daily_minutes: Mapped[int] = mapped_column(Integer)  # 1日の所定労働時間
    work_weekdays: Mapped[str] = mapped_column(String(7), default="12345")
    is_manager: Mapped[bool] = mapped_column(Boolean, default=False)  # 管理監督者 (overtime premiums excluded)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class AttendanceDay(Base):
    """One employee's work on one date (the date the shift starts). Figures are computed by the rules when
    the day is saved and again when the month is computed (weekly overtime needs the whole week)."""

    __tablename__ = "hr_attendance_days"
    __table_args__ = (UniqueConstraint("employee_id", "work_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("hr_employees.id"))
    work_date: Mapped[dt.date] = mapped_column(Date)
    day_kind: Mapped[str] = mapped_column(String(16), default="workday")
    clock_in: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    clock_out: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    break_minutes: Mapped[int] = mapped_column(Integer, default=0)
    scheduled_minutes: Mapped[int] = mapped_column(Integer, default=0)
    actual_minutes: Mapped[int] = mapped_column(Integer, default=0)
    overtime_minutes: Mapped[int] = mapped_column(Integer, default=0)  # 法定時間外 (day + week)
    legal_holiday_minutes: Mapped[int] = mapped_column(Integer, default=0)
    night_minutes: Mapped[int] = mapped_column(Integer, default=0)
    source: Mapped[str] = mapped_column(String(12), default="web")  # web / csv / correction / demo
    note: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class Punch(Base):
    """打刻: every clock event as it happened, append-only (the day keeps the resulting times)."""

    __tablename__ = "hr_punches"
    __table_args__ = (Index("ix_hr_punches_employee", "employee_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("hr_employees.id"))
    kind: Mapped[str] = mapped_column(String(12))  # in / out / break_start / break_end
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    source: Mapped[str] = mapped_column(String(12), default="web")
    recorded_by: Mapped[int | None] = mapped_column(Integer)


class AttendanceBreak(Base):
    """A break with its times (from the web clock); imported days only carry ``break_minutes``."""

    __tablename__ = "hr_attendance_breaks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("hr_attendance_days.id"), index=True)
    start_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    end_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class AttendanceRequest(Base):
    """勤怠修正・残業申請, decided through the approval routes (document type ``hr_attendance``).
    draft → pending_approval → approved / rejected (sent back or withdrawn: back to draft)."""

    __tablename__ = "hr_attendance_requests"
    __table_args__ = (Index("ix_hr_attendance_requests_employee", "employee_id", "work_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("hr_employees.id"))
    kind: Mapped[str] = mapped_column(String(12))  # correction / overtime
    work_date: Mapped[dt.date] = mapped_column(Date)
    clock_in: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    clock_out: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    break_minutes: Mapped[int] = mapped_column(Integer, default=0)
    minutes: Mapped[int] = mapped_column(Integer, default=0)  # planned overtime (残業申請)
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="pending_approval")
    requested_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Timesheet(Base):
    """月次勤務表: open while the month is worked, ``closed`` by 人事 (then immutable: payroll reads it).
    ``month`` is the first day of the month."""

    __tablename__ = "hr_timesheets"
    __table_args__ = (UniqueConstraint("employee_id", "month"), Index("ix_hr_timesheets_month", "month", "status"),
                      Index("ix_hr_timesheets_limits", "month", "limit_severity", "employee_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("hr_employees.id"))
    month: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open / closed
    scheduled_days: Mapped[int] = mapped_column(Integer, default=0)
    worked_days: Mapped[int] = mapped_column(Integer, default=0)
    absence_days: Mapped[int] = mapped_column(Integer, default=0)
    leave_days: Mapped[Decimal] = mapped_column(Numeric(5, 1), default=Decimal(0))
    leave_hours: Mapped[int] = mapped_column(Integer, default=0)
    scheduled_minutes: Mapped[int] = mapped_column(Integer, default=0)
    actual_minutes: Mapped[int] = mapped_column(Integer, default=0)
    overtime_minutes: Mapped[int] = mapped_column(Integer, default=0)  # 法定時間外 (8h/day, 40h/week)
    overtime_over60_minutes: Mapped[int] = mapped_column(Integer, default=0)  # part of it beyond 60h
    legal_holiday_minutes: Mapped[int] = mapped_column(Integer, default=0)  # 法定休日労働
    night_minutes: Mapped[int] = mapped_column(Integer, default=0)  # 深夜 22:00-5:00
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[int | None] = mapped_column(Integer)
    # 36協定 position in this month, derived from this and earlier months (kept for the dashboard):
    # 0 over a limit, 1 close to one, 2 clear; flags and warnings as space-separated codes
    limit_severity: Mapped[int] = mapped_column(Integer, default=2)
    limit_flags: Mapped[str] = mapped_column(String(120), default="")
    limit_warnings: Mapped[str] = mapped_column(String(120), default="")
    year_overtime_minutes: Mapped[int] = mapped_column(Integer, default=0)
    months_over_limit: Mapped[int] = mapped_column(Integer, default=0)


class LeaveGrant(Base):
    """年次有給休暇の付与 on a 基準日; usable until ``expires_on`` (inclusive, 2 years)."""

    __tablename__ = "hr_leave_grants"
    __table_args__ = (UniqueConstraint("employee_id", "grant_date"), Index("ix_hr_leave_grants_date", "grant_date"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("hr_employees.id"))
    grant_date: Mapped[dt.date] = mapped_column(Date)
    days: Mapped[Decimal] = mapped_column(Numeric(4, 1))
    expires_on: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(12), default="statutory")
    # statutory / not_eligible; assumed: (part of) the period lay before the records began, counted as attended;
    # opening: 導入時残高, what was left of a grant made before the 導入日 (``days`` = the days left then)
    attendance_rate: Mapped[Decimal | None] = mapped_column(Numeric(6, 4))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class LeaveTaken(Base):
    """年休の取得 (or its request). ``unit`` day / half / hour; counts once ``approved``.
    pending_approval → approved / rejected; sent back or withdrawn → withdrawn; approved → cancelled."""

    __tablename__ = "hr_leave_taken"
    __table_args__ = (Index("ix_hr_leave_taken_employee", "employee_id", "leave_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("hr_employees.id"))
    leave_date: Mapped[dt.date] = mapped_column(Date)
    unit: Mapped[str] = mapped_column(String(6), default="day")
    days: Mapped[Decimal] = mapped_column(Numeric(3, 1), default=Decimal(1))  # 1.0 / 0.5 / 0 (hourly)
    hours: Mapped[int] = mapped_column(Integer, default=0)
    hours_per_day: Mapped[int] = mapped_column(Integer, default=8)
    planned: Mapped[bool] = mapped_column(Boolean, default=False)  # 計画的付与 / 時季指定
    reason: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="pending_approval")
    requested_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Agreement(Base):
    """36協定 for one agreement year (起算日 ``start_date``). Limits in minutes."""

    __tablename__ = "hr_agreements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    start_date: Mapped[dt.date] = mapped_column(Date, unique=True)
    end_date: Mapped[dt.date] = mapped_column(Date)
    variable_hours: Mapped[bool] = mapped_column(Boolean, default=False)  # 1年単位の変形労働時間制 (42h/320h)
    monthly_limit_minutes: Mapped[int] = mapped_column(Integer, default=45 * 60)
    yearly_limit_minutes: Mapped[int] = mapped_column(Integer, default=360 * 60)
    special_clause: Mapped[bool] = mapped_column(Boolean, default=False)
    special_monthly_minutes: Mapped[int] = mapped_column(Integer, default=0)  # < 100h incl. holiday work
    special_yearly_minutes: Mapped[int] = mapped_column(Integer, default=0)  # ≤ 720h
    special_months: Mapped[int] = mapped_column(Integer, default=6)  # months the 45h may be exceeded (≤ 6)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class Checklist(Base):
    """入社・退社手続き for one employee. Items come from the hr defaults and from other domains listening
    to ``hr.checklist_opened`` (they call :func:`ennoshita.hr.services.add_checklist_item_in`)."""

    __tablename__ = "hr_checklists"
    __table_args__ = (UniqueConstraint("employee_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("hr_employees.id"))
    kind: Mapped[str] = mapped_column(String(6))  # hire / leave
    status: Mapped[str] = mapped_column(String(10), default="open")  # open / done
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # e.g. the final leave balance
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ChecklistItem(Base):
    __tablename__ = "hr_checklist_items"
    __table_args__ = (UniqueConstraint("checklist_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    checklist_id: Mapped[int] = mapped_column(ForeignKey("hr_checklists.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    domain: Mapped[str] = mapped_column(String(20), default="hr")
    link: Mapped[str] = mapped_column(String(200), default="")  # e.g. /desk/requests/12
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    done_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    done_by: Mapped[int | None] = mapped_column(Integer)

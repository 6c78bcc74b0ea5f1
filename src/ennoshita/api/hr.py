"""人事 API: employees (register, list, read, transfer, leaving), attendance (clock, CSV import, timesheets, month
close, the 36協定 limits) and 年次有給休暇 (balance with grants up to a date, requests). A thin adapter over
:mod:`ennoshita.hr.services`, which checks every permission; errors are ``application/problem+json``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from ennoshita import textfiles
from ennoshita.api.deps import ApiActor, DbDep
from ennoshita.api.views import ViewModel
from ennoshita.errors import Invalid
from ennoshita.hr import queries, rules, services
from ennoshita.hr.employees import AssignmentView, EmployeeInput, EmployeeView, TransferInput
from ennoshita.security import uploads

router = APIRouter(tags=["hr"])

EmploymentType = Literal["regular", "contract", "part_time", "officer"]


def _minutes(hours: Decimal, field: str) -> int:
    try:
        value = Decimal(hours) * 60
    except InvalidOperation:
        raise Invalid("hr.error.weekly_hours", field=field) from None
    if value != value.to_integral_value():
        raise Invalid("hr.error.whole_minutes", field=field)
    return int(value)


def _month(text: str, field: str = "month") -> dt.date:
    try:
        return dt.date.fromisoformat(f"{text}-01" if len(text) == 7 else text).replace(day=1)
    except ValueError:
        raise Invalid("hr.error.month_format", field=field, value=text) from None


class OpeningGrantIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    grant_date: dt.date = Field(description="The date the leave was granted (the 2-year limit runs from it)")
    days: Decimal = Field(description="Days left of it on the start date, in half days")


class OpeningIn(BaseModel):
    """導入時残高: the start date (導入日) from which the system holds the employee's attendance, and what was left
    on it of each grant made before it. Grants from the start date on are made by the system."""

    model_config = ConfigDict(extra="forbid")

    as_of: dt.date = Field(description="導入日: the first day of the employee's records in the system")
    grants: list[OpeningGrantIn] = Field(default_factory=list)

    def command(self) -> services.OpeningInput:
        return services.OpeningInput(self.as_of, tuple(rules.OpeningRow(g.grant_date, Fraction(g.days))
                                                       for g in self.grants))


class EmployeeIn(ViewModel, view=EmployeeInput, exclude=(
        "weekly_minutes", "daily_minutes", "basic_pension_number", "employment_insurance_number")):
    model_config = ConfigDict(extra="forbid")

    birth_date: dt.date
    hire_date: dt.date
    employment_type: EmploymentType
    weekly_days: int = Field(ge=0, le=7)
    work_weekdays: str | None = Field(None, description='ISO weekdays of the scheduled days, "12345" = Mon-Fri')
    gender: Literal["", "M", "F"] = ""
    monthly_wage: int = Field(0, ge=0)
    user_id: int | None = Field(None, description="Login account for self-service and the 振込先口座")
    weekly_hours: Decimal = Field(ge=0, le=168, description="所定労働時間 per week, e.g. 40 or 22.5")
    daily_hours: Decimal | None = Field(None, description="Default: weekly_hours / weekly_days")
    opening: OpeningIn | None = Field(None, description="For an employee hired before the company started with "
                                                        "the system: the 導入日 and 導入時残高")


class AssignmentOut(ViewModel, view=AssignmentView):
    pass


class EmployeeOut(ViewModel, view=EmployeeView, exclude=("leave_reason", "personal")):
    current: AssignmentOut | None
    history: list[AssignmentOut]


def _out(v: EmployeeView) -> EmployeeOut:
    return EmployeeOut.model_validate(v, from_attributes=True)


@router.post("/employees", response_model=EmployeeOut, status_code=201)
def create_employee(body: EmployeeIn, db: DbDep, actor: ApiActor) -> EmployeeOut:
    """入社: registers the employee and opens the 入社 checklist (desk requests to 総務 and 経理)."""
    data = body.model_dump(exclude={"opening"})
    weekly = _minutes(data.pop("weekly_hours"), "weekly_hours")
    daily_h = data.pop("daily_hours")
    cmd = EmployeeInput(**data, weekly_minutes=weekly,
                        daily_minutes=_minutes(daily_h, "daily_hours") if daily_h is not None else None)
    emp_id = services.hire(db.uow(), actor, cmd, body.opening.command() if body.opening else None)
    return _out(services.get_employee(db.uow(), actor, emp_id))


class EmployeeRowOut(ViewModel, view=queries.EmployeeRow):
    pass


class EmployeePageOut(BaseModel):
    items: list[EmployeeRowOut]
    total: int
    page: int


@router.get("/employees", response_model=EmployeePageOut)
def list_employees(db: DbDep, actor: ApiActor, department: str | None = None, q: str = "",
                   on: dt.date | None = None, include_left: bool = False, page: int = Query(1, ge=1),
                   per_page: int = Query(50, ge=1, le=500)) -> EmployeePageOut:
    rows, total = queries.list_employees(db.uow(), actor, on or dt.date.today(), department=department, search=q,
                                         include_left=include_left, page=page, per_page=per_page)
    return EmployeePageOut(items=[EmployeeRowOut(**r.__dict__) for r in rows], total=total, page=page)


@router.get("/employees/{employee_id}", response_model=EmployeeOut)
def get_employee(employee_id: int, db: DbDep, actor: ApiActor) -> EmployeeOut:
    return _out(services.get_employee(db.uow(), actor, employee_id))


class TransferIn(ViewModel, view=TransferInput, exclude=("weekly_minutes", "daily_minutes")):
    model_config = ConfigDict(extra="forbid")

    employment_type: EmploymentType | None = None
    weekly_days: int | None = Field(None, ge=0, le=7)
    weekly_hours: Decimal | None = None


@router.post("/employees/{employee_id}/transfers", response_model=EmployeeOut, status_code=201)
def transfer(employee_id: int, body: TransferIn, db: DbDep, actor: ApiActor) -> EmployeeOut:
    """異動・条件変更 from a date (never before the hire date); the history before it is kept."""
    weekly = _minutes(body.weekly_hours, "weekly_hours") if body.weekly_hours is not None else None
    return _out(services.transfer(db.uow(), actor, employee_id, TransferInput(
        **body.model_dump(exclude={"weekly_hours"}), weekly_minutes=weekly)))


class LeavingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    leave_date: dt.date = Field(description="The last day employed (退職日)")
    reason: str


@router.post("/employees/{employee_id}/leaving", status_code=201)
def leaving(employee_id: int, body: LeavingIn, db: DbDep, actor: ApiActor) -> dict[str, object]:
    """退社: the final leave balance and the 退社 checklist."""
    return services.leave(db.uow(), actor, employee_id, body.leave_date, body.reason)


class GrantOut(BaseModel):
    grant_date: dt.date
    days: float
    expires_on: dt.date
    used: float
    remaining: float
    kind: str = Field(description="statutory / assumed (出勤率 assumed for the time before the records begin) / "
                                  "opening (導入時残高: the days left on the start date)")


class ObligationOut(BaseModel):
    grant_date: dt.date
    due_by: dt.date
    taken: float
    at_risk: bool


class LeaveOut(BaseModel):
    grants: list[GrantOut]
    balance: float
    obligation_5_days: ObligationOut | None
    records_from: dt.date | None = Field(None, description="導入日, for an employee registered after the hire")


def _leave_out(st: services.LeaveStatus) -> LeaveOut:
    ob = st.obligation
    return LeaveOut(grants=[GrantOut(grant_date=g.grant_date, days=float(g.days), expires_on=g.expires_on,
                                     used=float(g.used), remaining=float(g.remaining), kind=g.kind)
                            for g in st.grants if g.days > 0],
                    balance=float(st.balance),
                    obligation_5_days=ObligationOut(grant_date=ob.grant_date, due_by=ob.due_by,
                                                    taken=float(ob.taken), at_risk=ob.at_risk) if ob else None,
                    records_from=st.records_from)


@router.get("/employees/{employee_id}/leave", response_model=LeaveOut)
def leave_balance(employee_id: int, db: DbDep, actor: ApiActor, on: dt.date | None = None) -> LeaveOut:
    """Grants computed up to ``on`` (default today), each with used and remaining days; the balance; the
    年5日取得義務 (due date, days taken, at risk)."""
    return _leave_out(services.leave_status(db.uow(), actor, employee_id, on))


@router.put("/employees/{employee_id}/leave/opening", response_model=LeaveOut)
def put_leave_opening(employee_id: int, body: OpeningIn, db: DbDep, actor: ApiActor) -> LeaveOut:
    """導入時残高: enter (or replace) the start date and the days left of each grant made before it; returns the
    balance today."""
    services.set_opening(db.uow(), actor, employee_id, body.command())
    return _leave_out(services.leave_status(db.uow(), actor, employee_id))


class LeaveRequestIn(ViewModel, view=services.LeaveInput):
    model_config = ConfigDict(extra="forbid")

    unit: Literal["day", "half", "hour"] = "day"
    record: bool = Field(False, description="人事 records agreed leave at once (no approval)")


class LeaveRequestOut(ViewModel, view=services.LeaveRow, exclude=("days", "hours", "reason")):
    pass


@router.post("/employees/{employee_id}/leave-requests", response_model=LeaveRequestOut, status_code=201)
def request_leave(employee_id: int, body: LeaveRequestIn, db: DbDep, actor: ApiActor) -> LeaveRequestOut:
    row = services.request_leave(db.uow(), actor, services.LeaveInput(**body.model_dump(exclude={"record"})),
                                 employee_id, body.record)
    return LeaveRequestOut.model_validate(row, from_attributes=True)


@router.post("/me/leave-requests", response_model=LeaveRequestOut, status_code=201)
def request_my_leave(body: LeaveRequestIn, db: DbDep, actor: ApiActor) -> LeaveRequestOut:
    row = services.request_leave(db.uow(), actor, services.LeaveInput(**body.model_dump(exclude={"record"})))
    return LeaveRequestOut.model_validate(row, from_attributes=True)


class ClockIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["in", "out", "break_start", "break_end"]


@router.post("/attendance/clock", status_code=201)
def clock(body: ClockIn, db: DbDep, actor: ApiActor) -> dict[str, str]:
    """打刻 for the calling user's own employee record."""
    r = services.clock(db.uow(), actor, body.kind)
    return {"kind": r.kind, "at": r.at.isoformat(), "work_date": r.work_date.isoformat()}


@router.post("/attendance/import", status_code=201)
async def import_attendance(request: Request, db: DbDep, actor: ApiActor) -> dict[str, int]:
    """Time-clock CSV (``employee_number,date,clock_in,clock_out,break_minutes``; after midnight as 25:30), as
    the body (text/csv) or a multipart ``file``. Every bad row is reported (problem+json, ``line``); nothing
    is saved unless all rows are good."""
    stream = await uploads.read_upload(request)  # capped (413), spooled and parsed off the event loop
    if stream is None:
        raise Invalid("hr.error.required", field="file")
    text, _ = textfiles.decode(stream.read())
    result = await run_in_threadpool(services.import_csv, db.uow(), actor, text,  # off the event loop
                                     uploads.rows_allowed(request, "attendance"))
    return {"rows": result.rows, "employees": result.employees}


class LimitOut(BaseModel):
    employee_id: int
    employee_number: str
    name: str
    overtime_minutes: int
    holiday_minutes: int
    year_overtime_minutes: int
    months_over_limit: int
    averages_minutes: dict[str, float] = Field(description="2..6 → average 時間外+休日労働 over that many months")
    flags: list[str]
    warnings: list[str]
    beyond_40_minutes: int = Field(description="安衛則52条の2: the month's worked minutes beyond 40 hours a week "
                                               "(総労働時間 − 暦日数 ÷ 7 × 40時間)")
    interview: bool = Field(description="面接指導の対象（80時間超）: a 労働者 (管理監督者 included) over 80 hours")


class LimitsOut(BaseModel):
    month: str
    agreement_start: dt.date
    agreement_recorded: bool
    items: list[LimitOut]
    total: int
    flagged: int
    warned: int
    interview: int = Field(description="how many are 面接指導の対象（80時間超） in the month")


@router.get("/attendance/limits", response_model=LimitsOut)
def attendance_limits(db: DbDep, actor: ApiActor, month: str = Query(..., description="YYYY-MM"),
                      page: int = Query(1, ge=1), per_page: int = Query(100, ge=1, le=1000),
                      only_flagged: bool = False, only_interview: bool = False) -> LimitsOut:
    """36協定: each employee's overtime, holiday work, the 2-6 month averages and every flag (flagged first);
    the 安衛則52条の2 figure and whether the employee is 面接指導の対象 (over 80 hours)."""
    board = services.dashboard(db.uow(), actor, _month(month), page, per_page, only_flagged, only_interview)
    return LimitsOut(month=board.month.strftime("%Y-%m"), agreement_start=board.agreement.start_date,
                     agreement_recorded=board.agreement.id is not None, total=board.total, flagged=board.flagged,
                     warned=board.warned, interview=board.interview, items=[LimitOut(
                         employee_id=r.employee_id, employee_number=r.employee_number, name=r.name,
                         overtime_minutes=r.overtime, holiday_minutes=r.holiday, year_overtime_minutes=r.year_overtime,
                         months_over_limit=r.months_over,
                         averages_minutes={str(n): float(v) for n, v in r.averages.items()},
                         flags=list(r.flags), warnings=list(r.warnings), beyond_40_minutes=r.beyond_40,
                         interview=r.interview) for r in board.rows])


class CloseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    month: str = Field(description="YYYY-MM")


@router.post("/attendance/close")
def close_month(body: CloseIn, db: DbDep, actor: ApiActor) -> dict[str, object]:
    """月次締め of every employee's 勤務表; employees with a shift still open are listed and stay open."""
    r = services.close_month(db.uow(), actor, _month(body.month))
    return {"month": r.month.strftime("%Y-%m"), "closed": r.closed, "already_closed": r.already_closed,
            "open": [p.params for p in r.problems]}


@router.get("/attendance/timesheets/{employee_id}")
def get_timesheet(employee_id: int, db: DbDep, actor: ApiActor,
                  month: str = Query(..., description="YYYY-MM")) -> dict[str, object]:
    v = services.timesheet(db.uow(), actor, employee_id, _month(month))
    return {"employee_number": v.employee_number, "month": v.month.strftime("%Y-%m"), "status": v.status,
            "scheduled_days": v.scheduled_days, "worked_days": v.worked_days, "absence_days": v.absence_days,
            "leave_days": v.leave_days, "leave_hours": v.leave_hours, "scheduled_minutes": v.scheduled_minutes,
            "actual_minutes": v.actual_minutes, "overtime_minutes": v.overtime_minutes,
            "overtime_over60_minutes": v.overtime_over60_minutes,
            "legal_holiday_minutes": v.legal_holiday_minutes, "night_minutes": v.night_minutes,
            "premium_percent": rules.PREMIUM_PERCENT,
            "days": [{"date": d.work_date.isoformat(), "kind": d.day_kind,
                      "clock_in": d.clock_in.isoformat() if d.clock_in else None,
                      "clock_out": d.clock_out.isoformat() if d.clock_out else None,
                      "break_minutes": d.break_minutes, "actual": d.actual, "overtime": d.overtime,
                      "legal_holiday": d.legal_holiday, "night": d.night, "leave": d.leave} for d in v.days]}


class HrSettingsIO(BaseModel):
    model_config = ConfigDict(extra="forbid")

    week_start: int | None = Field(None, description="First day of the week for the 週40時間 count: 1 (Mon) - 7 (Sun).")
    legal_holiday_weekday: int | None = Field(None, description="The 法定休日 weekday (労基法35条): 1 (Mon) - 7 (Sun).")
    half_day: bool | None = Field(None, description="半日単位の年休 allowed.")
    hourly: bool | None = Field(None, description="時間単位年休 allowed (労使協定).")
    hourly_max_days: int | None = Field(None, description="時間単位年休 days a year, 0-5 (労基法39条④).")
    newest_first: bool | None = Field(None, description="Use the newest grant first (default: carried-over first).")


@router.get("/hr/settings", response_model=HrSettingsIO)
def get_hr_settings(db: DbDep, actor: ApiActor) -> HrSettingsIO:
    """The company's 人事 settings (hr.view)."""
    from ennoshita.hr import settings as hr_settings

    return HrSettingsIO(**hr_settings.get_settings(db.uow(), actor).__dict__)


@router.put("/hr/settings", response_model=HrSettingsIO)
def put_hr_settings(body: HrSettingsIO, db: DbDep, actor: ApiActor) -> HrSettingsIO:
    """Change the settings given (the others are kept); hr.edit; audited; takes effect on the next computation."""
    from ennoshita.hr import settings as hr_settings

    return HrSettingsIO(**hr_settings.update_settings(db.uow(), actor, **body.model_dump(exclude_none=True)).__dict__)

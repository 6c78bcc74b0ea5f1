"""社員名簿 use cases: register an employee (opens the 入社 checklist), edit, transfer (a new effective-dated
assignment), link a login account, leave (退社: opens the checklist with the final leave balance), and read
an employee: the register fields for hr.view, the personal data for hr.personal only, each view audited."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ennoshita import audit
from ennoshita.actor import Actor
from ennoshita.dates import now_utc, today_tokyo
from ennoshita.db import UnitOfWork
from ennoshita.errors import Conflict, Forbidden, Invalid, NotFound, Problem
from ennoshita.hr.models import EMPLOYMENT_TYPES, Assignment, Employee, Timesheet
from ennoshita.identity.models import User
from ennoshita.identity.roles import can, require

DEFAULT_WEEKDAYS = {7: "1234567", 6: "123456", 5: "12345", 4: "1234", 3: "135", 2: "25", 1: "3", 0: ""}
PERSONAL_FIELDS = ("birth_date", "gender", "email", "phone", "postal_code", "address", "emergency_name",
                   "emergency_relation", "emergency_phone", "basic_pension_number", "employment_insurance_number",
                   "monthly_wage")


@dataclass(frozen=True)
class EmployeeInput:
    employee_number: str
    name: str
    name_kana: str
    birth_date: dt.date | None
    hire_date: dt.date | None
    employment_type: str
    department: str
    weekly_days: int
    weekly_minutes: int
    position: str = ""
    daily_minutes: int | None = None
    work_weekdays: str | None = None
    is_manager: bool = False
    gender: str = ""
    email: str = ""
    phone: str = ""
    postal_code: str = ""
    address: str = ""
    emergency_name: str = ""
    emergency_relation: str = ""
    emergency_phone: str = ""
    basic_pension_number: str = ""
    employment_insurance_number: str = ""
    monthly_wage: int = 0
    user_id: int | None = None


@dataclass(frozen=True)
class AssignmentView:
    effective_from: dt.date
    department: str
    position: str
    employment_type: str
    weekly_days: int
    weekly_minutes: int
    daily_minutes: int
    work_weekdays: str
    is_manager: bool


@dataclass(frozen=True)
class EmployeeView:
    id: int
    employee_number: str
    name: str
    name_kana: str
    hire_date: dt.date
    leave_date: dt.date | None
    leave_reason: str
    user_id: int | None
    current: AssignmentView | None
    history: tuple[AssignmentView, ...]
    personal: dict[str, object] = field(default_factory=dict)  # only for hr.personal


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip())


def _assignment_view(a: Assignment) -> AssignmentView:
    return AssignmentView(a.effective_from, a.department, a.position, a.employment_type, a.weekly_days,
                          a.weekly_minutes, a.daily_minutes, a.work_weekdays, a.is_manager)


def check_terms(employment_type: str, weekly_days: int, weekly_minutes: int, daily_minutes: int | None,
                work_weekdays: str | None, problems: list[Problem]) -> tuple[int, str]:
    """The working terms, checked: (daily minutes, scheduled ISO weekdays)."""
    if employment_type not in EMPLOYMENT_TYPES:
        problems.append(Problem("hr.error.employment_type", "employment_type", {"value": employment_type}))
    if not 0 <= weekly_days <= 7:
        problems.append(Problem("hr.error.weekly_days", "weekly_days"))
    if not 0 <= weekly_minutes <= 7 * 24 * 60:
        problems.append(Problem("hr.error.weekly_hours", "weekly_hours"))
    daily = daily_minutes if daily_minutes is not None else (weekly_minutes // weekly_days if weekly_days else 0)
    if not 0 <= daily <= 24 * 60:
        problems.append(Problem("hr.error.daily_hours", "daily_minutes"))
    weekdays = work_weekdays if work_weekdays is not None else DEFAULT_WEEKDAYS.get(weekly_days, "")
    if any(c not in "1234567" for c in weekdays) or len(set(weekdays)) != len(weekdays):
        problems.append(Problem("hr.error.work_weekdays", "work_weekdays"))
    return daily, "".join(sorted(weekdays))


def _check(cmd: EmployeeInput) -> list[Problem]:
    problems: list[Problem] = []
    for name in ("employee_number", "name", "name_kana", "department"):
        if not nfc(str(getattr(cmd, name))):
            problems.append(Problem("hr.error.required", name))
    if len(cmd.employee_number.strip()) > 20:
        problems.append(Problem("hr.error.too_long", "employee_number", {"max": 20}))
    if cmd.birth_date is None:
        problems.append(Problem("hr.error.required", "birth_date"))
    if cmd.hire_date is None:
        problems.append(Problem("hr.error.required", "hire_date"))
    if cmd.birth_date and cmd.hire_date and cmd.birth_date >= cmd.hire_date:
        problems.append(Problem("hr.error.birth_after_hire", "birth_date"))
    if cmd.gender not in ("", "M", "F"):
        problems.append(Problem("hr.error.gender", "gender"))
    if cmd.monthly_wage < 0:
        problems.append(Problem("hr.error.negative", "monthly_wage"))
    check_terms(cmd.employment_type, cmd.weekly_days, cmd.weekly_minutes, cmd.daily_minutes, cmd.work_weekdays,
                problems)
    return problems


def load(s: Session, employee_id: int) -> Employee:
    e = s.get(Employee, employee_id)
    if e is None:
        raise NotFound("hr.error.employee_not_found", field="employee_id", id=employee_id)
    return e


def by_number(s: Session, number: str) -> Employee | None:
    return s.scalar(select(Employee).where(Employee.employee_number == number.strip()))


def of_user(s: Session, user_id: int | None) -> Employee | None:
    if user_id is None:
        return None
    return s.scalar(select(Employee).where(Employee.user_id == user_id))


def history(s: Session, employee_id: int) -> list[Assignment]:
    return list(s.scalars(select(Assignment).where(Assignment.employee_id == employee_id)
                          .order_by(Assignment.effective_from)))


def assignment_at(s: Session, employee_id: int, on: dt.date) -> Assignment | None:
    rows = history(s, employee_id)
    found = None
    for a in rows:
        if a.effective_from <= on:
            found = a
    return found or (rows[0] if rows else None)


def _link_user(s: Session, e: Employee, user_id: int | None, problems: list[Problem]) -> None:
    if user_id is None:
        e.user_id = None
        return
    if s.get(User, user_id) is None:
        problems.append(Problem("hr.error.user_not_found", "user_id", {"id": user_id}))
        return
    other = of_user(s, user_id)
    if other is not None and other.id != e.id:
        problems.append(Problem("hr.error.user_taken", "user_id", {"number": other.employee_number}))
        return
    e.user_id = user_id


def create_in(s: Session, actor: Actor, cmd: EmployeeInput) -> Employee:
    require(actor, "hr.edit")
    problems = _check(cmd)
    if problems:
        raise Invalid(problems=problems)
    assert cmd.hire_date is not None and cmd.birth_date is not None
    if by_number(s, cmd.employee_number) is not None:
        raise Conflict("hr.error.number_taken", field="employee_number", number=cmd.employee_number.strip())
    now = now_utc()
    e = Employee(employee_number=cmd.employee_number.strip(), name=nfc(cmd.name), name_kana=nfc(cmd.name_kana),
                 birth_date=cmd.birth_date, hire_date=cmd.hire_date, created_at=now, updated_at=now,
                 **{f: (nfc(v) if isinstance(v, str) else v) for f in PERSONAL_FIELDS
                    if f != "birth_date" for v in [getattr(cmd, f)]})
    s.add(e)
    s.flush()
    link_problems: list[Problem] = []
    _link_user(s, e, cmd.user_id, link_problems)
    if link_problems:
        raise Invalid(problems=link_problems)
    daily, weekdays = check_terms(cmd.employment_type, cmd.weekly_days, cmd.weekly_minutes, cmd.daily_minutes,
                                  cmd.work_weekdays, [])
    s.add(Assignment(employee_id=e.id, effective_from=cmd.hire_date, department=nfc(cmd.department),
                     position=nfc(cmd.position), employment_type=cmd.employment_type, weekly_days=cmd.weekly_days,
                     weekly_minutes=cmd.weekly_minutes, daily_minutes=daily, work_weekdays=weekdays,
                     is_manager=cmd.is_manager, created_at=now))
    s.flush()
    audit.record(s, actor, "hr_employee", e.id, "create", after={
        "employee_number": e.employee_number, "name": e.name, "hire_date": e.hire_date.isoformat(),
        "department": nfc(cmd.department), "employment_type": cmd.employment_type})
    return e


@dataclass(frozen=True)
class TransferInput:
    effective_from: dt.date
    department: str
    position: str = ""
    employment_type: str | None = None
    weekly_days: int | None = None
    weekly_minutes: int | None = None
    daily_minutes: int | None = None
    work_weekdays: str | None = None
    is_manager: bool | None = None


def transfer(uow: UnitOfWork, actor: Actor, employee_id: int, cmd: TransferInput) -> EmployeeView:
    """異動・条件変更: a new assignment from ``effective_from``; what is not given carries over. Dates before the
    hire date are refused; the assignments before stay as they were."""
    require(actor, "hr.edit")
    with uow:
        s = uow.session
        e = load(s, employee_id)
        if cmd.effective_from < e.hire_date:
            raise Invalid("hr.error.transfer_before_hire", field="effective_from",
                          hire_date=e.hire_date)
        prev = assignment_at(s, e.id, cmd.effective_from)
        assert prev is not None
        etype = cmd.employment_type or prev.employment_type
        days = prev.weekly_days if cmd.weekly_days is None else cmd.weekly_days
        minutes = prev.weekly_minutes if cmd.weekly_minutes is None else cmd.weekly_minutes
        daily_in = cmd.daily_minutes if cmd.daily_minutes is not None else (
            prev.daily_minutes if cmd.weekly_days is None and cmd.weekly_minutes is None else None)
        weekdays_in = cmd.work_weekdays if cmd.work_weekdays is not None else (
            prev.work_weekdays if cmd.weekly_days is None else None)
        problems: list[Problem] = []
        if not nfc(cmd.department):
            problems.append(Problem("hr.error.required", "department"))
        daily, weekdays = check_terms(etype, days, minutes, daily_in, weekdays_in, problems)
        if problems:
            raise Invalid(problems=problems)
        same = s.scalar(select(Assignment).where(Assignment.employee_id == e.id,
                                                 Assignment.effective_from == cmd.effective_from))
        if same is not None:
            raise Conflict("hr.error.assignment_exists", field="effective_from", date=cmd.effective_from)
        row = Assignment(employee_id=e.id, effective_from=cmd.effective_from, department=nfc(cmd.department),
                         position=nfc(cmd.position), employment_type=etype, weekly_days=days, weekly_minutes=minutes,
                         daily_minutes=daily, work_weekdays=weekdays,
                         is_manager=prev.is_manager if cmd.is_manager is None else cmd.is_manager,
                         created_at=now_utc())
        s.add(row)
        s.flush()
        from ennoshita.hr.limits import refresh_limits_in  # 管理監督者 or 役員 from then on: the 36協定 position moves

        for m in s.scalars(select(Timesheet.month).where(Timesheet.employee_id == e.id,
                                                         Timesheet.month >= cmd.effective_from.replace(day=1))):
            refresh_limits_in(s, m, [e.id])
        audit.record(s, actor, "hr_employee", e.id, "transfer", before=_assignment_dict(prev),
                     after=_assignment_dict(row))
        result = view_in(s, actor, e, personal=False)
        uow.commit()
    return result


def _assignment_dict(a: Assignment) -> dict[str, object]:
    return {"effective_from": a.effective_from.isoformat(), "department": a.department, "position": a.position,
            "employment_type": a.employment_type, "weekly_days": a.weekly_days, "weekly_minutes": a.weekly_minutes,
            "daily_minutes": a.daily_minutes, "work_weekdays": a.work_weekdays, "is_manager": a.is_manager}


def update_personal(uow: UnitOfWork, actor: Actor, employee_id: int, values: dict[str, object]) -> EmployeeView:
    """Edit name, カナ and personal data (hr.personal), audited with the fields before and after."""
    require(actor, "hr.personal")
    allowed = set(PERSONAL_FIELDS) | {"name", "name_kana", "user_id"}
    problems = [Problem("hr.error.unknown_field", k) for k in values if k not in allowed]
    with uow:
        s = uow.session
        e = load(s, employee_id)
        before = {k: _plain(getattr(e, k)) for k in values if k in allowed}
        for k, v in values.items():
            if k == "user_id":
                _link_user(s, e, int(v) if v not in (None, "") else None, problems)  # type: ignore[call-overload]
            elif k in ("name", "name_kana") and not nfc(str(v)):
                problems.append(Problem("hr.error.required", k))
            elif k in allowed:
                setattr(e, k, nfc(v) if isinstance(v, str) else v)
        if e.birth_date >= e.hire_date:
            problems.append(Problem("hr.error.birth_after_hire", "birth_date"))
        if e.gender not in ("", "M", "F"):
            problems.append(Problem("hr.error.gender", "gender"))
        if problems:
            raise Invalid(problems=problems)
        e.updated_at = now_utc()
        audit.record(s, actor, "hr_employee", e.id, "update", before=before,
                     after={k: _plain(getattr(e, k)) for k in before})
        result = view_in(s, actor, e, personal=True)
        uow.commit()
    return result


def _plain(v: object) -> object:
    return v.isoformat() if isinstance(v, dt.date) else v


def view_in(s: Session, actor: Actor, e: Employee, personal: bool) -> EmployeeView:
    rows = history(s, e.id)
    current = None
    today = today_tokyo()
    for a in rows:
        if a.effective_from <= today:
            current = a
    current = current or (rows[0] if rows else None)
    data: dict[str, object] = {}
    if personal:
        data = {f: getattr(e, f) for f in PERSONAL_FIELDS}
    return EmployeeView(e.id, e.employee_number, e.name, e.name_kana, e.hire_date, e.leave_date, e.leave_reason,
                        e.user_id, _assignment_view(current) if current else None,
                        tuple(_assignment_view(a) for a in rows), data)


def may_view(s: Session, actor: Actor, e: Employee) -> bool:
    """hr.view, the employee themself, or the head of the department they are in."""
    if can(actor, "hr.view") or (actor.user_id is not None and e.user_id == actor.user_id):
        return True
    from ennoshita.hr.team import heads_of

    a = assignment_at(s, e.id, today_tokyo())
    return a is not None and a.department in heads_of(s, actor)


def get_employee(uow: UnitOfWork, actor: Actor, employee_id: int, personal: bool = False) -> EmployeeView:
    """The register entry. ``personal`` adds the personal data, for hr.personal only, and audits the view
    (in its own transaction: the view is the use case)."""
    with uow:
        s = uow.session
        e = load(s, employee_id)
        if personal:
            require(actor, "hr.personal")
        elif not may_view(s, actor, e):
            raise Forbidden("error.forbidden", capability="hr.view")
        result = view_in(s, actor, e, personal)
        if personal:
            audit.record(s, actor, "hr_employee", e.id, "view_personal",
                         after={"employee_number": e.employee_number, "via": actor.via})
            uow.commit()
    return result

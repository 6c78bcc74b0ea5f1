"""勤怠修正 and 年休 requests on the approval route (SQLite and PostgreSQL): a correction approved by the head
replaces the day; leave beyond the balance (pending requests included), an overlapping shift and a clock-out
before the clock-in are refused with nothing saved; the 退社 checklist takes another domain's item."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import text

from ennoshita import events
from ennoshita.actor import Actor
from ennoshita.approvals import services as approvals
from ennoshita.dates import is_holiday
from ennoshita.db import Database
from ennoshita.errors import Invalid
from ennoshita.hr import services
from ennoshita.hr.attendance import DayInput
from ennoshita.hr.employees import EmployeeInput
from ennoshita.hr.leave import LeaveInput
from ennoshita.hr.timesheets import RequestInput
from ennoshita.identity import services as identity

ADMIN = Actor.system()
D = dt.date


def T(day: dt.date, h: int, m: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(h, m))


@pytest.fixture
def people(db: Database) -> dict[str, Any]:
    for email, name in (("staff@example.jp", "社員 一郎"), ("head@example.jp", "部長 二郎")):
        identity.create_user(db.uow(), ADMIN, identity.NewUser(email=email, display_name=name, roles=("requester",),
                                                               password="pw-for-tests-1", department="製造部"))
    staff = identity.actor_by_email(db.uow(), "staff@example.jp", "web")
    head = identity.actor_by_email(db.uow(), "head@example.jp", "web")
    approvals.set_department_head(db.uow(), ADMIN, "製造部", head.user_id or 0)
    emp = services.hire(db.uow(), ADMIN, EmployeeInput(
        employee_number="S001", name="社員 一郎", name_kana="シャイン イチロウ", birth_date=D(1990, 1, 1),
        hire_date=D(2024, 4, 1), employment_type="regular", department="製造部", weekly_days=5, weekly_minutes=2400,
        user_id=staff.user_id))
    return {"staff": staff, "head": head, "emp": emp}


def _days(db: Database) -> int:
    with db.uow() as uow:
        return int(uow.session.execute(text("SELECT COUNT(*) FROM hr_attendance_days")).scalar_one())


def test_correction_is_approved_and_replaces_the_day(db: Database, people: dict[str, Any]) -> None:
    day = D(2026, 11, 4)
    services.record_day(db.uow(), ADMIN, people["emp"], DayInput(day, T(day, 9), T(day, 18), 60))
    services.submit_request(db.uow(), people["staff"], RequestInput(
        "correction", day, T(day, 9), T(day, 20), 60, reason="打刻漏れ（残業）"))
    [waiting] = approvals.waiting_for_me(db.uow(), people["head"])
    assert waiting.document_type == "hr_attendance"
    approvals.decide(db.uow(), people["head"], waiting.id, "approve")
    sheet = services.timesheet(db.uow(), ADMIN, people["emp"], day)
    row = next(d for d in sheet.days if d.work_date == day)
    assert (row.actual, row.overtime) == (600, 120)  # 9:00-20:00 less 60 = 600, 120 beyond 8h


def test_bad_requests_are_refused_and_nothing_is_saved(db: Database, people: dict[str, Any]) -> None:
    emp = people["emp"]
    day = D(2026, 11, 5)
    services.record_day(db.uow(), ADMIN, emp, DayInput(day, T(day, 20), T(day + dt.timedelta(days=1), 6), 60))
    before = _days(db)
    nxt = day + dt.timedelta(days=1)
    with pytest.raises(Invalid) as e:  # starts at 5:00, before the night shift ends at 6:00
        services.record_day(db.uow(), ADMIN, emp, DayInput(nxt, T(nxt, 5), T(nxt, 14), 60))
    assert e.value.problems[0].key == "hr.error.overlapping_shifts"
    with pytest.raises(Invalid) as e:
        services.record_day(db.uow(), ADMIN, emp, DayInput(nxt, T(nxt, 18), T(nxt, 9), 0))
    assert e.value.problems[0].key == "hr.error.clock_out_before_in"
    assert _days(db) == before
    with pytest.raises(Invalid) as e:
        services.transfer(db.uow(), ADMIN, emp, services.TransferInput(D(2024, 3, 1), "営業部"))
    assert e.value.problems[0].field == "effective_from"
    # hired 2024-04-01: 10 days on 2024-10-01 (expired 2026-09-30), 11 on 2025-10-01, 12 on 2026-10-01 = 23
    balance = services.leave_status(db.uow(), ADMIN, emp, D(2026, 12, 1)).balance
    assert balance == 23
    workdays = [D(2026, 12, 1) + dt.timedelta(days=i) for i in range(60)]
    workdays = [d for d in workdays if d.isoweekday() <= 5 and not is_holiday(d)][:24]
    for d in workdays[:23]:
        services.request_leave(db.uow(), people["staff"], LeaveInput(d, "day"))
    with pytest.raises(Invalid) as e:  # 23 days pending: nothing left to ask for
        services.request_leave(db.uow(), people["staff"], LeaveInput(workdays[23], "day"))
    assert e.value.problems[0].key == "hr.error.leave_beyond_balance"


def test_the_leaving_checklist_takes_another_domains_item(db: Database, people: dict[str, Any]) -> None:
    def assets(s: Any, actor: Actor, data: dict[str, Any]) -> None:
        if data["kind"] == "leave":
            services.add_item_in(s, data["checklist_id"], "assets_return", "貸与資産の返却（ノートPC）", "assets",
                                 "/assets/loans?employee=S001")

    events.subscribe(services.EVENT_OPENED, assets)
    try:
        data = services.leave(db.uow(), ADMIN, people["emp"], D(2026, 12, 31), "自己都合")
    finally:
        events._HANDLERS[services.EVENT_OPENED].remove(assets)
    assert data["final_leave_days"] == "23"
    [hire, leave] = services.checklists(db.uow(), ADMIN, people["emp"])
    assert hire.kind == "hire" and [i.code for i in hire.items][:2] == ["equipment", "payroll"]
    assert hire.items[0].link.startswith("/desk/requests/")
    assert "assets_return" in [i.code for i in leave.items]
    assert leave.data["final_leave_days"] == "23"

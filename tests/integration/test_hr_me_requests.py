"""Self-service 残業申請 on /hr/me (browser-free, SQLite and PostgreSQL): bad hours refused naming the field with
nothing saved, a good one goes to the department head; the head's approval queue links each leave and attendance
request to a page showing the employee, the dates, the reason and, for leave, the balance; others are refused."""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient
from sqlalchemy import text

from ennoshita.actor import Actor
from ennoshita.approvals import services as approvals
from ennoshita.dates import is_holiday, today_tokyo
from ennoshita.db import Database
from ennoshita.hr import services
from ennoshita.hr.employees import EmployeeInput
from ennoshita.hr.rules import add_months
from ennoshita.identity import services as identity
from tests.conftest import login

ADMIN = Actor.system()
PW = "pw-for-tests-1"
DEPT = "試験開発部"


def _requests(db: Database) -> list[tuple[str, int, str]]:
    with db.uow() as uow:
        return [(str(k), int(m), str(r)) for k, m, r in uow.session.execute(text(
            "SELECT kind, minutes, reason FROM hr_attendance_requests r JOIN hr_employees e ON e.id = r.employee_id"
            " WHERE e.employee_number = 'T902' ORDER BY r.id"))]


# Hired 79 months ago (1st of the month): grants fall 6 months after hiring and yearly after, so the 6.5-year grant
# (20 days) came a month ago and the 5.5-year grant (18 days, valid 2 years) 13 months ago; the 4.5-year grant
# expired a month ago. Full-time, nothing taken: 18 + 20 = 38 days (労基法39条②, 115条).
HIRED = add_months(today_tokyo().replace(day=1), -79)


def test_overtime_on_me_and_the_request_page_for_the_approver(client: TestClient, demo_db: Database) -> None:
    for email, name in (("staff@example.jp", "試験 一郎"), ("head@example.jp", "試験 部長"),
                        ("other@example.jp", "別部 三郎")):
        identity.create_user(demo_db.uow(), ADMIN, identity.NewUser(email=email, display_name=name,
                                                                    roles=("requester",), password=PW,
                                                                    department=DEPT))
    staff = identity.actor_by_email(demo_db.uow(), "staff@example.jp", "web")
    head = identity.actor_by_email(demo_db.uow(), "head@example.jp", "web")
    approvals.set_department_head(demo_db.uow(), ADMIN, DEPT, head.user_id or 0)
    services.hire(demo_db.uow(), ADMIN, EmployeeInput(
        employee_number="T902", name="試験 一郎", name_kana="シケン イチロウ", birth_date=dt.date(1990, 1, 1),
        hire_date=HIRED, employment_type="regular", department=DEPT, weekly_days=5,
        weekly_minutes=2400, user_id=staff.user_id))

    token = login(client, "staff@example.jp", PW)
    page = client.get("/hr/me")
    assert page.status_code == 200 and 'data-testid="overtime-form"' in page.text and "残業申請" in page.text
    today = today_tokyo().isoformat()
    for bad in ("abc", "2:75", ""):
        refused = client.post("/hr/me/overtime", data={"csrf_token": token, "ot_date": today, "minutes": bad,
                                                        "ot_reason": "月末の締め作業"})
        assert refused.status_code == 422 and 'data-testid="error-minutes"' in refused.text, (bad, refused.text)
    no_reason = client.post("/hr/me/overtime", data={"csrf_token": token, "ot_date": today, "minutes": "1:00",
                                                      "ot_reason": ""})
    assert no_reason.status_code == 422 and "入力してください" in no_reason.text
    assert _requests(demo_db) == []
    ok = client.post("/hr/me/overtime", data={"csrf_token": token, "ot_date": today, "minutes": "2:30",
                                               "ot_reason": "月末の締め作業"}, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/hr/me?done=overtime"
    assert _requests(demo_db) == [("overtime", 150, "月末の締め作業")]  # 2 h 30 min = 150 minutes
    assert "残業申請を提出しました" in client.get("/hr/me?done=overtime").text
    day = today_tokyo() + dt.timedelta(days=7)
    while day.isoweekday() > 5 or is_holiday(day):
        day += dt.timedelta(days=1)
    leave = client.post("/hr/me/leave", data={"csrf_token": token, "leave_date": day.isoformat(), "unit": "day",
                                              "reason": "私用"}, follow_redirects=False)
    assert leave.status_code == 303, leave.text

    login(client, "head@example.jp", PW)
    queue = client.get("/approvals").text
    [ot_id] = [int(m) for m in re.findall(r'href="/hr/requests/attendance/(\d+)"', queue)]
    [lv_id] = [int(m) for m in re.findall(r'href="/hr/requests/leave/(\d+)"', queue)]
    ot = client.get(f"/hr/requests/attendance/{ot_id}")
    assert ot.status_code == 200 and "T902 試験 一郎" in ot.text and "月末の締め作業" in ot.text
    assert 'data-testid="request-minutes">2:30<' in ot.text and DEPT in ot.text
    lv = client.get(f"/hr/requests/leave/{lv_id}")
    assert lv.status_code == 200 and "私用" in lv.text and "年次有給休暇の申請" in lv.text
    assert 'data-testid="request-balance">38 日<' in lv.text
    assert 'data-testid="request-pending">1 日<' in lv.text  # this request: one whole day waiting

    login(client, "other@example.jp", PW)  # not the head, not the employee, no hr.view
    assert client.get(f"/hr/requests/leave/{lv_id}").status_code == 403
    assert client.get(f"/hr/requests/attendance/{ot_id}").status_code == 403
    assert client.get("/hr/requests/leave/999999").status_code in (403, 404)


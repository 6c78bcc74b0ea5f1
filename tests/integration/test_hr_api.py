"""人事 through /api/v1 and the screens on the demo company (SQLite and PostgreSQL): register an employee, bad
input refused naming each field with nothing saved, a CSV import listing every bad row, the leave balance on a
date, the 36協定 limits; personal data only for hr/admin and each view audited; a transfer never before the
hire date and the history kept."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from ennoshita.dates import today_tokyo
from ennoshita.db import Database
from ennoshita.hr.rules import add_months
from tests.conftest import login
from tests.integration.test_api import auth, token_for

HR = "jinji@demo.ennoshita.jp"
EIGYO = "eigyo@demo.ennoshita.jp"
AUDITOR = "kansa@demo.ennoshita.jp"


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _count(db: Database, table: str) -> int:
    with db.uow() as uow:
        return int(uow.session.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())


def test_register_import_leave_and_limits(client: TestClient, demo_db: Database) -> None:
    hr = auth(token_for(demo_db, HR))
    before = _count(demo_db, "hr_employees")
    bad = client.post("/api/v1/employees", headers=hr, json={
        "employee_number": "0001", "name": "", "name_kana": "テスト", "birth_date": "2030-01-01",
        "hire_date": "2026-04-01", "employment_type": "regular", "department": "営業部", "weekly_days": 5,
        "weekly_hours": 40})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
    assert {p["field"] for p in bad.json()["errors"]} == {"name", "birth_date"}
    assert _count(demo_db, "hr_employees") == before
    taken = client.post("/api/v1/employees", headers=hr, json={
        "employee_number": "0001", "name": "重複 太郎", "name_kana": "チョウフク タロウ", "birth_date": "1990-01-01",
        "hire_date": "2026-04-01", "employment_type": "regular", "department": "営業部", "weekly_days": 5,
        "weekly_hours": 40})
    assert taken.status_code == 409

    emp = _ok(client.post("/api/v1/employees", headers=hr, json={
        "employee_number": "T100", "name": "試験 花子", "name_kana": "シケン ハナコ", "birth_date": "1995-06-01",
        "hire_date": "2025-04-01", "employment_type": "part_time", "department": "製造部", "weekly_days": 3,
        "weekly_hours": 22.5}), 201)
    assert emp["current"]["weekly_minutes"] == 1350 and emp["current"]["work_weekdays"] == "135"
    assert emp["current"]["daily_minutes"] == 450

    before_days = _count(demo_db, "hr_attendance_days")
    csv_bad = ("employee_number,date,clock_in,clock_out,break_minutes\n"
               "T100,2025-06-02,09:00,17:00,60\n"
               "X999,2025-06-04,09:00,17:00,60\n"
               "T100,2025-06-06,17:00,09:00,0\n"
               "T100,2025-06-09,9時,17:00,0\n")
    r = client.post("/api/v1/attendance/import", headers={**hr, "Content-Type": "text/csv"},
                    content=csv_bad.encode())
    assert r.status_code == 422
    lines = sorted((p["line"], p["field"]) for p in r.json()["errors"])
    # each names the file's column (field.attendance.<column> names it to a reader: 社員番号（employee_number）)
    assert lines == [(3, "attendance.employee_number"), (4, "attendance.clock_out"), (5, "attendance.clock_in")]
    assert _count(demo_db, "hr_attendance_days") == before_days
    ok = _ok(client.post("/api/v1/attendance/import", headers={**hr, "Content-Type": "text/csv"},
                         content=b"employee_number,date,clock_in,clock_out,break_minutes\n"
                                 b"T100,2025-06-02,09:00,17:00,60\nT100,2025-06-04,22:00,30:00,60\n"), 201)
    assert ok == {"rows": 2, "employees": 1}
    sheet = _ok(client.get(f"/api/v1/attendance/timesheets/{emp['id']}?month=2025-06", headers=hr))
    # 06-04 22:00 → 06-05 06:00, 60 break: 420 worked; night 22:00-05:00 = 420 (the break has no time)
    assert (sheet["actual_minutes"], sheet["night_minutes"]) == (420 + 420, 420)

    # hired 2025-04-01, 3 days a week and 22.5 hours: first grant 2025-10-01 of 5 days (比例付与). Its period
    # (2025-04-01..09-30) is partly covered by the company's records (from 2025-06-02, the two days above): judged
    # on them, 2 days worked of about 50 scheduled, under 8割 (労基法39条1項) → no grant
    leave = _ok(client.get(f"/api/v1/employees/{emp['id']}/leave?on=2025-10-01", headers=hr))
    assert leave["grants"] == [] and leave["balance"] == 0.0
    # registered after the hire, with the 導入日 2025-10-01 (導入時残高: none): the period lies before the records
    # begin, counted as attended (導入前の期間は出勤率を満たすものとして付与)
    lapsed = client.put(f"/api/v1/employees/{emp['id']}/leave/opening", headers=hr, json={
        "as_of": "2025-10-01", "grants": [{"grant_date": "2025-03-31", "days": 2}]})
    assert lapsed.status_code == 422 and lapsed.json()["errors"][0]["field"] == "opening.1.grant_date"
    put = _ok(client.put(f"/api/v1/employees/{emp['id']}/leave/opening", headers=hr, json={"as_of": "2025-10-01"}))
    assert put["records_from"] == "2025-10-01"
    leave = _ok(client.get(f"/api/v1/employees/{emp['id']}/leave?on=2025-10-01", headers=hr))
    assert leave["grants"] == [{"grant_date": "2025-10-01", "days": 5.0, "expires_on": "2027-09-30", "used": 0.0,
                                "remaining": 5.0, "kind": "assumed"}]
    assert leave["balance"] == 5.0 and leave["obligation_5_days"] is None

    early = client.post(f"/api/v1/employees/{emp['id']}/transfers", headers=hr,
                        json={"effective_from": "2025-03-01", "department": "品質保証部"})
    assert early.status_code == 422 and early.json()["errors"][0]["field"] == "effective_from"
    moved = _ok(client.post(f"/api/v1/employees/{emp['id']}/transfers", headers=hr,
                            json={"effective_from": "2027-04-01", "department": "品質保証部"}), 201)
    assert [a["department"] for a in moved["history"]] == ["製造部", "品質保証部"]
    assert moved["current"]["department"] == "製造部"  # the transfer is in the future

    # the demo's 林 (正社員) works over 45 hours in the month before the current one: flagged; its 製造部 manager
    # 岡田 (管理監督者, 労基法41条2号) works over 45 hours too, shown without a flag: the 36協定 limits are not his
    last_month = add_months(today_tokyo().replace(day=1), -1).strftime("%Y-%m")
    limits = _ok(client.get(f"/api/v1/attendance/limits?month={last_month}&per_page=1000", headers=hr))
    first = limits["items"][0]
    assert first["employee_number"] == "0014" and "over_monthly" in first["flags"]
    assert first["overtime_minutes"] > 45 * 60
    assert set(first["averages_minutes"]) == {"2", "3", "4", "5", "6"}
    manager = next(i for i in limits["items"] if i["employee_number"] == "0011")
    assert manager["overtime_minutes"] > 45 * 60 and manager["flags"] == [] and manager["warnings"] == []
    officer = next(i for i in limits["items"] if i["employee_number"] == "0001")  # 取締役: no 労働者 (9条)
    assert officer["flags"] == [] and officer["warnings"] == []
    assert limits["flagged"] == 1


def test_personal_data_is_for_hr_only_and_each_view_is_audited(client: TestClient, demo_db: Database) -> None:
    def audits() -> int:
        with demo_db.uow() as uow:
            return int(uow.session.execute(text(
                "SELECT COUNT(*) FROM audit_records WHERE entity_type = 'hr_employee' AND action = 'view_personal'"
            )).scalar_one())

    login(client, AUDITOR)
    assert client.get("/hr/employees").status_code == 200  # the auditor reads the register
    assert client.get("/hr/employees/1/personal").status_code == 403
    client.cookies.clear()
    login(client, HR)
    n = audits()
    page = client.get("/hr/employees/1/personal")
    assert page.status_code == 200 and "1968年5月12日" in page.text
    assert audits() == n + 1
    assert client.get("/hr/employees/1/contract.pdf").content.startswith(b"%PDF")
    client.cookies.clear()
    login(client, EIGYO)
    assert client.get("/hr/employees").status_code == 403
    assert client.get("/hr/me").status_code == 200

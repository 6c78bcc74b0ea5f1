"""人事 at scale: the month close for 1,000 employees with a month of attendance (30,000 punches), and the
36協定 limits dashboard and the 年次有給休暇管理簿 at 10,000 employees (a year of closed timesheets, two grants
and five days of leave each; every 25th employee a 管理監督者, every 100th over 80 hours beyond 40 a week).
Targets: close < 10 s; dashboard and ledger < 100 ms.

Rows are bulk-inserted (the close and the screens are what is timed); the close is the real service, timed
once (it closes the month), the screens are the median of 7 service calls and of 7 requests through the app.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import insert

from bench.common import fresh_database, machine, ms, timed, write_section
from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.hr import limits, queries, services
from ennoshita.hr.models import Assignment, AttendanceDay, Employee, LeaveGrant, LeaveTaken, Punch, Timesheet
from ennoshita.identity import services as identity
from ennoshita.settings import Settings
from ennoshita.web.app import create_app

ADMIN = Actor.system("bench")
UTC = dt.UTC
MONTH = dt.date(2026, 10, 1)
DEPTS = ("製造部", "営業部", "経理部", "総務部", "購買部", "品質保証部", "開発部", "人事部")


def _employees(db: Database, n: int) -> None:
    now = dt.datetime.now(UTC)
    with db.uow() as uow:
        s = uow.session
        for start in range(0, n, 2000):
            rows = [{"id": i + 1, "employee_number": f"B{i + 1:06d}", "name": f"社員 {i + 1}", "name_kana": "シャイン",
                     "birth_date": dt.date(1980 + i % 20, 1 + i % 12, 1 + i % 28), "gender": "",
                     "hire_date": dt.date(2015 + i % 10, 4, 1), "leave_reason": "", "email": "", "phone": "",
                     "postal_code": "", "address": "", "emergency_name": "", "emergency_relation": "",
                     "emergency_phone": "", "basic_pension_number": "", "employment_insurance_number": "",
                     "monthly_wage": 250_000, "created_at": now, "updated_at": now}
                    for i in range(start, min(n, start + 2000))]
            s.execute(insert(Employee), rows)
            s.execute(insert(Assignment), [{
                "employee_id": i + 1, "effective_from": dt.date(2015 + i % 10, 4, 1),
                "department": DEPTS[(i + 1) % len(DEPTS)], "position": "",
                "employment_type": "part_time" if (i + 1) % 10 == 0 else "regular",
                "weekly_days": 3 if (i + 1) % 10 == 0 else 5, "weekly_minutes": 900 if (i + 1) % 10 == 0 else 2400,
                "daily_minutes": 300 if (i + 1) % 10 == 0 else 480,
                "work_weekdays": "135" if (i + 1) % 10 == 0 else "12345", "is_manager": (i + 1) % 25 == 0,
                "created_at": now}
                for i in range(start, min(n, start + 2000))])
        uow.commit()


def _month_of_punches(db: Database, n: int) -> int:
    """15 shifts per employee in October 2026 (two punches each): 9:00 → 18:00-20:00 JST, 60 min break."""
    days = [d for d in (MONTH + dt.timedelta(days=k) for k in range(31)) if d.isoweekday() <= 5][:15]
    now = dt.datetime.now(UTC)
    punches = 0
    with db.uow() as uow:
        s = uow.session
        for start in range(0, n, 200):
            day_rows, punch_rows = [], []
            for e in range(start + 1, min(n, start + 200) + 1):
                for j, d in enumerate(days):
                    t_in = dt.datetime(d.year, d.month, d.day, 0, 0, tzinfo=UTC)  # 09:00 JST
                    t_out = t_in + dt.timedelta(hours=9, minutes=30 * ((e + j) % 5))
                    day_rows.append({"employee_id": e, "work_date": d, "day_kind": "workday", "clock_in": t_in,
                                     "clock_out": t_out, "break_minutes": 60, "scheduled_minutes": 480,
                                     "actual_minutes": 0, "overtime_minutes": 0, "legal_holiday_minutes": 0,
                                     "night_minutes": 0, "source": "csv", "note": "", "updated_at": now})
                    punch_rows += [{"employee_id": e, "kind": "in", "at": t_in, "source": "csv"},
                                   {"employee_id": e, "kind": "out", "at": t_out, "source": "csv"}]
            s.execute(insert(AttendanceDay), day_rows)
            s.execute(insert(Punch), punch_rows)
            punches += len(punch_rows)
        uow.commit()
    return punches


def _year_of_figures(db: Database, n: int) -> None:
    """12 closed months of timesheets, two grants and five days of leave per employee."""
    now = dt.datetime.now(UTC)
    months = [dt.date(2025 + (10 + k) // 12, (10 + k) % 12 + 1, 1) for k in range(12)]  # 2025-11 .. 2026-10
    with db.uow() as uow:
        s = uow.session
        for start in range(0, n, 1000):
            ids = range(start + 1, min(n, start + 1000) + 1)
            s.execute(insert(Timesheet), [{
                "employee_id": e, "month": m, "status": "closed", "scheduled_days": 20, "worked_days": 20,
                "absence_days": 0, "leave_days": Decimal(0), "leave_hours": 0, "scheduled_minutes": 9600,
                "actual_minutes": 9600 + (e * 37 + k * 11) % 3600 + (6000 if e % 100 == 0 else 0),
                "overtime_minutes": (e * 37 + k * 11) % 3600,
                "overtime_over60_minutes": 0, "legal_holiday_minutes": (e + k) % 7 * 60, "night_minutes": 0,
                "closed_at": now} for e in ids for k, m in enumerate(months)])
            s.execute(insert(LeaveGrant), [{
                "employee_id": e, "grant_date": g, "days": Decimal(d), "expires_on": g.replace(year=g.year + 2)
                - dt.timedelta(days=1), "kind": "statutory", "created_at": now}
                for e in ids for g, d in ((dt.date(2025, 4, 1), 16), (dt.date(2026, 4, 1), 18))])
            s.execute(insert(LeaveTaken), [{
                "employee_id": e, "leave_date": dt.date(2026, 5 + k, 11 + e % 5), "unit": "day", "days": Decimal(1),
                "hours": 0, "hours_per_day": 8, "planned": False, "reason": "", "status": "approved",
                "created_at": now} for e in ids for k in range(5) if not (e % 9 == 0 and k >= 2)])
        uow.commit()


def close_bench(backend: str) -> tuple[str, str]:
    with fresh_database(backend, "hr_close") as db:
        _employees(db, 1000)
        punches = _month_of_punches(db, 1000)
        start = time.perf_counter()
        result = services.close_month(db.uow(), ADMIN, MONTH)
        seconds = time.perf_counter() - start
        assert result.closed == 1000 and not result.problems, result
        return f"{seconds:.2f} s", f"{punches:,}"


def screens_bench(backend: str) -> dict[str, float]:
    with fresh_database(backend, "hr_screens") as db:
        _employees(db, 10_000)
        _year_of_figures(db, 10_000)
        identity.create_user(db.uow(), ADMIN, identity.NewUser(
            email="hr@bench.example", display_name="人事", roles=("hr",), password="bench-password-1"))
        on = dt.date(2026, 11, 15)
        out = {
            "limits dashboard (service, first page)": timed(lambda: services.dashboard(db.uow(), ADMIN, MONTH)),
            "limits, only flagged": timed(lambda: services.dashboard(db.uow(), ADMIN, MONTH, only_flagged=True)),
            "limits, only 面接指導の対象 (80h超)": timed(lambda: services.dashboard(db.uow(), ADMIN, MONTH,
                                                                              only_interview=True)),
            "leave ledger (service, first page)": timed(lambda: queries.leave_ledger(db.uow(), ADMIN, on)),
            "leave ledger, page 150": timed(lambda: queries.leave_ledger(db.uow(), ADMIN, on, page=150)),
            "年5日 list (all employees)": timed(lambda: queries.obligations(db.uow(), ADMIN, on)),
        }
        app = create_app(Settings(database_url=db.url, secret_key="bench"), db)
        with TestClient(app) as client:
            page = client.get("/login")
            import re

            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            assert token
            client.post("/login", data={"email": "hr@bench.example", "password": "bench-password-1",
                                        "csrf_token": token.group(1)})
            for label, path in (("GET /hr/limits?month=2026-10", "/hr/limits?month=2026-10"),
                                ("GET /hr/limits?month=2026-10&interview=1", "/hr/limits?month=2026-10&interview=1"),
                                ("GET /hr/leave?on=2026-11-15", "/hr/leave?on=2026-11-15")):
                assert client.get(path).status_code == 200
                out[label] = timed(lambda p=path: client.get(p))  # type: ignore[misc]

        def refresh() -> None:
            with db.uow() as uow:
                limits.refresh_limits_in(uow.session, MONTH)
                uow.commit()

        out["36協定 position of 10,000 kept (refresh_limits_in, not a screen)"] = timed(refresh)
        return out


def run() -> None:
    closes = {b: close_bench(b) for b in ("sqlite", "postgresql")}
    screens = {b: screens_bench(b) for b in ("sqlite", "postgresql")}
    lines = ["## 人事: month close at 1,000 employees, limits and leave ledger at 10,000", "",
             f"Machine: {machine()}, load average {os.getloadavg()[0]:.1f} when the run ended (the machine is "
             "shared: a high load inflates every figure). Command: `make bench` (`python -m bench hr`). "
             "The close is the real service "
             "(`hr.services.close_month`: every employee's days of the month and the week before, classified by "
             "the rules, written as closed 月次勤務表), timed once. The screens are the median of 7 service calls "
             "and of 7 requests through the app (template included) over 10,000 employees with 12 closed months "
             "(120,000 timesheets; 400 管理監督者, 100 over 80 hours beyond 40 a week), 20,000 grants and about 48,000 "
             "days of leave. Targets: close < 10 s, "
             "screens < 100 ms.", "",
             "| measure | SQLite | PostgreSQL |", "| --- | ---: | ---: |",
             f"| month close, 1,000 employees ({closes['sqlite'][1]} punches) | {closes['sqlite'][0]} | "
             f"{closes['postgresql'][0]} |"]
    for label in screens["sqlite"]:
        lines.append(f"| {label} | {ms(screens['sqlite'][label])} | {ms(screens['postgresql'][label])} |")
    write_section("hr", "\n".join(lines) + "\n")
    print("\n".join(lines))

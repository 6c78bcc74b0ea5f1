"""Fixed-wage history and the 月額変更届 (随時改定) candidate list, on SQLite and PostgreSQL.

Grades by hand from the 健康保険 標準報酬月額 table (協会けんぽ 令和8年度 保険料額表, 50 grades):
  grade 22: 300,000 (報酬月額 290,000 - 310,000)   grade 23: 320,000 (310,000 - 330,000)
  grade 24: 340,000 (330,000 - 350,000)            grade 25: 360,000 (350,000 - 370,000)
Every employee's current 標準報酬 is 300,000 → grade 22. Fixed wages change from 1 April 2026; the periods April,
May and June (月末締め) are paid 25 May, 25 June and 27 July (pay months May-July), so the new grade applies
from August (the fourth month).

  K raise 300,000 → 340,000, pay 340,000 x 3, 17 days in April (30 days - 13 absent)
      → average 340,000 → grade 24: 2 grades up → candidate from 2026-08.
  L raise, 16 days in April (14 absent) → one month under 17 days → "days".
  M raise, pay 330,000 / 330,000 / 329,999 → average 329,999 (切捨て) → grade 23: 1 grade → "grade".
  N raise, pay 330,000 x 3 → average 330,000 → grade 24 → candidate (the lower bound of grade 24).
  O cut 300,000 → 290,000 but overtime: pay 340,000 x 3 → grade 24, 2 up against a fall → "direction".
  P raise, only April and May periods paid so far → "waiting".
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from ennoshita.actor import Actor
from ennoshita.audit.models import AuditRecord
from ennoshita.cli.main import app
from ennoshita.dates import now_utc
from ennoshita.db import Database
from ennoshita.errors import Invalid
from ennoshita.hr.models import Assignment, Employee
from ennoshita.payroll import services, wages
from ennoshita.payroll.models import FixedWage, PayRun, Payslip

ADMIN = Actor.system()
PERIODS = [(dt.date(2026, 4, 1), dt.date(2026, 4, 30), dt.date(2026, 5, 25)),
           (dt.date(2026, 5, 1), dt.date(2026, 5, 31), dt.date(2026, 6, 25)),
           (dt.date(2026, 6, 1), dt.date(2026, 6, 30), dt.date(2026, 7, 27))]


def _employee(db: Database, number: str) -> int:
    now = now_utc()
    with db.uow() as uow:
        s = uow.session
        e = Employee(employee_number=number, name=f"社員 {number}", name_kana="シャイン",
                     birth_date=dt.date(1990, 1, 1),
                     hire_date=dt.date(2020, 4, 1), created_at=now, updated_at=now)
        s.add(e)
        s.flush()
        s.add(Assignment(employee_id=e.id, effective_from=dt.date(2020, 4, 1), department="営業部",
                         employment_type="regular", weekly_days=5, weekly_minutes=2400, daily_minutes=480,
                         created_at=now))
        uow.commit()
        return e.id


def _setup(db: Database, number: str, new_base: int) -> int:
    employee_id = _employee(db, number)
    services.save_profile(db.uow(), ADMIN, employee_id, {"base_amount": 300_000, "standard_remuneration": 300_000})
    services.save_profile(db.uow(), ADMIN, employee_id, {"base_amount": new_base},
                          effective_from=dt.date(2026, 4, 1))
    return employee_id


def _pay(db: Database, pays: dict[int, list[tuple[int, int]]]) -> None:
    """Fixed monthly runs for the three periods; ``pays[employee] = [(gross, absence_days), ...]`` per period."""
    with db.uow() as uow:
        s = uow.session
        for i, (start, end, pay_date) in enumerate(PERIODS):
            run = PayRun(number=f"PR-2026-{i + 1:04d}", kind="monthly", title="給与", period_start=start,
                         period_end=end, pay_date=pay_date, status="fixed", created_at=now_utc())
            s.add(run)
            s.flush()
            for employee_id, months in pays.items():
                if i < len(months):
                    gross, absent = months[i]
                    s.add(Payslip(run_id=run.id, employee_id=employee_id, employee_number=str(employee_id),
                                  name="x", gross=gross, attendance={"absence_days": absent}))
        uow.commit()


def test_zuiji_list_judges_days_grades_and_direction_by_hand(db: Database) -> None:
    k, l_, m, n, o, p = (_setup(db, "K", 340_000), _setup(db, "L", 340_000), _setup(db, "M", 330_000),
                         _setup(db, "N", 330_000), _setup(db, "O", 290_000), _setup(db, "P", 340_000))
    _pay(db, {k: [(340_000, 13), (340_000, 0), (340_000, 0)],
              l_: [(340_000, 14), (340_000, 0), (340_000, 0)],
              m: [(330_000, 0), (330_000, 0), (329_999, 0)],
              n: [(330_000, 0), (330_000, 0), (330_000, 0)],
              o: [(340_000, 0), (340_000, 0), (340_000, 0)],
              p: [(340_000, 0), (340_000, 0)]})
    rows = {r.employee_id: r for r in wages.zuiji_list(db.uow(), ADMIN, 2026)}
    assert {e: rows[e].status for e in (k, l_, m, n, o, p)} == {
        k: "candidate", l_: "days", m: "grade", n: "candidate", o: "direction", p: "waiting"}
    assert rows[k].months == [("2026-05", 340_000, 17), ("2026-06", 340_000, 31), ("2026-07", 340_000, 30)]
    assert (rows[k].current_grade, rows[k].average, rows[k].new_grade, rows[k].new_amount) == (22, 340_000, 24,
                                                                                                340_000)
    assert rows[k].applies_from == dt.date(2026, 8, 1)
    assert rows[k].new_pension_grade == 21  # 厚生年金 grade 21 = 340,000 (健保 grade 24 less 3)
    assert rows[l_].months[0][2] == 16 and rows[l_].new_grade is None
    assert (rows[m].average, rows[m].new_grade) == (329_999, None)
    assert (rows[n].new_grade, rows[n].new_amount) == (24, 340_000)
    assert (rows[o].direction, rows[o].before, rows[o].after) == (-1, 300_000, 290_000)
    assert len(rows[p].months) == 2
    result = CliRunner().invoke(app, ["payroll", "zuiji", "--year", "2026", "--candidates", "--database-url", db.url])
    assert result.exit_code == 0, result.output
    assert "社員 K" in result.output and "社員 N" in result.output and "社員 M" not in result.output
    assert "22 → 24" in result.output and "2026-08-01" in result.output


def test_a_change_of_fixed_wages_is_a_new_dated_row_and_the_old_one_stays(db: Database) -> None:
    employee_id = _employee(db, "H1")
    services.save_profile(db.uow(), ADMIN, employee_id, {"base_amount": 250_000, "commute_allowance": 10_000})
    services.save_profile(db.uow(), ADMIN, employee_id, {"dependents": 1})  # not a wage: no new row
    services.save_profile(db.uow(), ADMIN, employee_id, {"base_amount": 260_000},
                          effective_from=dt.date(2026, 4, 1))
    h = wages.history(db.uow(), ADMIN, employee_id)
    assert [(r.effective_from, r.base_amount, r.fixed_total) for r in h.rows] == [
        (dt.date(2026, 4, 1), 260_000, 270_000), (dt.date(2020, 4, 1), 250_000, 260_000)]
    with pytest.raises(Invalid) as err:  # not after the latest row: refused, nothing written
        services.save_profile(db.uow(), ADMIN, employee_id, {"base_amount": 270_000},
                              effective_from=dt.date(2026, 4, 1))
    assert err.value.field == "effective_from"
    with db.uow() as uow:
        s = uow.session
        assert s.scalar(select(func.count()).select_from(FixedWage).where(FixedWage.employee_id == employee_id)) == 2
        assert s.scalar(select(func.count()).select_from(AuditRecord)
                        .where(AuditRecord.entity_type == "payroll_fixed_wage")) == 2
        in_force = wages.in_force_in(s, [employee_id], dt.date(2026, 3, 31))
        assert in_force[employee_id].base_amount == 250_000
        assert wages.in_force_in(s, [employee_id], dt.date(2026, 4, 1))[employee_id].base_amount == 260_000

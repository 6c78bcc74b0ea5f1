"""人事 dates are Japanese business dates: on a server whose clock is on another zone, the employee page's current
所属 is the one in force today in Japan (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from ennoshita.actor import Actor
from ennoshita.dates import today_tokyo
from ennoshita.db import Database
from ennoshita.hr import services
from ennoshita.hr.employees import EmployeeInput, TransferInput

ADMIN = Actor.system()
JST = dt.timezone(dt.timedelta(hours=9))


def test_the_current_department_follows_the_japanese_date(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    emp = services.hire(db.uow(), ADMIN, EmployeeInput(
        employee_number="J001", name="日付 一郎", name_kana="ヒヅケ イチロウ", birth_date=dt.date(1990, 1, 1),
        hire_date=dt.date(2024, 4, 1), employment_type="regular", department="製造部", weekly_days=5,
        weekly_minutes=2400))
    # UTC-12 is 21 hours behind Japan (its date is Japan's day before until 21:00 JST); from 21:00 JST, UTC+14 is
    # already on Japan's next day. The transfer takes effect on the later of the two dates: in force in Japan
    # exactly when the machine is behind.
    zone = "Etc/GMT+12" if dt.datetime.now(JST).hour < 21 else "Etc/GMT-14"
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        japan, machine = today_tokyo(), dt.date.today()
        assert machine != japan
        effective = max(japan, machine)
        services.transfer(db.uow(), ADMIN, emp, TransferInput(effective, "品質保証部"))
        view = services.get_employee(db.uow(), ADMIN, emp)
    finally:
        monkeypatch.undo()
        time.tzset()
    assert view.current is not None
    assert view.current.department == ("品質保証部" if effective <= japan else "製造部")

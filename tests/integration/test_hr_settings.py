"""人事設定 (SQLite and PostgreSQL): bad values refused naming the field with nothing changed (weekday 1-7,
時間単位年休 at most 5 days a year by 労基法39条④), a change audited and in effect on the next computation
(半日年休 refused once turned off), through the service, /api/v1/hr/settings, the screen and the CLI."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from ennoshita.actor import Actor
from ennoshita.cli.main import app
from ennoshita.db import Database
from ennoshita.errors import Forbidden, Invalid
from ennoshita.hr import services
from ennoshita.hr import settings as hr_settings
from ennoshita.hr.employees import EmployeeInput
from ennoshita.hr.leave import LeaveInput
from ennoshita.identity import services as identity
from tests.conftest import csrf_of, login
from tests.integration.test_api import auth, token_for

ADMIN = Actor.system()
D = dt.date
HR = "jinji@demo.ennoshita.jp"
EIGYO = "eigyo@demo.ennoshita.jp"


def _audits(db: Database) -> list[str]:
    with db.uow() as uow:
        return [str(r[0]) for r in uow.session.execute(text(
            "SELECT after FROM audit_records WHERE action = 'hr_settings' ORDER BY id"))]


BAD: list[tuple[dict[str, object], str]] = [
    ({"week_start": 0}, "week_start"), ({"week_start": 8}, "week_start"),
    ({"legal_holiday_weekday": 9}, "legal_holiday_weekday"),
    ({"hourly_max_days": 6}, "hourly_max_days"),  # 労基法39条④: 5日以内
    ({"hourly_max_days": -1}, "hourly_max_days"), ({"half_day": "maybe"}, "half_day"),
    ({"colour": "red"}, "colour"),
]


def test_bad_values_are_refused_naming_the_field(demo_db: Database) -> None:
    before = hr_settings.get_settings(demo_db.uow(), ADMIN)
    for changes, field in BAD:
        with pytest.raises(Invalid) as e:  # the valid newest_first is not written either
            hr_settings.update_settings(demo_db.uow(), ADMIN, **{"newest_first": not before.newest_first, **changes})
        assert e.value.problems[0].field == field
    assert hr_settings.get_settings(demo_db.uow(), ADMIN) == before
    assert _audits(demo_db) == []


def test_a_change_is_audited_and_used_by_the_next_computation(demo_db: Database) -> None:
    identity.create_user(demo_db.uow(), ADMIN, identity.NewUser(email="staff@example.jp", display_name="社員 一郎",
                                                           roles=("requester",), password="pw-for-tests-1",
                                                           department="製造部"))
    staff = identity.actor_by_email(demo_db.uow(), "staff@example.jp", "web")
    with pytest.raises(Forbidden):
        hr_settings.update_settings(demo_db.uow(), staff, half_day=False)
    services.hire(demo_db.uow(), ADMIN, EmployeeInput(
        employee_number="T901", name="社員 一郎", name_kana="シャイン イチロウ", birth_date=D(1990, 1, 1),
        hire_date=D(2024, 4, 1), employment_type="regular", department="製造部", weekly_days=5, weekly_minutes=2400,
        user_id=staff.user_id))
    # half-day leave is on by default: 2026-12-01 (a Tuesday) half a day is accepted
    services.request_leave(demo_db.uow(), staff, LeaveInput(D(2026, 12, 1), "half"))
    after = hr_settings.update_settings(demo_db.uow(), ADMIN, half_day=False, hourly_max_days=0)
    assert (after.half_day, after.hourly_max_days, after.week_start) == (False, 0, 7)
    assert hr_settings.get_settings(demo_db.uow(), ADMIN).hourly_max_days == 0  # 0 is kept, not taken for "unset"
    [audited] = _audits(demo_db)
    assert json.loads(audited)["half_day"] is False and json.loads(audited)["hourly_max_days"] == 0
    with pytest.raises(Invalid) as e:
        services.request_leave(demo_db.uow(), staff, LeaveInput(D(2026, 12, 2), "half"))
    assert e.value.problems[0].key == "hr.error.half_day_off"
    hr_settings.update_settings(demo_db.uow(), ADMIN, half_day=False)  # no change: no audit record
    assert len(_audits(demo_db)) == 1


def test_api_screen_and_cli(client: TestClient, demo_db: Database) -> None:
    hr, eigyo = auth(token_for(demo_db, HR)), auth(token_for(demo_db, EIGYO))
    got = client.get("/api/v1/hr/settings", headers=hr)
    assert got.status_code == 200 and got.json()["legal_holiday_weekday"] in range(1, 8), got.text
    assert client.put("/api/v1/hr/settings", headers=eigyo, json={"half_day": False}).status_code == 403
    bad = client.put("/api/v1/hr/settings", headers=hr, json={"week_start": 8, "hourly_max_days": 6})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
    assert bad.json()["errors"][0]["field"] in ("week_start", "hourly_max_days")
    ok = client.put("/api/v1/hr/settings", headers=hr, json={"week_start": 1, "hourly": True, "hourly_max_days": 3})
    assert ok.status_code == 200 and ok.json()["week_start"] == 1 and ok.json()["hourly_max_days"] == 3, ok.text
    assert client.get("/api/v1/hr/settings", headers=hr).json()["hourly"] is True

    token = login(client, HR)
    page = client.get("/hr/settings")
    assert page.status_code == 200 and "人事設定" in page.text and 'data-testid="hr-settings-save"' in page.text
    form: dict[str, Any] = {"csrf_token": csrf_of(page.text) or token, "week_start": "1",
                            "legal_holiday_weekday": "7", "half_day": "1", "hourly": "1", "hourly_max_days": "6",
                            "newest_first": "0"}
    refused = client.post("/hr/settings", data=form, follow_redirects=False)
    assert refused.status_code == 422 and 'data-testid="error-hourly_max_days"' in refused.text
    assert "5日" in refused.text
    saved = client.post("/hr/settings", data={**form, "hourly_max_days": "2"}, follow_redirects=False)
    assert saved.status_code == 303
    assert client.get("/api/v1/hr/settings", headers=hr).json()["hourly_max_days"] == 2

    runner = CliRunner()
    env = {"ENNOSHITA_LANG": "ja"}
    out = runner.invoke(app, ["hr", "settings", "--as", HR, "--database-url", demo_db.url], env=env)
    assert out.exit_code == 0 and "hourly_max_days=2" in out.output, out.output
    out = runner.invoke(app, ["hr", "settings", "--set", "legal_holiday_weekday=8", "--as", HR,
                              "--database-url", demo_db.url], env=env)
    assert out.exit_code == 1 and "legal_holiday_weekday" in out.output, out.output
    out = runner.invoke(app, ["hr", "settings", "--set", "half_day=false", "--set", "week_start=7", "--as", HR,
                              "--database-url", demo_db.url], env=env)
    assert out.exit_code == 0 and "half_day=false" in out.output and "week_start=7" in out.output, out.output

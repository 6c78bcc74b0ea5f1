"""面接指導の対象（80時間超） on the limits screen, in the CLI and the API, in Japanese and English, on the demo
company: 製造部の 岡田 (管理監督者) works every weekday late and every Saturday in the last closed month, over 80
hours beyond 40 a week, so he is indicated while no 36協定 limit is his; 林 (正社員, flagged 月45時間超) is not
over 80 hours."""

from __future__ import annotations

import html

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from ennoshita.cli.main import app
from ennoshita.dates import today_tokyo
from ennoshita.db import Database
from ennoshita.hr.rules import add_months
from tests.conftest import csrf_of, login
from tests.integration.test_api import auth, token_for

HR = "jinji@demo.ennoshita.jp"
runner = CliRunner()


def test_the_interview_indicator_and_its_filter_in_japanese_and_english(
        client: TestClient, demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    month = add_months(today_tokyo().replace(day=1), -1).strftime("%Y-%m")
    login(client, HR)
    page = html.unescape(client.get(f"/hr/limits?month={month}").text)
    assert "面接指導の対象のみ" in page and "週40時間超（安衛則）" in page
    assert "面接指導の対象（80時間超） 1 名" in page
    only = client.get(f"/hr/limits?month={month}&interview=1")
    assert only.status_code == 200
    text = html.unescape(only.text)
    assert "岡田 剛" in text and "林 直人" not in text and 'data-testid="interview"' in text
    client.post("/language", data={"language": "en", "next": "/", "csrf_token": csrf_of(only.text)})
    text = html.unescape(client.get(f"/hr/limits?month={month}&interview=1").text)
    assert "Only those over 80h (doctor's interview)" in text and "Doctor's interview (over 80h)" in text
    assert "1 over 80h (doctor's interview)" in text and "hr_ui." not in text and "岡田 剛" in text

    api = client.get(f"/api/v1/attendance/limits?month={month}&only_interview=true",
                     headers=auth(token_for(demo_db, HR))).json()
    assert api["interview"] == 1 and [i["employee_number"] for i in api["items"]] == ["0011"]
    item = api["items"][0]
    assert item["interview"] is True and item["beyond_40_minutes"] > 80 * 60 and item["flags"] == []

    monkeypatch.setenv("COLUMNS", "240")
    args = ["hr", "attendance", "limits", "--month", month, "--interview", "--database-url", demo_db.url]
    monkeypatch.setenv("ENNOSHITA_LANG", "ja")
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    assert "面接指導の対象（80時間超）" in r.stdout and "岡田" in r.stdout and "林" not in r.stdout
    monkeypatch.setenv("ENNOSHITA_LANG", "en")
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    assert "Doctor's interview (over 80h)" in r.stdout and "1 over 80h (doctor's interview)" in r.stdout

"""A pay run's name in the reader's language: a run nobody named is named from its month at display time
(2026年11月分 給与 / November 2026 pay), including runs stored before with the Japanese default as their title; a
name someone gave a run is shown as written."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import text

from ennoshita.db import Database
from tests.conftest import csrf_of, login

HR = "jinji@demo.ennoshita.jp"


def _english(client: TestClient) -> None:
    client.post("/language", data={"language": "en", "next": "/", "csrf_token": csrf_of(client.get("/me").text)})


def _runs(db: Database) -> list[tuple[int, str, str, str]]:
    with db.engine.begin() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT id, kind, title, CAST(period_end AS VARCHAR(10)) FROM payroll_runs ORDER BY id"))]


def test_run_titles_read_in_english_and_in_japanese(client: TestClient, demo_db: Database) -> None:
    """Before, the English 給与 list and run pages said 2026年11月分 給与 and 2026年 冬季賞与."""
    runs = _runs(demo_db)
    monthly = [r for r in runs if r[1] == "monthly"]
    assert monthly and any(r[1] == "bonus" for r in runs)
    assert all(r[2] == "" for r in runs), runs  # the demo names none: nothing stored in one language
    first, last = monthly[0], monthly[-1]
    # a run stored before with the Japanese default as its title, and one someone named
    y, m = int(first[3][:4]), int(first[3][5:7])
    with demo_db.engine.begin() as conn:
        conn.execute(text("UPDATE payroll_runs SET title = :t WHERE id = :i"),
                     {"t": f"{y}年{m}月分 給与", "i": first[0]})
        conn.execute(text("UPDATE payroll_runs SET title = '決算賞与（特別）' WHERE kind = 'bonus'"))
    month_names = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                   "October", "November", "December"]
    ly, lm = int(last[3][:4]), int(last[3][5:7])
    login(client, HR)
    bonus = next(r[0] for r in runs if r[1] == "bonus")
    page = client.get("/payroll").text
    assert f"<td>{ly}年{lm}月分 給与</td>" in page
    assert f"<h1>{y}年{m}月分 給与 <span" in client.get(f"/payroll/runs/{first[0]}").text
    assert "<h1>決算賞与（特別） <span" in client.get(f"/payroll/runs/{bonus}").text
    _english(client)
    page = client.get("/payroll").text
    assert f"<td>{month_names[lm - 1]} {ly} pay</td>" in page and "月分" not in page
    run = client.get(f"/payroll/runs/{first[0]}").text
    assert f"<h1>{month_names[m - 1]} {y} pay <span" in run and "月分" not in run
    assert "<h1>決算賞与（特別） <span" in client.get(f"/payroll/runs/{bonus}").text  # as its author wrote it
    slip = re.search(r'href="/payroll/slips/(\d+)"', run)
    assert slip
    assert f"{month_names[m - 1]} {y} pay" in client.get(f"/payroll/slips/{slip.group(1)}").text


def test_a_bonus_nobody_named_is_named_by_its_season() -> None:
    import datetime as dt

    from ennoshita.payroll.titles import run_title

    dec, jul, mar = dt.date(2026, 12, 10), dt.date(2026, 7, 10), dt.date(2027, 3, 19)
    assert run_title("ja", "", "bonus", dec, dec) == "2026年 冬季賞与"
    assert run_title("en", "", "bonus", dec, dec) == "Winter bonus 2026"
    assert run_title("en", "2026年 賞与", "bonus", jul, jul) == "Summer bonus 2026"  # the old default, stored
    assert run_title("en", "", "bonus", mar, mar) == "March 2027 bonus"
    assert run_title("en", "", "monthly", dt.date(2026, 11, 30), dt.date(2026, 12, 10)) == "November 2026 pay"
    assert run_title("en", "創業記念賞与", "bonus", mar, mar) == "創業記念賞与"



def test_the_approval_title_of_a_run_reads_in_either_language() -> None:
    """The 稟議 of a run stored 「給与 2026年11月分 給与」 as its title (the Japanese default, prefixed), which the
    English approval queue showed beside "Payroll run"; then the run's month (2026-11), an ISO text in the Japanese
    queue. It now keeps the run's default name as a catalog key, written in the reader's language (or the name
    someone gave the run, as written)."""
    import datetime as dt

    from ennoshita.approvals.titles import title_in
    from ennoshita.payroll.models import PayRun
    from ennoshita.payroll.services import _approval_title

    def shown(run: PayRun) -> tuple[str, str]:
        return title_in("ja", "payroll_run", _approval_title(run)), title_in("en", "payroll_run", _approval_title(run))

    nov, dec = dt.date(2026, 11, 30), dt.date(2026, 12, 10)
    assert shown(PayRun(kind="monthly", title="", period_end=nov, pay_date=dec)) == (
        "2026年11月分 給与", "November 2026 pay")
    assert shown(PayRun(kind="monthly", title="2026年11月分 給与", period_end=nov, pay_date=dec)) == (
        "2026年11月分 給与", "November 2026 pay")
    assert shown(PayRun(kind="bonus", title="", period_end=dec, pay_date=dec)) == (
        "2026年 冬季賞与", "Winter bonus 2026")
    assert shown(PayRun(kind="bonus", title="決算賞与", period_end=dec, pay_date=dec)) == ("決算賞与", "決算賞与")

"""年次有給休暇 for employees registered after their hire (導入時残高), on SQLite and PostgreSQL.

The company keeps attendance from 2025-04-01 (Z001's first record). Two long-serving employees are registered
later with their real 入社日, full time Mon-Fri 8h:

田中 T001, hired 2019-04-01, 導入日 2026-06-01, 導入時残高: 2024-10-01 3 days, 2025-10-01 12.5 days. Attends every
  scheduled day from 2026-06-01 to 2026-09-30 except 2026-07-10 (年休, recorded by 人事).
  2026-10-01 is 7.5 years of service (労基法39条2項): 20 days. Its period 2025-10-01..2026-09-30 lies before the
  導入日 up to 2026-05-31 (counted as attended) and is all attended after → granted, kind ``assumed``, rate 100%.
  On 2026-07-01: 3 + 12.5 - 1 (07-10 uses the oldest grant, 2024-10-01) = 14.5.
  On 2026-10-15: 2024-10-01 lapsed on 2026-09-30 (2 years, 労基法115条) → 12.5 + 20 = 32.5.
  Before the fix the 2026-10-01 period was judged on records the system never had (0%): no grant.
佐藤 S001, hired 2021-01-15, 導入日 2026-03-02, no 導入時残高 and no attendance: 2026-07-15 (5.5 years, 18 days)
  has its period 2025-07-15..2026-07-14; the days before 2026-03-02 count as attended, the rest (all absent) not:
  the rate is those days over all scheduled days, under 8割 → not granted.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import holidays
import pytest
from fastapi.testclient import TestClient

from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.errors import Conflict, Invalid
from ennoshita.hr import rules, services
from ennoshita.hr.employees import EmployeeInput
from ennoshita.hr.leave import LeaveInput

ADMIN = Actor.system()
D = dt.date
JP = holidays.Japan(years=range(2025, 2027))


def _emp(number: str, name: str, hired: dt.date) -> EmployeeInput:
    return EmployeeInput(employee_number=number, name=name, name_kana="テスト", birth_date=D(1980, 1, 1),
                         hire_date=hired, employment_type="regular", department="総務部", weekly_days=5,
                         weekly_minutes=2400, work_weekdays="12345")


def _workdays(first: dt.date, last: dt.date) -> list[dt.date]:
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    return [d for d in days if d.isoweekday() <= 5 and d not in JP]


def _setup(db: Database) -> dict[str, int]:
    ids = {"Z": services.hire(db.uow(), ADMIN, _emp("Z001", "全社 記録", D(2024, 4, 1)))}
    services.import_csv(db.uow(), ADMIN, "employee_number,date,clock_in,clock_out,break_minutes\n"
                                         "Z001,2025-04-01,09:00,18:00,60\n")
    ids["T"] = services.hire(db.uow(), ADMIN, _emp("T001", "田中 一郎", D(2019, 4, 1)), services.OpeningInput(
        D(2026, 6, 1), (rules.OpeningRow(D(2024, 10, 1), Fraction(3)),
                        rules.OpeningRow(D(2025, 10, 1), Fraction(25, 2)))))
    ids["S"] = services.hire(db.uow(), ADMIN, _emp("S001", "佐藤 花子", D(2021, 1, 15)))
    services.set_opening(db.uow(), ADMIN, ids["S"], services.OpeningInput(D(2026, 3, 2)))
    lines = [f"T001,{d.isoformat()},09:00,18:00,60" for d in _workdays(D(2026, 6, 1), D(2026, 9, 30))
             if d != D(2026, 7, 10)]
    services.import_csv(db.uow(), ADMIN, "employee_number,date,clock_in,clock_out,break_minutes\n"
                        + "\n".join(lines) + "\n")
    services.request_leave(db.uow(), ADMIN, LeaveInput(D(2026, 7, 10)), ids["T"], record=True)
    return ids


def test_grants_before_the_introduction_are_the_opening_balance_and_after_it_the_statutory_dates(
        db: Database) -> None:
    ids = _setup(db)
    july = services.leave_status(db.uow(), ADMIN, ids["T"], D(2026, 7, 1))
    assert [(g.grant_date, g.days, g.kind) for g in july.grants] == [
        (D(2024, 10, 1), 3, "opening"), (D(2025, 10, 1), Fraction(25, 2), "opening")]
    assert july.balance == Fraction(29, 2) and july.records_from == D(2026, 6, 1)
    assert july.obligation is None  # the days taken before the 導入日 are not known: from the first own grant on

    oct15 = services.leave_status(db.uow(), ADMIN, ids["T"], D(2026, 10, 15))
    got = {g.grant_date: g for g in oct15.grants}
    assert (got[D(2026, 10, 1)].days, got[D(2026, 10, 1)].kind) == (20, "assumed")
    assert got[D(2026, 10, 1)].attendance_rate == 1
    assert got[D(2024, 10, 1)].expired and got[D(2024, 10, 1)].used == 1
    assert oct15.balance == Fraction(65, 2)
    assert oct15.obligation is not None and oct15.obligation.grant_date == D(2026, 10, 1)
    # no grant of the years before the 導入日 is computed: only the two entered and the 2026-10-01 one
    assert sorted(got) == [D(2024, 10, 1), D(2025, 10, 1), D(2026, 10, 1)]


def test_registered_today_without_a_start_date_the_time_before_the_registration_is_not_judged(db: Database) -> None:
    """The bug as reported: the company has attendance since 2025-04-01; 山本, hired 2019-04-01, is registered today
    with no 導入日 and no attendance. Before, the 2026-10-01 period (2025-10-01..2026-09-30, all after the company's
    first record) was judged on records the system never had: 0%, no grant. Now the records of an employee begin
    on their registration (or their first record, when earlier): 20 days (7.5 years), kind ``assumed``."""
    ids = _setup(db)
    y = services.hire(db.uow(), ADMIN, _emp("Y001", "山本 次郎", D(2019, 4, 1)))
    st = services.leave_status(db.uow(), ADMIN, y, D(2026, 10, 15))
    latest = {g.grant_date: g for g in st.grants}[D(2026, 10, 1)]
    assert (latest.days, latest.kind, latest.attendance_rate) == (20, "assumed", None)
    # Z001 (hired 2024-04-01) has records from 2025-04-01, before its registration: judged from that day, and
    # absent since, its 2026-10-01 grant (period 2025-10-01..2026-09-30, all covered) is not made
    z = services.leave_status(db.uow(), ADMIN, ids["Z"], D(2026, 10, 15))
    assert {g.grant_date: (g.days, g.kind) for g in z.grants}[D(2026, 10, 1)] == (0, "not_eligible")


def test_the_part_before_the_records_counts_as_attended_and_the_rest_is_judged(db: Database) -> None:
    ids = _setup(db)
    st = services.leave_status(db.uow(), ADMIN, ids["S"], D(2026, 7, 31))
    grant = {g.grant_date: g for g in st.grants}[D(2026, 7, 15)]
    sched = _workdays(D(2025, 7, 15), D(2026, 7, 14))
    assumed = [d for d in sched if d < D(2026, 3, 2)]
    assert grant.days == 0 and grant.kind == "not_eligible"
    assert grant.attendance_rate is not None
    assert abs(float(grant.attendance_rate) - len(assumed) / len(sched)) < 0.0001
    assert 0.5 < len(assumed) / len(sched) < 0.8  # the oracle: about 7.5 of 12 months assumed
    assert st.balance == 0


def test_opening_balance_is_checked_and_replaced(db: Database) -> None:
    ids = _setup(db)
    with pytest.raises(Invalid) as bad:
        services.set_opening(db.uow(), ADMIN, ids["S"], services.OpeningInput(
            D(2026, 3, 2), (rules.OpeningRow(D(2024, 1, 15), Fraction(2)),)))  # lapsed 2026-01-14
    assert [(p.key, p.field) for p in bad.value.problems or []] == [("hr.error.opening_lapsed",
                                                                      "opening.1.grant_date")]
    with pytest.raises(Conflict):  # 田中 has leave on 2026-07-10 in the system: a later 導入日 would count it twice
        services.set_opening(db.uow(), ADMIN, ids["T"], services.OpeningInput(D(2026, 8, 1)))
    services.set_opening(db.uow(), ADMIN, ids["S"], services.OpeningInput(
        D(2026, 3, 2), (rules.OpeningRow(D(2025, 7, 15), Fraction(9)),)))
    st = services.leave_status(db.uow(), ADMIN, ids["S"], D(2026, 3, 31))
    assert [(g.grant_date, g.days, g.kind) for g in st.grants] == [(D(2025, 7, 15), 9, "opening")]
    assert st.balance == 9


HR = "jinji@demo.ennoshita.jp"


def _id_of(db: Database, number: str) -> int:
    from sqlalchemy import select

    from ennoshita.hr.models import Employee

    with db.uow() as uow:
        return int(uow.session.scalars(select(Employee.id).where(Employee.employee_number == number)).one())


def test_the_demo_employee_registered_after_the_hire_shows_the_opening_balance_and_the_rule(
        client: TestClient, demo_db: Database) -> None:
    """近藤 (0030) of the demo: registered with his real 入社日 100 months back and his 導入時残高 (3 and 12.5 days)
    on the demo's first month; the grant due after it is the full 20 days (6.5 years or more), made on his
    records with the time before the 導入日 counted as attended."""
    from tests.conftest import login

    emp = _id_of(demo_db, "0030")
    st = services.leave_status(demo_db.uow(), ADMIN, emp)
    assert [(g.days, g.kind) for g in st.grants][:2] == [(3, "opening"), (Fraction(25, 2), "opening")]
    assert [(g.days, g.kind) for g in st.grants][2:] == [(20, "assumed")]
    token = login(client, HR)
    page = client.get(f"/hr/leave/{emp}")
    assert page.status_code == 200
    assert page.text.count('data-testid="kind-opening"') == 2
    assert "導入前の期間は出勤率を満たすものとして付与" in page.text and 'data-testid="records-from"' in page.text
    # a grant lapsed by the 導入日 is refused naming the field; nothing changes
    as_of = st.records_from
    assert as_of is not None
    old = as_of.replace(year=as_of.year - 3)
    bad = client.post(f"/hr/leave/{emp}/opening", data={
        "csrf_token": token, "as_of": as_of.isoformat(), "opening.1.grant_date": old.isoformat(),
        "opening.1.days": "2"})
    assert bad.status_code == 422 and "時効（2年）で消滅" in bad.text
    assert services.leave_status(demo_db.uow(), ADMIN, emp).balance == st.balance


def test_registering_an_existing_employee_with_the_opening_balance_on_the_form(client: TestClient,
                                                                                demo_db: Database) -> None:
    from tests.conftest import login

    token = login(client, HR)
    form = {"csrf_token": token, "employee_number": "E-9301", "name": "長谷川 実", "name_kana": "ハセガワ ミノル",
            "birth_date": "1975-05-05", "hire_date": "2015-04-01", "employment_type": "regular",
            "department": "総務部", "weekly_days": "5", "weekly_hours": "40", "as_of": "2026-11-02",
            "opening.1.grant_date": "2025-10-01", "opening.1.days": "７．５",
            "opening.2.grant_date": "2024-10-01", "opening.2.days": "abc"}
    bad = client.post("/hr/employees/new", data=form, follow_redirects=False)
    assert bad.status_code == 422 and "0.5 日単位" in bad.text and 'value="2024-10-01"' in bad.text
    form |= {"opening.2.grant_date": "", "opening.2.days": ""}
    assert client.post("/hr/employees/new", data=form, follow_redirects=False).status_code == 303
    st = services.leave_status(demo_db.uow(), ADMIN, _id_of(demo_db, "E-9301"), D(2026, 11, 2))
    # 2015-04-01 + 6 months: 2015-10-01 … 2025-10-01; only the 導入時残高 is before the 導入日 2026-11-02
    assert st.records_from == D(2026, 11, 2)
    assert [(g.grant_date, g.days, g.kind) for g in st.grants] == [(D(2025, 10, 1), Fraction(15, 2), "opening")]


def test_the_cli_enters_the_opening_balance(db: Database) -> None:
    from typer.testing import CliRunner

    from ennoshita.cli.main import app

    def run(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(app, [*args, "--database-url", db.url], env={"ENNOSHITA_LANG": "ja"})
        return result.exit_code, result.output

    code, out = run("hr", "employee", "add", "K01", "近藤 誠", "--kana", "コンドウ マコト", "--birth", "1976-02-14",
                    "--hired", "2019-04-01", "--department", "総務部")
    assert code == 0, out
    code, out = run("hr", "leave", "opening", "K01", "--as-of", "2026-06-01", "--grant", "2024-10-01=3",
                    "--grant", "2024-04-01=2")
    assert code == 1 and "2026年3月31日 に時効（2年）で消滅" in out, out  # granted 2024-04-01: lapsed by the 導入日
    code, out = run("hr", "leave", "opening", "K01", "--as-of", "2026-06-01", "--grant", "2024-10-01=3",
                    "--grant", "2025-10-01=12.5")
    assert code == 0 and "導入日 2026-06-01" in out, out
    # on 2026-07-01: 3 + 12.5; on 2026-10-15 the 2024-10-01 grant has lapsed and 2026-10-01 brings 20 (7.5 years;
    # no records at all, so the whole period counts as attended): 12.5 + 20 = 32.5
    code, out = run("hr", "leave", "balance", "K01", "--on", "2026-07-01")
    assert code == 0 and "15.5 日" in out, out
    code, out = run("hr", "leave", "balance", "K01", "--on", "2026-10-15")
    assert code == 0 and "32.5 日" in out, out

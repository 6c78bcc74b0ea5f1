"""部門 on the expenses the modules post (SQLite and PostgreSQL): the depreciation run splits 減価償却費 by each
asset's department and a disposal puts its 除却損 there; the pay run splits 給料手当 and 法定福利費 by each
employee's department in force at the run's period (異動 respected). The balance-sheet side carries no 部門, a
department the ledger does not know leaves its share without 部門, and the split lines add up to the single line
of before, to the yen.

The ledger's 部門: 100 営業部, 300 製造部.

Depreciation, April 2026 (April fiscal year, 定額法, in use from 2026-04-01, indirect style), by hand:
  server ¥1,200,000, 5 years (0.200): 240,000 a year → 20,000 a month, 営業部 (by name)
  server ¥600,000, 5 years: 120,000 → 10,000 a month, "　営業部 " (by name, spaces trimmed)
  car ¥3,600,000, 6 years (0.167): 601,200 → 50,100 a month, "300" (by code: 製造部)
  PC ¥480,000, 4 years (0.250): 120,000 → 10,000 a month, 経理部 (not a 部門 of the ledger: no 部門)
  → 減価償却費 営業部 30,000, 製造部 50,100, none 10,000 = 90,100 = 減価償却累計額 90,100 (no 部門)
  The car retired on 2026-04-30: book value 3,600,000 - 50,100 = 3,549,900 → 除却損 3,549,900 in 製造部.

Pay run for April 2026 (tests/integration/test_payroll.py's three employees; 総支給 A 360,000, B 96,000,
C 250,000):
  A 営業部 since 2020 (a transfer to 製造部 from 2026-05-01 is after the run's period): 営業部 360,000
  C moved 営業部 → 製造部 on 2026-03-01: 製造部 250,000
  B in 物流センター (not a 部門 of the ledger) since 2026-01-01: no 部門 96,000
  → 給料手当 706,000 as before in three lines; 法定福利費 per department = each one's 事業主負担 from the slips,
  together the 未払費用 of the entry.

Both failed before: every 減価償却費, 除却損, 給料手当 and 法定福利費 line was one line without 部門.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from ennoshita.actor import Actor
from ennoshita.assets import services as assets
from ennoshita.db import Database
from ennoshita.hr import services as hr
from ennoshita.identity import company as company_service
from ennoshita.ledger import services as ledger
from ennoshita.ledger.models import Account, Department, JournalEntry, JournalLine
from ennoshita.payroll.models import PayRun, Payslip
from tests.integration.test_payroll import _run_month, org  # noqa: F401  (the fixture)

ADMIN = Actor.system()
D = dt.date


def _departments(db: Database) -> None:
    for code, name in (("100", "営業部"), ("300", "製造部")):
        ledger.add_department(db.uow(), ADMIN, code, name)


def _lines(db: Database, entry_id: int) -> dict[tuple[str, str | None, str], int]:
    """(account code, 部門 name or None, side) → yen of one entry (one line each for an expense)."""
    out: dict[tuple[str, str | None, str], int] = {}
    with db.uow() as uow:
        rows = uow.session.execute(
            select(Account.code, Department.name, JournalLine.debit, JournalLine.credit)
            .join(Account, Account.id == JournalLine.account_id)
            .outerjoin(Department, Department.id == JournalLine.department_id)
            .where(JournalLine.entry_id == entry_id)).all()
    for code, dep, debit, credit in rows:
        side = "debit" if debit else "credit"
        key = (code, dep, side)
        assert key not in out or code < "6000", f"two expense lines for {key}"  # 預り金 has one line per kind
        out[key] = out.get(key, 0) + int(debit or credit)
    return out


@pytest.fixture
def books(db: Database) -> Database:
    company_service.update_company(db.uow(), ADMIN, {"name": "株式会社さくら精機", "fiscal_year_start_month": 4})
    _departments(db)
    return db


def test_depreciation_and_retirement_go_to_each_assets_department(books: Database) -> None:
    db = books
    day = D(2026, 4, 1)
    for name, kind, cost, department in (("サーバーA", "server", 1_200_000, "営業部"),
                                         ("サーバーB", "server", 600_000, "　営業部 "),
                                         ("社用車", "car", 3_600_000, "300"),
                                         ("ノートPC", "pc", 480_000, "経理部")):
        assets.register(db.uow(), ADMIN, assets.NewAsset(name, kind, day, cost, method="straight",
                                                         department=department))
    run = assets.post_run(db.uow(), ADMIN, "monthly", day)
    assert run.total == 90_100 and run.journal_entry_id is not None
    lines = _lines(db, run.journal_entry_id)
    assert lines == {("6410", "営業部", "debit"): 30_000, ("6410", "製造部", "debit"): 50_100,
                     ("6410", None, "debit"): 10_000, ("1570", None, "credit"): 90_100}
    # the split lines add up to what the one line said before
    assert sum(v for (code, _d, _s), v in lines.items() if code == "6410") == run.total

    car = next(a for a in run.lines if a.name == "社用車")
    retired = assets.dispose(db.uow(), ADMIN, assets.Disposal(car.asset_id, D(2026, 4, 30), "retire"))
    with db.uow() as uow:
        entry_id = uow.session.scalar(select(JournalEntry.id).where(JournalEntry.source == "fixed_asset"))
    assert retired.disposal_gain == -3_549_900 and entry_id is not None
    assert _lines(db, entry_id) == {("1570", None, "debit"): 50_100, ("8220", "製造部", "debit"): 3_549_900,
                                    ("1540", None, "credit"): 3_600_000}


def test_pay_run_splits_salaries_and_welfare_by_department_at_the_period(db: Database,
                                                                         org: dict[str, object]) -> None:  # noqa: F811
    _departments(db)
    ids = org["ids"]
    assert isinstance(ids, dict)
    hr.transfer(db.uow(), ADMIN, ids["C"], hr.TransferInput(D(2026, 3, 1), "製造部"))
    hr.transfer(db.uow(), ADMIN, ids["A"], hr.TransferInput(D(2026, 5, 1), "製造部"))
    hr.transfer(db.uow(), ADMIN, ids["B"], hr.TransferInput(D(2026, 1, 1), "物流センター"))
    run_id = _run_month(db, org, 2026, 4)
    with db.uow() as uow:
        s = uow.session
        entry_id = s.scalar(select(PayRun.journal_entry_id).where(PayRun.id == run_id))
        slips = {p.employee_number: (p.department, p.gross, p.employer_health + p.employer_pension
                                     + p.employer_child + p.employer_employment)
                 for p in s.scalars(select(Payslip).where(Payslip.run_id == run_id))}
    assert entry_id is not None
    assert {n: (d, g) for n, (d, g, _w) in slips.items()} == {
        "1001": ("営業部", 360_000), "1002": ("物流センター", 96_000), "1003": ("製造部", 250_000)}
    lines = _lines(db, entry_id)
    assert {k: v for k, v in lines.items() if k[0] == "6120"} == {
        ("6120", "営業部", "debit"): 360_000, ("6120", "製造部", "debit"): 250_000, ("6120", None, "debit"): 96_000}
    welfare = {k: v for k, v in lines.items() if k[0] == "6140"}
    expected = {("6140", "営業部", "debit"): slips["1001"][2], ("6140", "製造部", "debit"): slips["1003"][2]}
    if slips["1002"][2]:  # B, a part-timer, is in no insurance: no 事業主負担
        expected[("6140", None, "debit")] = slips["1002"][2]
    assert welfare == expected and slips["1001"][2] > 0 and slips["1003"][2] > 0
    # the expense lines add up to the single lines of before; no balance-sheet line has a 部門
    assert sum(v for k, v in lines.items() if k[0] == "6120") == 706_000
    accrued = sum(v for k, v in lines.items() if k[0] == "2160" and k[2] == "credit")
    assert sum(welfare.values()) == accrued
    assert all(dep is None for code, dep, _side in lines if code < "6000")
